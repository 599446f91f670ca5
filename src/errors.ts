/**
 * The one error hierarchy. Services raise these; src/http/errors-middleware.ts shapes them once into
 * `{"error":{"code","message","details"}}` with the matching status. Messages are for the people using the API.
 */

export interface FieldProblem {
  /** Dotted path of the offending field, e.g. "body.title" or "query.page". */
  field: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends AppError {
  constructor(message: string, problems: FieldProblem[] = []) {
    super(400, 'validation_failed', message, problems);
  }
}
export class BadRequestError extends AppError {
  constructor(message: string, code = 'bad_request', details?: unknown) {
    super(400, code, message, details);
  }
}
export class UnauthorizedError extends AppError {
  constructor(message = '需要登录', code = 'unauthorized') {
    super(401, code, message);
  }
}
export class ForbiddenError extends AppError {
  constructor(message = '没有权限执行此操作', code = 'forbidden') {
    super(403, code, message);
  }
}
export class NotFoundError extends AppError {
  constructor(message = '未找到', code = 'not_found') {
    super(404, code, message);
  }
}
export class ConflictError extends AppError {
  constructor(message: string, code = 'conflict', details?: unknown) {
    super(409, code, message, details);
  }
}
export class PayloadTooLargeError extends AppError {
  constructor(message = '请求体过大', details?: unknown) {
    super(413, 'payload_too_large', message, details);
  }
}
export class UnsupportedMediaTypeError extends AppError {
  constructor(message = '不支持的内容类型', details?: unknown) {
    super(415, 'unsupported_media_type', message, details);
  }
}
export class TooManyRequestsError extends AppError {
  constructor(message = '请求过于频繁，请稍后再试', readonly retryAfterSeconds?: number) {
    super(429, 'too_many_requests', message, retryAfterSeconds ? { retryAfterSeconds } : undefined);
  }
}
export class ServiceUnavailableError extends AppError {
  constructor(message = '服务暂不可用', code = 'unavailable') {
    super(503, code, message);
  }
}
