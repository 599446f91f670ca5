/**
 * An item as a newsroom receives it (feeds, webhook pushes, press kits): full text with absolute links, every
 * image at its original size with caption and credit, the byline, region and topics.
 * Captions and credits: what the editor wrote where the image is used (![说明](图片 "摄影：某某")), else what was
 * entered for the upload in the media library, else the image's alt text.
 */
import { markdownImages } from '../content/markdown';
import { originalImagesFor, type PublishedSource } from '../content/public-queries';
import type { ContentKind } from '../content/enums';
import { absoluteUrl } from '../urls';

export const KIND_LABELS: Record<ContentKind, string> = { article: '新闻稿', deputy: '典型代表', group: '代表小组', case: '典型案例' };

export interface PartnerImage {
  url: string;
  width?: number;
  height?: number;
  contentType?: string;
  bytes?: number;
  /** Storage key of the original (press kits read the file by it); absent for images we do not host. */
  key?: string;
  /** The address as the item's Markdown/page has it (press kits rewrite it to the file in the kit). */
  source: string;
  caption: string;
  credit: string;
  role: 'cover' | 'body';
}

export interface PartnerItem {
  kind: ContentKind;
  id: string;
  /** urn:lianxin:<kind>:<id>, stable forever: newsrooms de-duplicate on it. */
  guid: string;
  title: string;
  url: string;
  summary: string;
  /** Full text as HTML, links and image sources absolute, images at original size. */
  html: string;
  markdown: string;
  byline?: string;
  region: { city?: string; county?: string; township?: string };
  topics: string[];
  images: PartnerImage[];
  publishedAt: Date;
  updatedAt: Date;
  deputyIds: string[];
}

export async function toPartnerItem(source: PublishedSource, publicBaseUrl: string): Promise<PartnerItem> {
  const { item, markdown } = source;
  const cover = 'cover' in item ? item.cover : 'photo' in item ? item.photo : undefined;
  const bodyImages = markdownImages(markdown);
  const originals = await originalImagesFor([...(cover ? [cover.original] : []), ...bodyImages.map((i) => i.src)], publicBaseUrl);
  // The caption written where the image is used comes first, then the one entered for the upload, then alt text.
  const imageOf = (src: string, caption: string, credit: string, role: PartnerImage['role'], altText = ''): PartnerImage => {
    const original = originals.get(src);
    if (!original) return { url: src.startsWith('/') ? absoluteUrl(publicBaseUrl, src) : src, source: src, caption: caption || altText, credit, role };
    return {
      url: absoluteUrl(publicBaseUrl, `/media/${encodeURIComponent(original.key)}`),
      width: original.width,
      height: original.height,
      contentType: original.contentType,
      bytes: original.bytes,
      key: original.key,
      source: src,
      caption: caption || original.caption || altText || original.alt,
      credit: credit || original.credit,
      role,
    };
  };
  const images: PartnerImage[] = [];
  if (cover) images.push(imageOf(cover.original, '', '', 'cover', cover.alt));
  for (const img of bodyImages) images.push(imageOf(img.src, img.alt, img.title, 'body'));
  // The page's HTML shows whatever variant the editor picked; newsrooms want the original behind each.
  const originalUrl = new Map(bodyImages.map((img, i) => [img.src, images[i + (cover ? 1 : 0)].url]));
  const html = item.html.replace(/\s(src|href)="([^"]*)"/g, (whole, attr: string, value: string) => {
    const raw = value.replace(/&amp;/g, '&');
    if (attr === 'src' && originalUrl.has(raw)) return ` src="${escapeAttr(originalUrl.get(raw)!)}"`;
    if (raw.startsWith('/') && !raw.startsWith('//')) return ` ${attr}="${escapeAttr(absoluteUrl(publicBaseUrl, raw))}"`;
    return whole;
  });
  return {
    kind: item.kind,
    id: item.id,
    guid: `urn:lianxin:${item.kind}:${item.id}`,
    title: item.title,
    url: absoluteUrl(publicBaseUrl, item.path),
    summary: item.digest,
    html,
    markdown,
    byline: 'byline' in item ? item.byline : undefined,
    region: item.region ?? {},
    topics: item.topics ?? [],
    images,
    publishedAt: item.publishedAt,
    updatedAt: item.updatedAt,
    deputyIds: source.deputyIds,
  };
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/** The JSON Feed 1.1 item (also the `item` of a webhook push): public fields only, extensions under `_lianxin`. */
export function jsonFeedItem(item: PartnerItem): Record<string, unknown> {
  const cover = item.images.find((i) => i.role === 'cover');
  return {
    id: item.guid,
    url: item.url,
    title: item.title,
    summary: item.summary,
    content_html: item.html,
    ...(cover ? { image: cover.url } : {}),
    date_published: item.publishedAt.toISOString(),
    date_modified: item.updatedAt.toISOString(),
    ...(item.byline ? { authors: [{ name: item.byline }] } : {}),
    tags: item.topics,
    language: 'zh-CN',
    _lianxin: {
      kind: item.kind,
      kind_label: KIND_LABELS[item.kind],
      item_id: item.id,
      region: item.region,
      credit: item.byline ?? null,
      content_markdown: item.markdown,
      images: item.images.map(({ key: _key, source: _source, ...rest }) => rest),
    },
  };
}
