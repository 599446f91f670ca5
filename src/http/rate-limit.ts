/**
 * A small fixed-window limiter kept in memory: enough to blunt bursts against one instance
 * (public RSVP posts, callbacks). Login throttling is stricter and lives in MongoDB (src/auth/throttle.ts)
 * so it holds across instances. Windows follow the service clock, like every other notion of now.
 */
import type { Clock } from '../clock';
import { TooManyRequestsError } from '../errors';
import type { AppContext } from './context';

/**
 * `key` returning undefined: the request is not one this limiter is about. `countIf`: count only requests whose
 * outcome it accepts (checked after they ran), e.g. failed lookups of a secret link, so guessing is slowed while
 * the people holding real links are not.
 */
export function rateLimit(options: {
  clock: Clock;
  windowMs: number;
  max: number;
  key?: (ctx: AppContext) => string | undefined;
  countIf?: (ctx: AppContext) => boolean;
}) {
  const hits = new Map<string, { count: number; resetAt: number }>();
  return async (ctx: AppContext, next: () => Promise<unknown>) => {
    const now = options.clock.now().getTime();
    if (hits.size > 10_000) for (const [k, v] of hits) if (v.resetAt <= now) hits.delete(k);
    const key = options.key ? options.key(ctx) : ctx.ip;
    if (key === undefined) return next(); // this request is not one the limiter is about
    let entry = hits.get(key);
    if (!entry || entry.resetAt <= now) {
      entry = { count: 0, resetAt: now + options.windowMs };
      hits.set(key, entry);
    }
    if (!options.countIf) entry.count += 1;
    if (entry.count > options.max || (options.countIf && entry.count >= options.max)) {
      throw new TooManyRequestsError(undefined, Math.ceil((entry.resetAt - now) / 1000));
    }
    await next();
    if (options.countIf?.(ctx)) entry.count += 1;
  };
}
