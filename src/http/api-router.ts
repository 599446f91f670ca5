/**
 * Routes are declared, not just registered: each declaration carries its access rule and its zod schemas,
 * so validation, role checks and the OpenAPI document (src/http/openapi.ts) all come from one place.
 */
import Router from '@koa/router';
import { z } from 'zod';
import { ForbiddenError, UnauthorizedError, UnsupportedMediaTypeError, ValidationError, type FieldProblem } from '../errors';
import { hasRole, type Role } from '../auth/roles';
import type { AppContext, AppState } from './context';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';
/** public: anyone. authenticated: any signed-in user. Role list: those roles (and admin). */
export type Access = 'public' | 'authenticated' | readonly Role[];

export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
}

export interface RouteDefinition<P = any, Q = any, B = any> {
  method: HttpMethod;
  /** Koa-style path, e.g. `/api/admin/articles/:id`. */
  path: string;
  summary: string;
  tags: string[];
  access: Access;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /** Request body media type for the OpenAPI document (default application/json when `body` is set). */
  requestType?: string;
  /** Status → description, for the OpenAPI document. Defaults to 200 "OK". */
  responses?: Record<number, string>;
  /** Schema of the success response body, for the OpenAPI document (typed clients). Not enforced at run time. */
  response?: z.ZodType;
  /** Response media type for the OpenAPI document (default application/json). */
  responseType?: string;
  /** Extra middleware run after access checks and before validation (e.g. multipart parsing). */
  before?: Array<(ctx: AppContext, next: () => Promise<unknown>) => unknown>;
  /** The return value, when not undefined and no body was set, is sent as JSON. */
  handler: (ctx: AppContext, input: RouteInput<P, Q, B>) => unknown;
}

export class ApiRouter {
  readonly router = new Router<AppState>();
  readonly routes: RouteDefinition[] = [];

  add<P = Record<string, string>, Q = Record<string, unknown>, B = undefined>(def: RouteDefinition<P, Q, B>): this {
    this.routes.push(def as RouteDefinition);
    const middleware = [accessGuard(def.access), ...(def.before ?? []), async (ctx: AppContext) => {
      if (def.body && !def.requestType && hasBody(ctx) && !ctx.is('application/json')) {
        throw new UnsupportedMediaTypeError('请求体必须是 application/json');
      }
      await runHandler(def, ctx);
    }];
    // Koa-router's generic context types do not compose with our AppContext; the shapes are the same at run time.
    (this.router[def.method] as (path: string, ...mw: unknown[]) => void)(def.path, ...middleware);
    return this;
  }
}

/**
 * Validates the request against the declaration and runs its handler. The router runs it after the access check;
 * a module's front middleware may run a public route's declaration itself (the WeChat callback skips the routers).
 */
export async function runHandler<P, Q, B>(def: RouteDefinition<P, Q, B>, ctx: AppContext): Promise<void> {
  const input = {
    params: parsePart(def.params, ctx.params, 'params') as P,
    query: parsePart(def.query, ctx.query, 'query') as Q,
    body: parsePart(def.body, (ctx.request as { body?: unknown }).body, 'body') as B,
  };
  const result = await def.handler(ctx, input);
  if (result !== undefined && ctx.body === undefined) ctx.body = result;
  if (ctx.body === undefined && ctx.status === 404) ctx.status = 204;
}

function hasBody(ctx: AppContext): boolean {
  return Number(ctx.get('content-length') || 0) > 0 || ctx.get('transfer-encoding') !== '';
}

function accessGuard(access: Access) {
  return async (ctx: AppContext, next: () => Promise<unknown>) => {
    if (access !== 'public') {
      if (!ctx.state.user) throw ctx.state.authProblem ?? new UnauthorizedError();
      if (access !== 'authenticated' && !hasRole(ctx.state.user, access)) {
        throw new ForbiddenError(`需要以下角色之一：${access.join('、')}`);
      }
    }
    await next();
  };
}

/** Zod's own messages in Chinese, for the staff who read them next to the field (schemas' own messages stand). */
const chineseMessages = z.locales.zhCN().localeError;

function parsePart<T>(schema: z.ZodType<T> | undefined, value: unknown, part: string): T | undefined {
  if (!schema) return undefined;
  const result = schema.safeParse(value ?? (part === 'body' ? undefined : {}), { error: chineseMessages });
  if (result.success) return result.data;
  throw new ValidationError(`请求${partLabel[part] ?? part}无效`, toFieldProblems(result.error, part));
}

const partLabel: Record<string, string> = { params: '路径参数', query: '查询参数', body: '内容' };

export function toFieldProblems(error: z.ZodError, prefix: string): FieldProblem[] {
  return error.issues.map((issue) => {
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined];
    return keys.map((key) => ({
      field: [prefix, ...issue.path.map(String), ...(key ? [key] : [])].join('.'),
      message: issue.code === 'unrecognized_keys' ? 'unknown field' : issue.message,
    }));
  }).flat();
}
