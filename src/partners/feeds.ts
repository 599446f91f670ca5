/**
 * A partner's feeds: RSS 2.0 (with content:encoded and Media RSS for images, captions and credits) and
 * JSON Feed 1.1, of exactly what the partner takes, newest first. Newsroom systems poll; they get an ETag and
 * Last-Modified and a 304 when nothing changed.
 */
import { createHash } from 'node:crypto';
import { Feed } from 'feed';
import { listPublishedInScope } from '../content/public-queries';
import { absoluteUrl } from '../urls';
import type { PartnerDoc } from './models';
import { jsonFeedItem, KIND_LABELS, toPartnerItem, type PartnerItem } from './feed-items';

export interface FeedDocument {
  body: string;
  contentType: string;
  etag: string;
  lastModified: Date;
}

const MEDIA_NS = 'http://search.yahoo.com/mrss/';

export async function partnerItems(partner: PartnerDoc, limit: number, publicBaseUrl: string): Promise<PartnerItem[]> {
  const sources = await listPublishedInScope(partner.takes, limit);
  return Promise.all(sources.map((s) => toPartnerItem(s, publicBaseUrl)));
}

/** Changes whenever an item enters, leaves or changes, or the partner's own scope or name changes. */
function versionOf(partner: PartnerDoc, items: PartnerItem[], format: string): { etag: string; lastModified: Date } {
  const hash = createHash('sha256').update(`${format}|${partner._id}|${partner.updatedAt.toISOString()}`);
  let last = partner.updatedAt;
  for (const i of items) {
    hash.update(`|${i.guid}@${i.updatedAt.toISOString()}`);
    if (i.updatedAt > last) last = i.updatedAt;
  }
  // HTTP dates have whole seconds: round down, so If-Modified-Since with the value we sent matches.
  return { etag: `"${hash.digest('base64url').slice(0, 27)}"`, lastModified: new Date(Math.floor(last.getTime() / 1000) * 1000) };
}

function feedTitle(partner: PartnerDoc): string {
  return `连心 · ${partner.name}专供稿件`;
}

export function renderRss(partner: PartnerDoc, items: PartnerItem[], publicBaseUrl: string, selfUrl: string): FeedDocument {
  const { etag, lastModified } = versionOf(partner, items, 'rss');
  const feed = new Feed({
    id: `urn:lianxin:partner:${partner._id}`,
    title: feedTitle(partner),
    description: `人大代表在行动宣传稿件（${partner.takes.kinds.map((k) => KIND_LABELS[k]).join('、')}），供${partner.name}选用`,
    link: publicBaseUrl,
    language: 'zh-CN',
    updated: lastModified,
    generator: 'lianxin',
    feedLinks: { rss: selfUrl },
    copyright: '转载请注明来源',
  });
  for (const item of items) {
    const cover = item.images.find((i) => i.role === 'cover');
    feed.addItem({
      title: item.title,
      id: item.guid,
      link: item.url,
      date: item.updatedAt,
      published: item.publishedAt,
      description: item.summary,
      content: item.html,
      ...(item.byline ? { author: [{ name: item.byline }] } : {}),
      category: [{ name: KIND_LABELS[item.kind] }, ...item.topics.map((t) => ({ name: t }))],
      ...(cover ? { enclosure: { url: cover.url, type: cover.contentType ?? 'image/jpeg', length: cover.bytes ?? 0 } } : {}),
      extensions: [
        {
          name: 'media:content',
          objects: item.images.map((img) => ({
            _attributes: {
              url: img.url,
              medium: 'image',
              ...(img.contentType ? { type: img.contentType } : {}),
              ...(img.width ? { width: img.width, height: img.height } : {}),
              ...(img.bytes ? { fileSize: img.bytes } : {}),
              ...(img.role === 'cover' ? { isDefault: 'true' } : {}),
            },
            ...(img.caption ? { 'media:description': { _cdata: img.caption } } : {}),
            ...(img.credit ? { 'media:credit': { _text: img.credit } } : {}),
          })) as unknown as Record<string, unknown>, // an array: xml-js writes one element per entry
        },
      ],
    });
  }
  // The library declares the namespaces it uses itself; Media RSS is ours to declare.
  const body = feed.rss2().replace('<rss version="2.0"', `<rss version="2.0" xmlns:media="${MEDIA_NS}"`);
  return { body, contentType: 'application/rss+xml; charset=utf-8', etag, lastModified };
}

export function renderJsonFeed(partner: PartnerDoc, items: PartnerItem[], publicBaseUrl: string, selfUrl: string): FeedDocument {
  const { etag, lastModified } = versionOf(partner, items, 'json');
  const doc = {
    version: 'https://jsonfeed.org/version/1.1',
    title: feedTitle(partner),
    home_page_url: publicBaseUrl,
    // The key stays out of feed_url: a feed reader that shares the document must not share access.
    feed_url: selfUrl,
    description: `人大代表在行动宣传稿件，供${partner.name}选用`,
    language: 'zh-CN',
    authors: [{ name: '连心', url: absoluteUrl(publicBaseUrl, '/') }],
    items: items.map(jsonFeedItem),
  };
  return { body: JSON.stringify(doc), contentType: 'application/feed+json; charset=utf-8', etag, lastModified };
}
