/** Per-request id, structured access log and Prometheus timing — for the Koa pipeline and the raw front lane alike. */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger';
import type { Metrics } from './metrics';
import type { AppContext } from './context';

const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** The caller's X-Request-Id when it is safe to echo and log, otherwise a fresh one. */
export function requestIdFrom(incoming: string | undefined): string {
  return incoming && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

export interface FinishedRequest {
  requestId: string;
  method: string;
  path: string;
  /** The matched route pattern, or undefined when no route matched. */
  route: string | undefined;
  status: number;
  seconds: number;
  user?: string;
  /** The request's child logger, when something already made it (else the line is written through the root logger). */
  log?: Logger;
}

/** Records one finished request: the duration histogram, and the access log line (not for probes and scrapes). */
export type AccessRecorder = (done: FinishedRequest) => void;

export function accessRecorder(logger: Logger, metrics: Metrics): AccessRecorder {
  return ({ requestId, method, path, route, status, seconds, user, log }) => {
    // Label by the matched route pattern, not the raw URL, so label cardinality stays bounded.
    const label = route ?? 'unmatched';
    metrics.observeRequest(method, label, status, seconds);
    if (path === '/healthz' || path === '/metrics' || !logger.isLevelEnabled('info')) return;
    // A path that carries a secret (an RSVP token) is logged by its route pattern only.
    const fields = { method, path: label.includes(':token') ? label : path, status, ms: Math.round(seconds * 1000), user };
    // The same line either way: a child logger's binding comes first, so requestId leads the fields here too.
    if (log) log.info(fields, 'request');
    else logger.info({ requestId, ...fields }, 'request');
  };
}

export function requestContext(logger: Logger, metrics: Metrics) {
  const record = accessRecorder(logger, metrics);
  return async (ctx: AppContext, next: () => Promise<unknown>) => {
    ctx.state.arrivedAt = performance.now();
    const requestId = requestIdFrom(ctx.get('x-request-id'));
    ctx.state.requestId = requestId;
    // The child logger is made on first use: most requests never log anything but the access line.
    let log: Logger | undefined;
    Object.defineProperty(ctx.state, 'log', { get: () => (log ??= logger.child({ requestId })), enumerable: true, configurable: true });
    ctx.set('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      record({
        requestId,
        method: ctx.method,
        path: ctx.path,
        route: (ctx as { _matchedRoute?: string })._matchedRoute,
        status: ctx.status,
        seconds: Number(process.hrtime.bigint() - started) / 1e9,
        user: ctx.state.user?.username,
        log,
      });
    }
  };
}
