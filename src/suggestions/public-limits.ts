/**
 * The protections every public suggestions entrance shares: per-address bursts (in memory, like the RSVP pages),
 * slowing down anyone who guesses links or tracking numbers (only misses are counted), and the CSRF rule of the
 * site's public forms (a browser that says the post comes from another site is refused).
 */
import { ForbiddenError } from '../errors';
import { rateLimit } from '../http/rate-limit';
import { isCrossSite } from '../http/same-origin';
import type { AppContext } from '../http/context';
import type { SuggestionsContext } from './context';

export function publicLimits(sc: SuggestionsContext) {
  return {
    /** Reading pages and links: generous (a deputies' meeting behind one NAT address). */
    burst: rateLimit({ clock: sc.clock, windowMs: 60_000, max: 300 }),
    /** Lookups that found nothing: guessing stops after a handful. */
    misses: rateLimit({ clock: sc.clock, windowMs: 15 * 60_000, max: 20, countIf: (ctx) => ctx.status === 404 }),
    /** Sending a suggestion: a few a minute per address (the daily cap is in the database, see public-submission.ts). */
    submissions: rateLimit({ clock: sc.clock, windowMs: 10 * 60_000, max: 5, key: (ctx) => (ctx.method === 'POST' ? ctx.ip : undefined) }),
    sameOrigin: async (ctx: AppContext, next: () => Promise<unknown>) => {
      assertSameOrigin(ctx, sc.config.publicBaseUrl);
      await next();
    },
  };
}

export function assertSameOrigin(ctx: AppContext, publicBaseUrl: string): void {
  if (isCrossSite(ctx, publicBaseUrl)) throw new ForbiddenError('请从本站页面提交', 'cross_site_request');
}
