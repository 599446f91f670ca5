/**
 * CSRF defence for the public RSVP posts, on top of the unguessable token in the path: a browser tells us
 * where a request comes from (Sec-Fetch-Site, Origin, or at least Referer); anything from another site is refused.
 * Requests that carry none of these (older in-app browsers, curl) still need the token.
 */
import { ForbiddenError } from '../errors';
import type { AppContext } from '../http/context';

export function assertSameOrigin(ctx: AppContext, publicBaseUrl: string): void {
  // Browsers set Sec-Fetch-Site themselves (pages cannot forge it); it is exact even where Origin is "null"
  // (a page served with Referrer-Policy: no-referrer posts with Origin: null).
  const fetchSite = ctx.get('sec-fetch-site');
  if (fetchSite === 'same-origin' || fetchSite === 'none') return;
  if (fetchSite === 'cross-site' || fetchSite === 'same-site') throw new ForbiddenError('请从报名页面提交', 'cross_site_request');
  const origin = ctx.get('origin') || refererOrigin(ctx.get('referer'));
  if (!origin) return;
  // Koa 3's ctx.origin is the Origin header itself: build our own origin from protocol and host.
  const allowed = new Set([new URL(publicBaseUrl).origin, `${ctx.protocol}://${ctx.host}`]);
  if (!allowed.has(origin)) throw new ForbiddenError('请从报名页面提交', 'cross_site_request');
}

function refererOrigin(referer: string): string {
  if (!referer) return '';
  try {
    return new URL(referer).origin;
  } catch {
    return 'invalid';
  }
}
