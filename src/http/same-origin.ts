/**
 * Where a browser request comes from. Browsers say it themselves (Sec-Fetch-Site, Origin, or at least Referer);
 * a request from another site is what CSRF defences refuse. Requests that carry none of these (curl, scripts,
 * older in-app browsers) are not cross-site by this test: other checks (tokens) must hold for them.
 */
import type { AppContext } from './context';

export function isCrossSite(ctx: AppContext, publicBaseUrl: string): boolean {
  // Browsers set Sec-Fetch-Site themselves (pages cannot forge it); it is exact even where Origin is "null"
  // (a page served with Referrer-Policy: no-referrer posts with Origin: null).
  const fetchSite = ctx.get('sec-fetch-site');
  if (fetchSite === 'same-origin' || fetchSite === 'none') return false;
  if (fetchSite === 'cross-site' || fetchSite === 'same-site') return true;
  const origin = ctx.get('origin') || refererOrigin(ctx.get('referer'));
  if (!origin) return false;
  // Koa 3's ctx.origin is the Origin header itself: build our own origin from protocol and host.
  const allowed = new Set([new URL(publicBaseUrl).origin, `${ctx.protocol}://${ctx.host}`]);
  return !allowed.has(origin);
}

function refererOrigin(referer: string): string {
  if (!referer) return '';
  try {
    return new URL(referer).origin;
  } catch {
    return 'invalid';
  }
}
