/**
 * The server URL WeChat calls, through Koa: GET /wechat (URL verification) and POST /wechat (messages and events,
 * plain or safe mode). The declarations document the callback in /api/openapi.json; the callback's rules are
 * callback.ts's. Ordinary POSTs are answered before Koa by the front lane (front-lane.ts); the rest come here.
 */
import { ApiRouter, runHandler, type RouteDefinition } from '../../http/api-router';
import type { AppContext } from '../../http/context';
import { readXmlBody } from './raw-body';
import { callbackQuery, type CallbackQuery, type CallbackRequest, type WechatCallback } from './callback';

export interface CallbackRoutes {
  /** The declarations (documented in /api/openapi.json; answered by `frontPath`). */
  router: ApiRouter;
  /**
   * Koa middleware for the module's `frontMiddleware`: answers /wechat right after the request id, error shaping and
   * security headers, without the JSON body parser, sign-in and the routers before it (WeChat sends none of what
   * they read). Same declarations, same validation, same route label in the access log and metrics.
   */
  frontPath: (ctx: AppContext, next: () => Promise<unknown>) => Promise<unknown>;
}

/** The Koa request as the callback reads it. */
function koaRequest(ctx: AppContext, query: CallbackQuery): CallbackRequest {
  return {
    query,
    querystring: ctx.querystring,
    arrivedAt: ctx.state.arrivedAt ?? performance.now(),
    contentType: ctx.get('content-type'),
    bodyIsNotXml: () => Boolean(ctx.is('application/json', 'multipart/*', 'application/x-www-form-urlencoded')),
    readBody: (limitBytes) => readXmlBody(ctx.req, limitBytes),
    ip: () => ctx.ip,
    log: () => ctx.state.log,
  };
}

export function callbackRoutes(callback: WechatCallback): CallbackRoutes {
  const verifyRoute: RouteDefinition<Record<string, string>, CallbackQuery> = {
    method: 'get',
    path: '/wechat',
    summary: 'WeChat server URL verification: echoes echostr when the signature over token, timestamp and nonce matches',
    tags: ['wechat'],
    access: 'public',
    query: callbackQuery,
    responseType: 'text/plain',
    responses: { 200: 'echostr', 403: 'Wrong signature or stale timestamp', 503: 'WECHAT_TOKEN not configured' },
    handler: (ctx, { query }) => {
      const echo = callback.verify(koaRequest(ctx, query));
      ctx.type = 'text/plain';
      ctx.body = echo;
    },
  };

  const messageRoute: RouteDefinition<Record<string, string>, CallbackQuery> = {
    method: 'post',
    path: '/wechat',
    summary: 'WeChat messages and events (plain mode, or safe mode with encrypt_type=aes and msg_signature)',
    tags: ['wechat'],
    access: 'public',
    query: callbackQuery,
    requestType: 'text/xml',
    responseType: 'text/xml',
    responses: {
      200: 'Passive reply XML (encrypted envelope in safe mode), or "success"',
      400: 'Malformed XML, DOCTYPE/ENTITY, or incomplete message',
      403: 'Wrong signature, wrong appid, timestamp outside ±5 minutes, plain request while safe mode is configured, or a signature reused with another body',
      413: 'Body over the limit',
      503: 'WECHAT_TOKEN not configured',
    },
    handler: async (ctx, { query }) => {
      const answer = await callback.receive(koaRequest(ctx, query));
      ctx.type = answer.type;
      ctx.body = answer.body;
    },
  };

  const router = new ApiRouter().add(verifyRoute).add(messageRoute);
  const frontPath = (ctx: AppContext, next: () => Promise<unknown>): Promise<unknown> => {
    if (ctx.path !== '/wechat') return next();
    const route = ctx.method === 'POST' ? messageRoute : ctx.method === 'GET' || ctx.method === 'HEAD' ? verifyRoute : undefined;
    if (!route) return next(); // OPTIONS and the rest: the router answers (Allow, 405)
    // The label the router would have given it (access log, request duration histogram).
    (ctx as { _matchedRoute?: string })._matchedRoute = route.path;
    return runHandler(route, ctx);
  };
  return { router, frontPath };
}
