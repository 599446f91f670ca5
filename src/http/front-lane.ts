/**
 * The raw front lane: answers that need nothing of Koa — a cached public page is a buffer already in memory — are
 * written straight to the response, before Koa builds its context and runs the middleware chain. They carry what the
 * Koa pipeline would have given them (request id, security headers) and are recorded the same way (access log line,
 * duration histogram); everything a responder declines goes to Koa unchanged.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { requestIdFrom, type AccessRecorder } from './request-context';
import type { FlatHeaders } from './security-headers';

export interface FrontAnswer {
  status: number;
  /** The route pattern the routed request would have matched (the metrics label). */
  route: string | undefined;
}

/**
 * Answers the request itself and says how, or returns undefined (having written nothing) to let Koa handle it.
 * `head()` gives the headers every response starts with (X-Request-Id, security headers), name/value flattened.
 */
export type FrontResponder = (req: IncomingMessage, res: ServerResponse, head: () => string[]) => FrontAnswer | undefined;

export function withFrontLane(koa: RequestListener, responders: readonly FrontResponder[], record: AccessRecorder, security: FlatHeaders): RequestListener {
  if (!responders.length) return koa;
  return (req, res) => {
    const started = process.hrtime.bigint();
    let requestId: string | undefined;
    const head = () => {
      const incoming = req.headers['x-request-id'];
      requestId = requestIdFrom(typeof incoming === 'string' ? incoming : undefined);
      return ['X-Request-Id', requestId, ...security];
    };
    for (const respond of responders) {
      const answer = respond(req, res, head);
      if (!answer) continue;
      record({
        requestId: requestId!,
        method: req.method!,
        path: pathOf(req.url!),
        route: answer.route,
        status: answer.status,
        seconds: Number(process.hrtime.bigint() - started) / 1e9,
      });
      return;
    }
    return koa(req, res);
  };
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
