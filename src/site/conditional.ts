/** HTTP revalidation for cached pages: If-None-Match (strong compare) first, If-Modified-Since otherwise (RFC 9110 §13.2.2). */
import type { AppContext } from '../http/context';
import type { CachedPage } from './page-cache';
import { etagFor, type ContentCoding } from './compression';

export function isNotModified(ctx: AppContext, page: CachedPage, etag = page.etag): boolean {
  const inm = ctx.get('if-none-match');
  if (inm) {
    if (inm.trim() === '*') return true;
    return inm.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
  }
  const ims = ctx.get('if-modified-since');
  if (ims) {
    const since = Date.parse(ims);
    return !Number.isNaN(since) && page.lastModified.getTime() <= since;
  }
  return false;
}

/** The best coding the client accepts among those the page has (Brotli first), or undefined for the plain body. */
function chooseCoding(ctx: AppContext, page: CachedPage): ContentCoding | undefined {
  if (!page.encoded || !ctx.get('accept-encoding')) return undefined;
  // Our preference, not the client's order: Brotli is smaller whenever both are acceptable.
  const accepted = ctx.acceptsEncodings() as string[];
  return accepted.includes('br') ? 'br' : accepted.includes('gzip') ? 'gzip' : undefined;
}

/** Writes a cached page (or a 304 for it) to the response, compressed when the client accepts it. */
export function sendPage(ctx: AppContext, page: CachedPage): void {
  const coding = chooseCoding(ctx, page);
  const etag = etagFor(page.etag, coding);
  if (page.encoded) ctx.vary('Accept-Encoding');
  ctx.set('ETag', etag);
  ctx.set('Last-Modified', page.lastModifiedHttp);
  // Browsers and the WeChat web view revalidate every time: withdrawals must show at once, and a 304 is cheap.
  ctx.set('Cache-Control', 'public, no-cache');
  if (page.status === 200 && (ctx.method === 'GET' || ctx.method === 'HEAD') && isNotModified(ctx, page, etag)) {
    ctx.status = 304;
    return;
  }
  ctx.status = page.status;
  ctx.type = page.contentType;
  if (coding) ctx.set('Content-Encoding', coding);
  ctx.body = coding ? page.encoded![coding] : page.body;
}
