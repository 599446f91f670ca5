/** Koa composition: shared middleware, then every module's routers, then the OpenAPI document. */
import Koa from 'koa';
import { bodyParser } from '@koa/bodyparser';
import type { RequestListener } from 'node:http';
import type { FeatureModule, Services } from './module';
import type { AppState } from './http/context';
import { accessRecorder, requestContext } from './http/request-context';
import { securityHeaders, securityHeadersMiddleware } from './http/security-headers';
import { withFrontLane } from './http/front-lane';
import { errorsMiddleware } from './http/errors-middleware';
import { authentication } from './auth/middleware';
import { ApiRouter, type RouteDefinition } from './http/api-router';
import { buildOpenApiDocument } from './http/openapi';

export interface BuiltApp {
  app: Koa<AppState>;
  /** Every declared route, in mounting order (the OpenAPI document is built from these). */
  routes: RouteDefinition[];
  /** The HTTP request listener: the modules' front lane (cached pages) first, then Koa. */
  callback(): RequestListener;
}

export function createApp(services: Services, modules: FeatureModule[]): BuiltApp {
  const { config, logger, metrics, clock } = services;
  // Behind TRUST_PROXY_HOPS proxies that each append to X-Forwarded-For, the client is that many entries from
  // the right; whatever the client wrote further left is ignored (Koa keeps only the last maxIpsCount entries).
  const app = new Koa<AppState>({ proxy: config.trustProxy, maxIpsCount: config.trustProxyHops });
  app.silent = true; // errors are logged by errorsMiddleware, with the request id
  const security = securityHeaders(config.publicBaseUrl);
  const record = accessRecorder(logger, metrics, { sampleRate: config.accessLogSample });

  app.use(requestContext(logger, record));
  app.use(errorsMiddleware);
  app.use(securityHeadersMiddleware(security));
  for (const m of modules) for (const mw of m.frontMiddleware ?? []) app.use(mw);
  app.use(
    bodyParser({
      enableTypes: ['json'],
      jsonLimit: config.bodyLimitBytes,
      encoding: 'utf-8',
    }),
  );
  app.use(authentication(clock, { publicBaseUrl: config.publicBaseUrl, secureCookies: config.env === 'production' }));

  const apiRouters = modules.flatMap((m) => m.routers ?? []);
  const openapi = new ApiRouter();
  const routes = [...apiRouters.flatMap((r) => r.routes)];
  let document: Record<string, unknown> | undefined;
  openapi.add({
    method: 'get',
    path: '/api/openapi.json',
    summary: 'This document',
    tags: ['system'],
    access: 'public',
    handler: () => (document ??= buildOpenApiDocument([...routes, ...openapi.routes], config.publicBaseUrl)),
  });
  routes.push(...openapi.routes);
  for (const m of modules) m.onRoutes?.(routes);

  for (const r of [...apiRouters, openapi]) {
    app.use(r.router.routes());
    app.use(r.router.allowedMethods());
  }
  for (const m of modules) for (const r of m.pageRouters ?? []) app.use(r.routes());

  const frontLane = modules.flatMap((m) => m.frontLane ?? []);
  const callback = () => withFrontLane(app.callback(), frontLane, record, security, logger);
  return { app, routes, callback };
}
