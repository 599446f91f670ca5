/**
 * Shapes every failure once: `{"error":{"code","message","details"}}` with the right status.
 * Unknown errors become a 500 with a generic message; the stack goes to the log, never to the client.
 */
import { AppError } from '../errors';
import type { Logger } from '../logger';
import type { AppContext } from './context';

interface HttpLikeError {
  status?: number;
  statusCode?: number;
  expose?: boolean;
  type?: string;
  code?: string;
  message?: string;
}

/** Errors thrown by Koa's own body parsers and helpers carry a status; map the ones clients can cause. */
function fromHttpError(err: HttpLikeError): AppError | undefined {
  const status = err.status ?? err.statusCode;
  if (status === 501) return new AppError(501, 'not_implemented', '不支持该请求方法');
  if (!status || status >= 500) return undefined;
  if (status === 413 || err.type === 'entity.too.large' || err.code === 'LIMIT_FILE_SIZE') {
    return new AppError(413, 'payload_too_large', '请求体过大');
  }
  if (status === 415) return new AppError(415, 'unsupported_media_type', '不支持的内容类型');
  if (status === 400 && (err.type === 'entity.parse.failed' || /JSON/i.test(err.message ?? ''))) {
    return new AppError(400, 'malformed_json', '请求体不是合法的 JSON');
  }
  const codes: Record<number, string> = { 400: 'bad_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 405: 'method_not_allowed', 409: 'conflict', 429: 'too_many_requests' };
  return new AppError(status, codes[status] ?? 'http_error', err.expose && err.message ? err.message : '请求无效');
}

export interface ErrorAnswer {
  status: number;
  body: { error: { code: string; message: string; details: unknown } };
  /** Set for a 429 that says when to come back (the Retry-After header). */
  retryAfterSeconds?: number;
}

/**
 * Shapes a failure into its answer and logs it, for the Koa pipeline and the front lane alike: an AppError (or an
 * HTTP error clients can cause) as itself, at info (error for the service's own 5xx); anything else as a generic 500
 * carrying the request id, its stack in the log only.
 */
export function errorAnswer(raw: unknown, requestId: string, log: Logger): ErrorAnswer {
  const err = raw instanceof AppError ? raw : fromHttpError(raw as HttpLikeError);
  if (!err) {
    log.error({ err: raw }, 'unhandled error');
    return { status: 500, body: { error: { code: 'internal_error', message: '服务器内部错误', details: { requestId } } } };
  }
  log[err.status >= 500 && err.status !== 501 ? 'error' : 'info']({ code: err.code }, err.message);
  const retryAfterSeconds = err.status === 429 ? (err.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds : undefined;
  return { status: err.status, body: { error: { code: err.code, message: err.message, details: err.details ?? null } }, ...(retryAfterSeconds ? { retryAfterSeconds } : {}) };
}

export async function errorsMiddleware(ctx: AppContext, next: () => Promise<unknown>): Promise<void> {
  try {
    await next();
    if (ctx.status === 404 && ctx.body === undefined && !ctx.state.handledNotFound) {
      throw new AppError(404, 'not_found', '未找到');
    }
    // The routers' allowedMethods() answer 405 (with Allow, kept) and 501 by status alone: give them the JSON shape.
    if (ctx.status === 405 && ctx.body == null) throw new AppError(405, 'method_not_allowed', `该路径不支持 ${ctx.method} 方法`);
    if (ctx.status === 501 && ctx.body == null) throw new AppError(501, 'not_implemented', `不支持 ${ctx.method} 方法`);
  } catch (raw) {
    const answer = errorAnswer(raw, ctx.state.requestId, ctx.state.log);
    if (answer.retryAfterSeconds) ctx.set('Retry-After', String(answer.retryAfterSeconds));
    ctx.status = answer.status;
    ctx.body = answer.body;
  }
}
