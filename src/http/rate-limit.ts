/**
 * A small fixed-window limiter kept in memory: enough to blunt bursts against one instance
 * (public RSVP posts, callbacks). Login throttling is stricter and lives in MongoDB (src/auth/throttle.ts)
 * so it holds across instances. Windows follow the service clock, like every other notion of now.
 */
import type { Clock } from '../clock';
import { TooManyRequestsError } from '../errors';
import type { AppContext } from './context';

export function rateLimit(options: { clock: Clock; windowMs: number; max: number; key?: (ctx: AppContext) => string }) {
  const hits = new Map<string, { count: number; resetAt: number }>();
  return async (ctx: AppContext, next: () => Promise<unknown>) => {
    const now = options.clock.now().getTime();
    if (hits.size > 10_000) for (const [k, v] of hits) if (v.resetAt <= now) hits.delete(k);
    const key = options.key?.(ctx) ?? ctx.ip;
    let entry = hits.get(key);
    if (!entry || entry.resetAt <= now) {
      entry = { count: 0, resetAt: now + options.windowMs };
      hits.set(key, entry);
    }
    entry.count += 1;
    if (entry.count > options.max) throw new TooManyRequestsError(undefined, Math.ceil((entry.resetAt - now) / 1000));
    await next();
  };
}
