/** find, getMore, killCursors, count, distinct. */
import { Long, type Document } from 'bson';
import { CommandError } from '../errors';
import { isPlainObject, pathValues } from '../bson-values';
import { collatedCompare, collatorFor } from '../query/collation';
import { countFromIndex } from '../query/index-count';
import { runQuery } from '../query/run-query';
import { runPipeline } from './aggregate';
import { runGeoNear } from './geo-near';
import { compileProjection } from './projection';
import { resolveView } from './views';
import { asDoc, asNumber, collectionArg, type CommandTable } from './types';

export const readCommands: CommandTable = {
  find: {
    run(ctx, cmd) {
      const name = collectionArg(cmd, 'find');
      const coll = ctx.engine.catalog.get(ctx.db, name);
      const filter = asDoc(cmd.filter, 'filter') ?? {};
      const limit = asNumber(cmd.limit) ?? 0;
      const batchSize = asNumber(cmd.batchSize);
      if (batchSize !== undefined && batchSize < 0) throw new CommandError('BadValue', 'BatchSize value must be non-negative');
      const collation = asDoc(cmd.collation, 'collation');
      const spec = { filter, sort: asDoc(cmd.sort, 'sort'), skip: asNumber(cmd.skip), limit: Math.abs(limit), collation };
      const view = resolveView(ctx, name);
      const res = view ? { records: runPipeline(ctx, name, viewStages(spec), collation).map((doc) => ({ doc })), restFilter: filter } : runQuery(coll, spec);
      const project = compileProjection(asDoc(cmd.projection, 'projection'), res.restFilter);
      return ctx.engine.cursors.open(`${ctx.db}.${name}`, res.records, batchSize, { project, singleBatch: cmd.singleBatch === true || limit < 0 });
    },
  },
  getMore: {
    run(ctx, cmd) {
      const id = cmd.getMore;
      if (!Long.isLong(id) && typeof id !== 'number' && typeof id !== 'bigint') throw new CommandError('TypeMismatch', "Field 'getMore' must be of type long");
      const name = collectionArg(cmd, 'collection');
      const batchSize = asNumber(cmd.batchSize);
      return ctx.engine.cursors.getMore(Long.isLong(id) ? id : Long.fromValue(id as number), `${ctx.db}.${name}`, batchSize);
    },
  },
  killCursors: {
    run(ctx, cmd) {
      collectionArg(cmd, 'killCursors');
      const ids = (Array.isArray(cmd.cursors) ? cmd.cursors : []).map((c: unknown) => (Long.isLong(c) ? c : Long.fromValue(c as number)));
      const { killed, notFound } = ctx.engine.cursors.kill(ids);
      return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
    },
  },
  count: {
    run(ctx, cmd) {
      const name = collectionArg(cmd, 'count');
      const coll = ctx.engine.catalog.get(ctx.db, name);
      const query = asDoc(cmd.query, 'query') ?? {};
      const skip = asNumber(cmd.skip) ?? 0;
      const limit = Math.abs(asNumber(cmd.limit) ?? 0);
      const collation = asDoc(cmd.collation, 'collation');
      let n: number;
      if (resolveView(ctx, name)) n = runPipeline(ctx, name, viewStages({ filter: query, collation }), collation).length;
      else if (!coll) return { n: 0, ok: 1 };
      else {
        const fromIndex = collatorFor(collation ?? (coll.options.collation as Document | undefined)) ? undefined : countFromIndex(coll, query, skip, limit);
        if (fromIndex) return { n: fromIndex.n, ok: 1 };
        n = runQuery(coll, { filter: query, collation }).records.length;
      }
      n = Math.max(0, n - skip);
      if (limit) n = Math.min(n, limit);
      return { n, ok: 1 };
    },
  },
  distinct: {
    run(ctx, cmd) {
      const name = collectionArg(cmd, 'distinct');
      if (typeof cmd.key !== 'string') throw new CommandError('TypeMismatch', "BSON field 'distinct.key' is missing but a required field");
      const coll = ctx.engine.catalog.get(ctx.db, name);
      const filter = asDoc(cmd.query, 'query') ?? {};
      const collation = asDoc(cmd.collation, 'collation') ?? (coll?.options.collation as Document | undefined);
      const docs = resolveView(ctx, name) ? runPipeline(ctx, name, viewStages({ filter, collation }), collation) : runQuery(coll, { filter, collation }).records.map((r) => r.doc);
      const all: unknown[] = [];
      for (const doc of docs) for (const v of pathValues(doc, cmd.key).values) if (v !== undefined) all.push(v);
      // sorted under the collation, equal neighbours (1 and 1.0; 'a' and 'A' at strength 2) collapse to the first
      const cmp = collatedCompare(collatorFor(collation));
      const values = all.sort(cmp).filter((v, i) => i === 0 || cmp(all[i - 1], v) !== 0);
      return { values, ok: 1 };
    },
  },
};

