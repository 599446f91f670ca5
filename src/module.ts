/**
 * What the composition root hands every feature module, and what a module hands back.
 * Modules are assembled in src/modules.ts; src/app.ts mounts their routers, src/main.ts starts their jobs.
 */
import type { Config } from './config';
import type { Clock } from './clock';
import type { Logger } from './logger';
import type { DomainEventBus } from './events';
import type { Metrics } from './http/metrics';
import type { ApiRouter, RouteDefinition } from './http/api-router';
import type { Scheduler } from './jobs/scheduler';
import type { RouterInstance } from '@koa/router';
import type { AppContext, AppState } from './http/context';
import type { FrontResponder } from './http/front-lane';

export interface Services {
  config: Config;
  clock: Clock;
  logger: Logger;
  events: DomainEventBus;
  metrics: Metrics;
  scheduler: Scheduler;
}

export interface FeatureModule {
  name: string;
  /** Declared routes: validated, role-checked and documented in /api/openapi.json. */
  routers?: ApiRouter[];
  /** Plain routers for non-API surfaces (microsite pages, feeds) that are not part of the OpenAPI document. */
  pageRouters?: RouterInstance<AppState>[];
  /**
   * Middleware run after request context, error shaping and security headers but before body parsing,
   * authentication and routing — for answers that need none of those (the microsite's cached pages, the WeChat callback).
   */
  frontMiddleware?: ((ctx: AppContext, next: () => Promise<unknown>) => unknown)[];
  /**
   * Responders run before Koa itself, on the raw request (src/http/front-lane.ts): for answers already in memory
   * (the microsite's cached pages). They get the request id, security headers, access log and metrics, nothing else.
   */
  frontLane?: FrontResponder[];
  /** Receives every declared route of the app once they are all mounted (for modules that describe the API). */
  onRoutes?(routes: RouteDefinition[]): void;
  /** Called once the database is connected and before the server listens (register jobs, start workers…). */
  start?(): Promise<void> | void;
  /** Called on shutdown after the server stopped accepting requests; finish or hand back in-flight work. */
  stop?(): Promise<void> | void;
}
