/** Writing feeds (with revalidation) and press kits to the response. */
import type { AppContext } from '../../http/context';
import type { FeedDocument } from '../feeds';
import type { PressKit } from '../press-kit';

/** If-None-Match first (any listed tag), If-Modified-Since otherwise (RFC 9110 §13.2.2). */
function notModified(ctx: AppContext, doc: FeedDocument): boolean {
  const inm = ctx.get('if-none-match');
  if (inm) return inm.trim() === '*' || inm.split(',').some((t) => t.trim().replace(/^W\//, '') === doc.etag);
  const since = Date.parse(ctx.get('if-modified-since'));
  return !Number.isNaN(since) && doc.lastModified.getTime() <= since;
}

export function sendFeed(ctx: AppContext, doc: FeedDocument): void {
  ctx.set('ETag', doc.etag);
  ctx.set('Last-Modified', doc.lastModified.toUTCString());
  // Per-partner content behind a key: no shared cache may keep it; clients revalidate (a 304 is cheap).
  ctx.set('Cache-Control', 'private, no-cache');
  ctx.vary('X-Partner-Key');
  if (notModified(ctx, doc)) {
    ctx.status = 304;
    return;
  }
  ctx.type = doc.contentType;
  ctx.body = doc.body;
}

export function sendPressKit(ctx: AppContext, kit: PressKit): void {
  ctx.set('Content-Disposition', `attachment; filename="press-kit.zip"; filename*=UTF-8''${encodeURIComponent(kit.filename)}`);
  ctx.set('Cache-Control', 'private, no-store');
  ctx.type = 'application/zip';
  ctx.body = kit.stream;
}
