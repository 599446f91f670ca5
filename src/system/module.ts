/** Operational endpoints: liveness, readiness (database reachable) and Prometheus metrics. */
import mongoose from 'mongoose';
import { ApiRouter } from '../http/api-router';
import { ServiceUnavailableError } from '../errors';
import type { FeatureModule, Services } from '../module';

export function systemModule({ metrics }: Services): FeatureModule {
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
    summary: 'Prometheus metrics',
    tags: ['system'],
    access: 'public',
    responseType: 'text/plain',
    handler: async (ctx) => {
      ctx.type = metrics.registry.contentType;
      ctx.body = await metrics.registry.metrics();
    },
  });
  return { name: 'system', routers: [api] };
}
