/**
 * Maintained aggregates (coverage rosters, suggestion tallies, attendance rollups): the repair job and the admin
 * routes. The aggregates themselves live with the modules that own their source (./aggregate.ts explains how).
 */
import { z } from 'zod';
import type { FeatureModule, Services } from '../module';
import { ApiRouter } from '../http/api-router';
import { ValidationError } from '../errors';
import { registeredAggregates, setAggregateErrorSink } from './aggregate';

export const AGGREGATES_JOB = 'aggregates-repair';
const ADMINS = ['admin'] as const;
const tags = ['aggregates'];

/** Builds what was never built (an existing database, a new version of an aggregate) and recomputes dirty cells. */
export async function repairAggregates(): Promise<{ built: string[]; repaired: number }> {
  const built: string[] = [];
  let repaired = 0;
  for (const aggregate of registeredAggregates()) {
    if (await aggregate.ensureBuilt()) built.push(aggregate.name);
    repaired += await aggregate.repair();
  }
  return { built, repaired };
}

/** Rebuilds the named aggregates (all when none is named) from scratch. */
export async function rebuildAggregates(names?: string[]): Promise<Array<{ name: string; cells: number; ms: number }>> {
  const all = registeredAggregates();
  const unknown = (names ?? []).filter((n) => !all.some((a) => a.name === n));
  if (unknown.length) throw new ValidationError('没有这个统计汇总', unknown.map((n) => ({ field: 'body.names', message: `unknown aggregate ${n}` })));
  const out = [];
  for (const aggregate of all.filter((a) => !names?.length || names.includes(a.name))) {
    const started = Date.now();
    const { cells } = await aggregate.rebuild();
    out.push({ name: aggregate.name, cells, ms: Date.now() - started });
  }
  return out;
}

function aggregateRoutes(): ApiRouter {
  const api = new ApiRouter();
  api.add({
    method: 'get',
    path: '/api/admin/aggregates',
    summary: 'The maintained aggregates (coverage rosters, suggestion tallies, attendance rollups): built, version, cells, dirty cells',
    tags,
    access: ADMINS,
    handler: async () => ({ items: await Promise.all(registeredAggregates().map((a) => a.status())) }),
  });
  api.add({
    method: 'post',
    path: '/api/admin/aggregates/rebuild',
    summary: 'Rebuild maintained aggregates from their source records (all, or the ones named); reads stay correct meanwhile',
    tags,
    access: ADMINS,
    body: z.object({ names: z.array(z.string().trim().min(1).max(100)).max(20).optional() }).strict(),
    handler: async (_ctx, { body }) => ({ rebuilt: await rebuildAggregates(body.names) }),
  });
  return api;
}

export function aggregatesModule(services: Services): FeatureModule {
  const logger = services.logger.child({ component: 'aggregates' });
  setAggregateErrorSink((err, context) => logger.warn({ err, ...context }, 'maintained aggregate left dirty; it is recomputed at the next read or repair'));
  return {
    name: 'aggregates',
    routers: [aggregateRoutes()],
    start() {
      services.scheduler.register({
        name: AGGREGATES_JOB,
        schedule: '*/5 * * * *',
        runOnStart: true,
        // A first build on a large existing database takes minutes.
        leaseMs: 30 * 60_000,
        run: async () => {
          const result = await repairAggregates();
          if (result.built.length || result.repaired) logger.info(result, 'maintained aggregates built or repaired');
        },
      });
    },
  };
}
