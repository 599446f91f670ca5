/**
 * Sending a cached page: content coding (Brotli or gzip copy, made on first need), HTTP revalidation
 * (If-None-Match with a strong compare first, If-Modified-Since otherwise, RFC 9110 §13.2.2) and the response
 * headers — through Koa (`sendPage`) or straight to the socket (`writePage`, the front lane), with the same headers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import accepts from 'accepts';
import type { AppContext } from '../http/context';
import type { CachedPage } from './page-cache';
import type { FlatHeaders } from '../http/security-headers';
import { encodedBody, etagFor, type ContentCoding } from './compression';

export function isNotModified(ifNoneMatch: string | undefined, ifModifiedSince: string | undefined, page: CachedPage, etag = page.etag): boolean {
  if (ifNoneMatch) {
    if (ifNoneMatch.trim() === '*') return true;
    return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
  }
  if (ifModifiedSince) {
    const since = Date.parse(ifModifiedSince);
    return !Number.isNaN(since) && page.lastModified.getTime() <= since;
  }
  return false;
}

/** Accept-Encoding values seen, with the coding chosen for them (clients send a handful of distinct values). */
const codingByHeader = new Map<string, ContentCoding | undefined>();
const MAX_REMEMBERED_HEADERS = 500;

/** The best coding the client accepts (Brotli first), negotiated as Koa's acceptsEncodings() does. */
function preferredCoding(acceptEncoding: string): ContentCoding | undefined {
  if (codingByHeader.has(acceptEncoding)) return codingByHeader.get(acceptEncoding);
  const accepted = accepts({ headers: { 'accept-encoding': acceptEncoding } } as IncomingMessage).encodings() as string[];
  // Our preference, not the client's order: Brotli is smaller whenever both are acceptable.
  const coding = accepted.includes('br') ? 'br' : accepted.includes('gzip') ? 'gzip' : undefined;
  if (codingByHeader.size >= MAX_REMEMBERED_HEADERS) codingByHeader.clear();
  codingByHeader.set(acceptEncoding, coding);
  return coding;
}

function chooseCoding(acceptEncoding: string | undefined, page: CachedPage): ContentCoding | undefined {
  if (!page.compressible || !acceptEncoding) return undefined;
  return preferredCoding(acceptEncoding);
}

type Variant = ContentCoding | 'identity';

/** The memo key of a variant's header block: constant strings, not one built per request. */
const FULL_KEYS: Record<Variant, string> = { identity: 'identity:full', br: 'br:full', gzip: 'gzip:full' };
const VALIDATOR_KEYS: Record<Variant, string> = { identity: 'identity:validators', br: 'br:validators', gzip: 'gzip:validators' };
const memoKey = (variant: Variant, full: boolean) => (full ? FULL_KEYS : VALIDATOR_KEYS)[variant];

/**
 * The page's own headers for one coding, flattened name/value, in the order the Koa path sets them; `full` adds
 * the entity headers of a 200 (a 304 carries only the validators). Built once per page and variant.
 */
function pageHeaders(page: CachedPage, variant: Variant, full: boolean): string[] {
  const key = memoKey(variant, full);
  const memo = (page.headerMemo ??= {});
  const known = memo[key];
  if (known) return known;
  const coding = variant === 'identity' ? undefined : variant;
  const headers: string[] = [];
  if (page.compressible) headers.push('Vary', 'Accept-Encoding');
  headers.push('ETag', etagFor(page.etag, coding), 'Last-Modified', page.lastModifiedHttp, 'Cache-Control', CACHE_CONTROL);
  if (full) {
    headers.push('Content-Type', page.contentType);
    if (coding) headers.push('Content-Encoding', coding);
    headers.push('Content-Length', String(encodedBody(page, coding).length));
  }
  memo[key] = headers;
  return headers;
}

/** Browsers and the WeChat web view revalidate every time: withdrawals must show at once, and a 304 is cheap. */
const CACHE_CONTROL = 'public, no-cache';

/** Writes a cached page (or a 304 for it) to the response through Koa, compressed when the client accepts it. */
export function sendPage(ctx: AppContext, page: CachedPage): void {
  const coding = chooseCoding(ctx.get('accept-encoding'), page);
  const revalidate = page.status === 200 && (ctx.method === 'GET' || ctx.method === 'HEAD');
  const notModified = revalidate && isNotModified(ctx.get('if-none-match'), ctx.get('if-modified-since'), page, etagFor(page.etag, coding));
  const headers = pageHeaders(page, coding ?? 'identity', false);
  for (let i = 0; i < headers.length; i += 2) ctx.set(headers[i], headers[i + 1]);
  if (notModified) {
    ctx.status = 304;
    return;
  }
  ctx.status = page.status;
  ctx.type = page.contentType;
  if (coding) ctx.set('Content-Encoding', coding);
  ctx.body = encodedBody(page, coding);
}

/**
 * The front lane's complete header block for one variant of a page: X-Request-Id (its value filled per request),
 * the security headers, the page's own. Built once per page, variant and security list; `writeHead` reads the array
 * synchronously, so one array per variant serves every request.
 */
function laneHeaders(page: CachedPage, variant: Variant, full: boolean, security: FlatHeaders): string[] {
  if (page.laneMemo?.security !== security) page.laneMemo = { security, headers: {} };
  const key = memoKey(variant, full);
  return (page.laneMemo.headers[key] ??= ['X-Request-Id', '', ...security, ...pageHeaders(page, variant, full)]);
}

/**
 * The front lane's writer: the same response as `sendPage`, from headers prepared once per page. Only for GET and
 * HEAD; returns the status sent, or undefined (nothing written) for a page whose headers Koa would rewrite.
 */
export function writePage(req: IncomingMessage, res: ServerResponse, page: CachedPage, requestId: string, security: FlatHeaders): number | undefined {
  // Koa completes a bare media type with its charset; every page type carries one, this keeps it that way.
  if (!page.contentType.includes('charset')) return undefined;
  const coding = chooseCoding(req.headers['accept-encoding'], page);
  const variant = coding ?? 'identity';
  const ifNoneMatch = req.headers['if-none-match'];
  const ifModifiedSince = req.headers['if-modified-since'];
  if (page.status === 200 && (ifNoneMatch || ifModifiedSince) && isNotModified(ifNoneMatch, ifModifiedSince, page, etagFor(page.etag, coding))) {
    const headers = laneHeaders(page, variant, false, security);
    headers[1] = requestId;
    res.writeHead(304, headers);
    res.end();
    return 304;
  }
  const body = encodedBody(page, coding);
  const headers = laneHeaders(page, variant, true, security);
  headers[1] = requestId;
  res.writeHead(page.status, headers);
  if (req.method === 'HEAD') res.end();
  else res.end(body);
  return page.status;
}
