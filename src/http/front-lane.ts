/**
 * The raw front lane: answers that need nothing of Koa — a cached public page is a buffer already in memory, a
 * WeChat callback reads its own body — are written straight to the response, before Koa builds its context and runs
 * the middleware chain. They carry what the Koa pipeline would have given them (request id, security headers, the
 * one JSON error shape) and are recorded the same way (access log line, duration histogram); everything a responder
 * declines goes to Koa unchanged.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Logger } from '../logger';
import { errorAnswer } from './errors-middleware';
import { requestIdFrom, type AccessRecorder } from './request-context';
import type { FlatHeaders } from './security-headers';

export interface FrontAnswer {
  status: number;
  /** The route pattern the routed request would have matched (the metrics label). */
  route: string | undefined;
  /** The X-Request-Id sent (from `frontRequestId`). */
  requestId: string;
}

/**
 * Answers the request itself and says how, or returns undefined (having written and read nothing) to let Koa handle
 * it. What it writes starts with the headers every response carries: `X-Request-Id` (from `frontRequestId`), then
 * `security` (name/value flattened, as the Koa pipeline sets them). An answer that takes time is a promise, which
 * answers its own failures (a rejection is a bug: it is logged and answered with a 500).
 */
export type FrontResponder = (req: IncomingMessage, res: ServerResponse, security: FlatHeaders) => FrontAnswer | Promise<FrontAnswer> | undefined;

/** The request id a front-lane answer carries: the caller's when safe to echo, else a fresh one. */
export function frontRequestId(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  return requestIdFrom(typeof incoming === 'string' ? incoming : undefined);
}

export function withFrontLane(koa: RequestListener, responders: readonly FrontResponder[], record: AccessRecorder, security: FlatHeaders, logger: Logger): RequestListener {
  if (!responders.length) return koa;
  return (req, res) => {
    const started = performance.now();
    const finished = (answer: FrontAnswer) =>
      record({ requestId: answer.requestId, method: req.method!, path: pathOf(req.url!), route: answer.route, status: answer.status, seconds: (performance.now() - started) / 1000 });
    for (const respond of responders) {
      const answer = respond(req, res, security);
      if (!answer) continue;
      if (answer instanceof Promise) answer.then(finished, (err: unknown) => finished(failed(req, res, security, logger, err)));
      else finished(answer);
      return;
    }
    return koa(req, res);
  };
}

/** An async responder that rejected instead of answering (a bug): logged, and answered with the 500 if still possible. */
function failed(req: IncomingMessage, res: ServerResponse, security: FlatHeaders, logger: Logger, err: unknown): FrontAnswer {
  const requestId = frontRequestId(req);
  if (res.headersSent) {
    logger.error({ err, requestId }, 'unhandled error in the front lane, after the answer began');
    res.destroy();
    return { status: 500, route: undefined, requestId };
  }
  return { status: writeError(res, err, requestId, security, logger.child({ requestId })), route: undefined, requestId };
}

/** Writes a whole answer: the headers every response carries (request id, security), then its type and length. */
export function writeAnswer(res: ServerResponse, status: number, type: string, body: string, requestId: string, security: FlatHeaders, extra: readonly string[] = []): number {
  res.writeHead(status, ['X-Request-Id', requestId, ...security, ...extra, 'Content-Type', type, 'Content-Length', String(Buffer.byteLength(body))]);
  res.end(body);
  return status;
}

/** Writes a failure as the Koa pipeline answers it (errorsMiddleware's shape, status and log line). */
export function writeError(res: ServerResponse, err: unknown, requestId: string, security: FlatHeaders, log: Logger): number {
  const answer = errorAnswer(err, requestId, log);
  const extra = answer.retryAfterSeconds ? ['Retry-After', String(answer.retryAfterSeconds)] : [];
  return writeAnswer(res, answer.status, 'application/json; charset=utf-8', JSON.stringify(answer.body), requestId, security, extra);
}

/** URLs the lane reads itself: origin-form, without fragments or whitespace (anything else is Koa's to parse). */
const PLAIN_URL = /^\/[^\s#]*$/;

/** The path and query string of a plain origin-form URL, split as Koa's parseurl does; undefined for any other URL. */
export function splitUrl(url: string | undefined): { path: string; querystring: string } | undefined {
  if (!url || !PLAIN_URL.test(url)) return undefined;
  const q = url.indexOf('?');
  return q === -1 ? { path: url, querystring: '' } : { path: url.slice(0, q), querystring: url.slice(q + 1) };
}

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}