/** A find/count/distinct on a view as the stages appended to the view's pipeline. */
function viewStages(spec: { filter?: Document; sort?: Document; skip?: number; limit?: number; collation?: Document }): Document[] {
  const stages: Document[] = [];
  if (spec.filter && Object.keys(spec.filter).length) stages.push({ $match: spec.filter });
  if (spec.sort && Object.keys(spec.sort).length) stages.push({ $sort: spec.sort });
  if (spec.skip) stages.push({ $skip: spec.skip });
  if (spec.limit) stages.push({ $limit: spec.limit });
  return stages;
}

/** explain of a pipeline opening with `$geoNear`: its plan (GEO_NEAR_2DSPHERE / GEO_NEAR_2D through the index, or a scan) and documents read. */
function explainGeoNear(ctx: ExplainContext, target: string, pipeline: Document[], collation: Document | undefined): Document {
  const started = Date.now();
  const nextLimit = pipeline[1]?.$limit;
  const run = runGeoNear(ctx.engine.catalog.get(ctx.db, target), pipeline[0].$geoNear, collation, typeof nextLimit === 'number' && nextLimit > 0 ? nextLimit : undefined);
  const winningPlan = run.stage === 'COLLSCAN' ? { stage: 'COLLSCAN' } : { stage: run.stage, indexName: run.index, inputStages: [{ stage: 'FETCH', inputStage: { stage: 'IXSCAN', indexName: run.index } }] };
  return {
    queryPlanner: { namespace: `${ctx.db}.${target}`, winningPlan, rejectedPlans: [] },
    executionStats: { executionSuccess: true, nReturned: run.docs.length, executionTimeMillis: Date.now() - started, totalKeysExamined: run.docsExamined, totalDocsExamined: run.docsExamined },
    serverInfo: { host: ctx.engine.host, port: ctx.engine.port, version: '7.0.0' },
    ok: 1,
  };
}

/** explain of an aggregate: its leading `$geoNear`, or the find its leading `$match` makes. */
export function explainAggregate(ctx: ExplainContext, target: unknown, pipeline: Document[] | undefined, collation: Document | undefined): Document {
  if (typeof target === 'string' && isPlainObject(pipeline?.[0]?.$geoNear)) return explainGeoNear(ctx, target, pipeline!, collation);
  return explainFind(ctx, { aggregate: target, filter: pipeline?.[0]?.$match ?? {}, collation });
}

type ExplainContext = Parameters<CommandTable[string]['run']>[0];

export function explainFind(ctx: ExplainContext, cmd: Document): Document {
  const name = String(cmd.find ?? cmd.count ?? cmd.aggregate ?? cmd.distinct ?? '');
  const coll = ctx.engine.catalog.get(ctx.db, name);
  const started = Date.now();
  const filter = (cmd.filter ?? cmd.query ?? {}) as Document;
  const counted = cmd.count !== undefined && coll && !collatorFor((cmd.collation ?? coll.options.collation) as Document | undefined) ? countFromIndex(coll, filter, asNumber(cmd.skip), Math.abs(asNumber(cmd.limit) ?? 0)) : undefined;
  if (counted) {
    // mongod's covered count: entries counted in the index, no document fetched
    return {
      queryPlanner: { namespace: `${ctx.db}.${name}`, parsedQuery: filter, winningPlan: { stage: 'COUNT', inputStage: { stage: 'COUNT_SCAN', indexName: counted.index } }, rejectedPlans: [] },
      executionStats: { executionSuccess: true, nReturned: 0, executionTimeMillis: Date.now() - started, totalKeysExamined: counted.n, totalDocsExamined: 0 },
      serverInfo: { host: ctx.engine.host, port: ctx.engine.port, version: '7.0.0' },
      ok: 1,
    };
  }
  const res = runQuery(coll, { filter, sort: cmd.sort as Document | undefined, skip: asNumber(cmd.skip), limit: Math.abs(asNumber(cmd.limit) ?? 0), collation: cmd.collation as Document | undefined });
  const scan =
    res.stage === 'COLLSCAN'
      ? { stage: 'COLLSCAN' }
      : res.stage === 'GEO_NEAR_2DSPHERE' || res.stage === 'GEO_NEAR_2D'
        ? { stage: res.stage, indexName: res.index, inputStages: [{ stage: 'FETCH', inputStage: { stage: 'IXSCAN', indexName: res.index } }] }
        : { stage: 'FETCH', inputStage: { stage: res.stage === 'IDHACK' ? 'IDHACK' : 'IXSCAN', indexName: res.index } };
  return {
    queryPlanner: { namespace: `${ctx.db}.${name}`, parsedQuery: filter, winningPlan: scan, rejectedPlans: [] },
    executionStats: { executionSuccess: true, nReturned: res.records.length, executionTimeMillis: Date.now() - started, totalKeysExamined: res.stage === 'COLLSCAN' ? 0 : res.docsExamined, totalDocsExamined: res.docsExamined },
    serverInfo: { host: ctx.engine.host, port: ctx.engine.port, version: '7.0.0' },
    ok: 1,
  };
}
