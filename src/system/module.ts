/** Operational endpoints: liveness, readiness (database reachable) and Prometheus metrics. */
import { timingSafeEqual } from 'node:crypto';
import mongoose from 'mongoose';
import { ApiRouter } from '../http/api-router';
import type { AppContext } from '../http/context';
import { ForbiddenError, ServiceUnavailableError } from '../errors';
import type { Config } from '../config';
import type { FeatureModule, Services } from '../module';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * /metrics tells how the service is used and failing, so it is not public: a scraper sends METRICS_TOKEN as a
 * bearer token, or comes from an address in METRICS_ALLOW; with neither configured, loopback only — and a
 * loopback request that a local reverse proxy forwarded (it carries X-Forwarded-For) does not count as local.
 */
function mayReadMetrics(ctx: AppContext, config: Config['metrics']): boolean {
  const given = /^Bearer (.+)$/.exec(ctx.get('authorization'))?.[1];
  if (config.token && given) {
    const a = Buffer.from(given);
    const b = Buffer.from(config.token);
    if (a.length === b.length && timingSafeEqual(a, b)) return true;
  }
  const ip = ctx.ip.replace(/^::ffff:(?=\d)/, '');
  if (config.allow.includes(ip)) return true;
  const proxied = Boolean(ctx.get('x-forwarded-for') || ctx.get('forwarded') || ctx.get('x-real-ip'));
  return !config.token && !config.allow.length && LOOPBACK.has(ctx.ip) && !proxied;
}

export function systemModule({ metrics, config }: Services): FeatureModule {
  const api = new ApiRouter();
  api.add({
    method: 'get',
    path: '/healthz',
    summary: 'Liveness: the process is up',
    tags: ['system'],
    access: 'public',
    handler: () => ({ status: 'ok' }),
  });
  api.add({
    method: 'get',
    path: '/readyz',
    summary: 'Readiness: the database answers',
    tags: ['system'],
    access: 'public',
    responses: { 200: 'Ready', 503: 'Database unreachable' },
    handler: async () => {
      try {
        await Promise.race([
          mongoose.connection.db!.admin().ping(),
          new Promise((_, reject) => setTimeout(() => reject(new Error('ping timeout')), 2000).unref()),
        ]);
      } catch {
        throw new ServiceUnavailableError('数据库不可用', 'database_unavailable');
      }
      return { status: 'ready' };
    },
  });
  api.add({
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics (METRICS_TOKEN as a bearer token, an address in METRICS_ALLOW, or loopback when neither is set)',
    tags: ['system'],
    access: 'public',
    responseType: 'text/plain',
    handler: async (ctx) => {
      if (!mayReadMetrics(ctx, config.metrics)) throw new ForbiddenError('无权读取监控指标', 'metrics_forbidden');
      ctx.type = metrics.registry.contentType;
      ctx.body = await metrics.registry.metrics();
    },
  });
  return { name: 'system', routers: [api] };
}
