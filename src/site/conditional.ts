/** HTTP revalidation for cached pages: If-None-Match (strong compare) first, If-Modified-Since otherwise (RFC 9110 §13.2.2). */
import type { AppContext } from '../http/context';
import type { CachedPage } from './page-cache';

export function isNotModified(ctx: AppContext, page: CachedPage): boolean {
  const inm = ctx.get('if-none-match');
  if (inm) {
    if (inm.trim() === '*') return true;
    return inm.split(',').some((tag) => tag.trim().replace(/^W\//, '') === page.etag);
  }
  const ims = ctx.get('if-modified-since');
  if (ims) {
    const since = Date.parse(ims);
    return !Number.isNaN(since) && page.lastModified.getTime() <= since;
  }
  return false;
}

/** Writes a cached page (or a 304 for it) to the response. */
export function sendPage(ctx: AppContext, page: CachedPage): void {
  ctx.set('ETag', page.etag);
  ctx.set('Last-Modified', page.lastModifiedHttp);
  // Browsers and the WeChat web view revalidate every time: withdrawals must show at once, and a 304 is cheap.
  ctx.set('Cache-Control', 'public, no-cache');
  if (page.status === 200 && (ctx.method === 'GET' || ctx.method === 'HEAD') && isNotModified(ctx, page)) {
    ctx.status = 304;
    return;
  }
  ctx.status = page.status;
  ctx.type = page.contentType;
  ctx.body = page.body;
}
