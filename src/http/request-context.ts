/** Per-request id, structured access log and Prometheus timing. */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger';
import type { Metrics } from './metrics';
import type { AppContext } from './context';

const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export function requestContext(logger: Logger, metrics: Metrics) {
  return async (ctx: AppContext, next: () => Promise<unknown>) => {
    ctx.state.arrivedAt = performance.now();
    const incoming = ctx.get('x-request-id');
    const requestId = SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = requestId;
    // The child logger is made on first use: most requests (cached pages) never log anything but the access line.
    let log: Logger | undefined;
    Object.defineProperty(ctx.state, 'log', { get: () => (log ??= logger.child({ requestId })), enumerable: true, configurable: true });
    ctx.set('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      // Label by the matched route pattern, not the raw URL, so label cardinality stays bounded.
      const route = (ctx as { _matchedRoute?: string })._matchedRoute ?? 'unmatched';
      metrics.httpDuration.observe({ method: ctx.method, route, status: String(ctx.status) }, seconds);
      if (ctx.path !== '/healthz' && ctx.path !== '/metrics' && logger.isLevelEnabled('info')) {
        ctx.state.log.info(
          // A path that carries a secret (an RSVP token) is logged by its route pattern only.
          { method: ctx.method, path: route.includes(':token') ? route : ctx.path, status: ctx.status, ms: Math.round(seconds * 1000), user: ctx.state.user?.username },
          'request',
        );
      }
    }
  };
}
