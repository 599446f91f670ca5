/** Per-request id, structured access log and Prometheus timing — for the Koa pipeline and the raw front lane alike. */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger';
import type { Metrics } from './metrics';
import { AccessLog } from './access-log';
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
}

/** Records one finished request: the duration histogram, and the access log line (not for probes and scrapes). */
export type AccessRecorder = (done: FinishedRequest) => void;

export interface AccessLogOptions {
  /** Share of successful requests written to the access log (ACCESS_LOG_SAMPLE); errors and slow ones always are. */
  sampleRate?: number;
}

export function accessRecorder(logger: Logger, metrics: Metrics, options: AccessLogOptions = {}): AccessRecorder {
  const log = new AccessLog(logger, options.sampleRate);
  return (done) => {
    // Label by the matched route pattern, not the raw URL, so label cardinality stays bounded.
    const label = done.route ?? 'unmatched';
    metrics.observeRequest(done.method, label, done.status, done.seconds);
    const path = done.path;
    if (path === '/healthz' || path === '/metrics') return;
    // A path that carries a secret (an RSVP token) is logged by its route pattern only.
    if (label.includes(':token')) done.path = label;
    log.write(done);
  };
}

/** Request id, lazily made child logger, and the record of the finished request (shared with the front lane). */
export function requestContext(logger: Logger, record: AccessRecorder) {
  return async (ctx: AppContext, next: () => Promise<unknown>) => {
    const started = (ctx.state.arrivedAt = performance.now());
    const requestId = requestIdFrom(ctx.get('x-request-id'));
    ctx.state.requestId = requestId;
    // The child logger is made on first use: most requests never log anything but the access line.
    let log: Logger | undefined;
    Object.defineProperty(ctx.state, 'log', { get: () => (log ??= logger.child({ requestId })), enumerable: true, configurable: true });
    ctx.set('X-Request-Id', requestId);
    try {
      await next();
    } finally {
      record({
        requestId,
        method: ctx.method,
        path: ctx.path,
        route: (ctx as { _matchedRoute?: string })._matchedRoute,
        status: ctx.status,
        seconds: (performance.now() - started) / 1000,
        user: ctx.state.user?.username,
      });
    }
  };
}
