/**
 * Making and following short links. Prefix /l/ (the "link" namespace): /s/<token> belongs to the suggestions'
 * personal satisfaction links and /r/<token> to RSVP links, both 22-character secrets; a short code is 6
 * characters and public, so the namespaces never meet. The code is random (not derived from the path), so
 * codes cannot be enumerated into the list of pages, and the pair (path, channel) is unique, so a page keeps its code.
 */
import { randomInt } from 'node:crypto';
import type { Clock } from '../clock';
import { absoluteUrl } from '../urls';
import { ShortLink, type ShortLinkDoc } from './model';

export const SHORT_LINK_PREFIX = '/l/';
export const SHORT_CODE_PATTERN = /^[0-9A-Za-z]{6}$/;
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function newCode(): string {
  let code = '';
  for (let i = 0; i < 6; i += 1) code += ALPHABET[randomInt(ALPHABET.length)];
  return code;
}

export interface ShortLinkTarget {
  /** Absolute URL on PUBLIC_BASE_URL or a site-relative path. */
  url: string;
  itemKind?: string;
  itemId?: string;
}

function isDuplicateKey(err: unknown): boolean {
  return (err as { code?: number }).code === 11000;
}

/** Site-relative path of a URL on our own site (or the path itself). */
function sitePath(publicBaseUrl: string, url: string): string {
  if (url.startsWith('/')) return url;
  if (url.startsWith(publicBaseUrl)) return url.slice(publicBaseUrl.length) || '/';
  throw new Error(`short links point into the site only: ${url}`);
}

/** The short URL of a page for a channel: made once, the same ever after. */
export async function shortUrlFor(publicBaseUrl: string, target: ShortLinkTarget, channel: string, clock: Clock): Promise<string> {
  const path = sitePath(publicBaseUrl, target.url);
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const found = await ShortLink.findOne({ path, channel }).select('code').lean();
    if (found) return absoluteUrl(publicBaseUrl, SHORT_LINK_PREFIX + found.code);
    try {
      const made = await ShortLink.create({ code: newCode(), path, channel, itemKind: target.itemKind, itemId: target.itemId, createdAt: clock.now() });
      return absoluteUrl(publicBaseUrl, SHORT_LINK_PREFIX + made.code);
    } catch (err) {
      // Another request made the same page's link at the same moment (read it next round), or the code was taken.
      if (!isDuplicateKey(err)) throw err;
    }
  }
  throw new Error('could not allocate a short link code');
}

/** Follows a code: counts the click and gives the path, or undefined for an unknown code. */
export async function follow(code: string, clock: Clock): Promise<string | undefined> {
  if (!SHORT_CODE_PATTERN.test(code)) return undefined;
  const doc = await ShortLink.findOneAndUpdate({ code }, { $inc: { clicks: 1 }, $set: { lastClickedAt: clock.now() } }, { projection: { path: 1 } }).lean();
  return doc?.path;
}

export interface ShortLinkView {
  code: string;
  url: string;
  path: string;
  channel: string;
  itemKind?: string;
  itemId?: string;
  clicks: number;
  lastClickedAt?: Date;
  createdAt: Date;
}

export function shortLinkView(publicBaseUrl: string, d: ShortLinkDoc): ShortLinkView {
  return {
    code: d.code,
    url: absoluteUrl(publicBaseUrl, SHORT_LINK_PREFIX + d.code),
    path: d.path,
    channel: d.channel,
    itemKind: d.itemKind,
    itemId: d.itemId,
    clicks: d.clicks,
    lastClickedAt: d.lastClickedAt,
    createdAt: d.createdAt,
  };
}

/** Links with their click counts: one item's (per channel), or all, most clicked first. */
export async function listShortLinks(publicBaseUrl: string, filter: { itemKind?: string; itemId?: string }, page: number, pageSize: number) {
  const query = { ...(filter.itemKind ? { itemKind: filter.itemKind } : {}), ...(filter.itemId ? { itemId: filter.itemId } : {}) };
  const [docs, total] = await Promise.all([
    ShortLink.find(query).sort({ clicks: -1, _id: -1 }).skip((page - 1) * pageSize).limit(pageSize).lean(),
    ShortLink.countDocuments(query),
  ]);
  return { items: docs.map((d) => shortLinkView(publicBaseUrl, d)), page, pageSize, total };
}
