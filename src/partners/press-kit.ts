/**
 * The press kit: one zip per item for an editor to hand a TV or newspaper column — the article as .docx and
 * Markdown, every image at original size with a captions file, and the profiles of the deputies it names.
 * File names inside are ASCII (Windows' built-in unzip mangles UTF-8 names); the zip itself carries the title.
 * Streamed with archiver: images are stored, not recompressed (JPEG/PNG are compressed already).
 */

import { PassThrough } from 'node:stream';
import { getPublishedSource, openMediaFile, type PublicDeputy, type PublicScope } from '../content/public-queries';
import type { ContentKind } from '../content/enums';
import { NotFoundError } from '../errors';
import { KIND_LABELS, toPartnerItem, type PartnerImage, type PartnerItem } from './feed-items';
import { beijingDay } from '../calendar/beijing';

const EXTENSIONS: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'image/gif': 'gif' };

export interface PressKit {
  filename: string;
  stream: NodeJS.ReadableStream;
}

function regionText(region: PartnerItem['region']): string {
  return [region.city, region.county, region.township].filter(Boolean).join(' ');
}

function imageFileName(img: PartnerImage, index: number): string {
  const ext = (img.contentType && EXTENSIONS[img.contentType]) ?? (/\.(jpe?g|png|gif|webp)$/i.exec(img.url)?.[1] ?? 'jpg');
  return `images/${String(index + 1).padStart(2, '0')}-${img.role}.${ext.toLowerCase()}`;
}

function markdownFile(item: PartnerItem, imageNames: Map<string, string>): string {
  const front = [
    '---',
    `title: ${JSON.stringify(item.title)}`,
    `kind: ${KIND_LABELS[item.kind]}`,
    `url: ${item.url}`,
    `published: ${beijingDay(item.publishedAt)}`,
    ...(item.byline ? [`byline: ${JSON.stringify(item.byline)}`] : []),
    ...(regionText(item.region) ? [`region: ${JSON.stringify(regionText(item.region))}`] : []),
    ...(item.topics.length ? [`topics: ${JSON.stringify(item.topics)}`] : []),
    '---',
    '',
  ].join('\n');
  // Image links point at the files in the kit, so the Markdown reads offline.
  const body = item.markdown.replace(/!\[([^\]]*)\]\(\s*([^)\s]+)([^)]*)\)/g, (whole, alt: string, src: string, rest: string) => {
    const local = imageNames.get(src);
    return local ? `![${alt}](${local}${rest})` : whole;
  });
  return `${front}# ${item.title}\n\n${body}\n`;
}

function captionsFile(item: PartnerItem, files: Array<{ name: string; img: PartnerImage }>): string {
  const lines = [`《${item.title}》图片说明`, `来源：${item.url}`, ''];
  for (const { name, img } of files) {
    lines.push(`${name}${img.role === 'cover' ? '（题图）' : ''}`);
    lines.push(`  说明：${img.caption || '（无）'}`);
    lines.push(`  署名：${img.credit || item.byline || '（无）'}`);
    if (img.width) lines.push(`  原图尺寸：${img.width}×${img.height}`);
    lines.push('');
  }
  return lines.join('\r\n');
}

function deputyProfile(d: PublicDeputy, markdown: string, url: string): string {
  const lines = [`# ${d.name}`, '', `- 身份：${d.levelLabel}`];
  if (regionText(d.region)) lines.push(`- 地区：${regionText(d.region)}`);
  if (d.occupation) lines.push(`- 职业：${d.occupation}`);
  if (d.organisation) lines.push(`- 单位：${d.organisation}`);
  for (const h of d.highlights ?? []) lines.push(`- ${h.label}：${h.value}`);
  lines.push(`- 介绍页面：${url}`, '', markdown, '');
  return lines.join('\n');
}

/** The kit of one published item; within `scope` when a partner asks (404 otherwise, as for any item it cannot see). */
export async function buildPressKit(kind: ContentKind, id: string, publicBaseUrl: string, scope?: PublicScope): Promise<PressKit> {
  const source = await getPublishedSource(kind, id, scope);
  if (!source) throw new NotFoundError('未找到该稿件（未发布，或不在供稿范围内）');
  const item = await toPartnerItem(source, publicBaseUrl);
  const deputies = await Promise.all(source.deputyIds.slice(0, 50).map((d) => getPublishedSource('deputy', d)));

  const { default: archiver } = await import('archiver'); // loaded on the first kit, not at start
  const zip = archiver('zip', { zlib: { level: 6 } });
  const out = new PassThrough();
  zip.on('warning', (err) => out.destroy(err));
  zip.on('error', (err) => out.destroy(err));
  zip.pipe(out);

  const files = item.images.map((img, i) => ({ name: imageFileName(img, i), img }));
  const imageNames = new Map<string, string>();
  for (const f of files) if (f.img.role === 'body') imageNames.set(f.img.source, f.name);
  const sourceLine = `来源：${item.url}（${beijingDay(item.publishedAt)} 发布）`;

  // docx loads with the first kit, not at start (require: a dynamic import of our own module would bypass the TS hooks).
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, not at start
  const { itemDocx } = require('./docx') as typeof import('./docx');
  zip.append(await itemDocx(item, sourceLine), { name: 'article.docx' });
  zip.append(markdownFile(item, imageNames), { name: 'article.md' });
  zip.append(captionsFile(item, files), { name: 'captions.txt' });
  for (const f of files) {
    const file = f.img.key ? await openMediaFile(f.img.key) : undefined;
    if (file) zip.append(file.stream as NodeJS.ReadableStream as any, { name: f.name, store: true });
  }
  for (const d of deputies) {
    if (!d || d.item.kind !== 'deputy') continue;
    const url = `${publicBaseUrl}${d.item.path}`;
    zip.append(deputyProfile(d.item as PublicDeputy, d.markdown, url), { name: `deputies/${d.item.slug.replace(/[^A-Za-z0-9._-]/g, '_')}.md` });
  }
  void zip.finalize();
  return { filename: `${KIND_LABELS[kind]}-${item.title}-新闻素材包.zip`, stream: out };
}
