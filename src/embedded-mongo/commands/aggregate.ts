/**
 * aggregate through mingo's Aggregator. A leading `$match` / `$sort` / `$skip` / `$limit` prefix is
 * executed by the query planner (indexes, early stop), the rest by mingo; `$lookup` and friends
 * resolve other collections of the same database. `$out` replaces the target collection;
 * `$merge` and server-introspection stages answer an error.
 */
import path from 'node:path';
import { ObjectId, type Document } from 'bson';
import { CommandError } from '../errors';
import { deepClone, isPlainObject } from '../bson-values';
import { promoteNumbers } from '../bson-decode';
import { mongoAggregator } from '../query/mongo-query';
import { collatedCompare, collatorFor } from '../query/collation';
import { boundedSort } from '../query/external-sort';
import { parseSort } from '../query/sort';
import { findNear } from '../query/near';
import { countFromIndex } from '../query/index-count';
import { runQuery, streamQuery, type QuerySpec } from '../query/run-query';
import { STAGE_MEMORY_PARAMETERS, withStageBudget, type StageBudget } from '../query/stage-memory';
import type { Collection, DocRecord } from '../storage/collection';
import { geoNearDocuments } from './geo-near';
import { collStatsDocument, currentOps } from './introspection';
import { assertNotView, resolveView } from './views';
import { idFirst } from '../query/update';
import { validateCollectionName } from '../storage/catalog';
import { explainAggregate } from './read';
import { asDoc, asNumber, type CommandContext, type CommandTable } from './types';

const UNSUPPORTED_STAGES: Record<string, string> = {
  $merge: '$merge is not supported by the embedded engine; use $out or write the results from the client',
  $indexStats: '$indexStats is not supported by the embedded engine',
  $listSessions: '$listSessions is not supported by the embedded engine',
  $listLocalSessions: '$listLocalSessions is not supported by the embedded engine',
  $changeStream: 'change streams are only supported on replica sets',
  $search: '$search requires MongoDB Atlas',
};

// Stages that only read their input; anything else may modify documents in place, so inputs are cloned.
const READ_ONLY_STAGES = new Set(['$match', '$sort', '$skip', '$limit', '$count', '$group', '$project', '$sortByCount', '$sample']);
// Stages that pass values through untouched: with only these, Double/Long values keep their BSON type.
// Anything that computes or sorts gets numbers (mingo's arithmetic and ordering work on JS numbers).
const TYPE_KEEPING_STAGES = new Set(['$match', '$skip', '$limit', '$unset', '$count', '$unwind', '$sample']);
// Stages that must come first and produce the pipeline's input themselves.
const SOURCE_STAGES = new Set(['$geoNear', '$collStats', '$currentOp', '$documents']);

function splitPrefix(pipeline: Document[]): { spec: QuerySpec; rest: Document[] } {
  const spec: QuerySpec = {};
  let i = 0;
  if (pipeline[i]?.$match && isPlainObject(pipeline[i].$match)) spec.filter = pipeline[i++].$match;
  if (pipeline[i]?.$sort && isPlainObject(pipeline[i].$sort)) spec.sort = pipeline[i++].$sort;
  if (spec.sort || spec.filter) {
    if (pipeline[i]?.$skip !== undefined && typeof pipeline[i].$skip === 'number') spec.skip = pipeline[i++].$skip;
    if (pipeline[i]?.$limit !== undefined && typeof pipeline[i].$limit === 'number' && pipeline[i].$limit > 0) spec.limit = pipeline[i++].$limit;
  }
  return { spec, rest: pipeline.slice(i) };
}

export function runPipeline(ctx: CommandContext, collName: string | undefined, pipeline: Document[], collation?: Document, command: Document = {}): Document[] {
  return withStageBudget(stageBudgetOf(ctx, command), () => pipelineResults(ctx, collName, pipeline, collation, command));
}

/** The command's `allowDiskUse` (mongod's `allowDiskUseByDefault` when absent); spills go under `<dbPath>/_tmp`. */
function stageBudgetOf(ctx: CommandContext, command: Document): StageBudget {
  const allowDiskUse = typeof command.allowDiskUse === 'boolean' ? command.allowDiskUse : STAGE_MEMORY_PARAMETERS.allowDiskUseByDefault;
  return { allowDiskUse, tmpDir: path.join(ctx.engine.dbPath, '_tmp', `${process.pid}-${++spillDirs}`) };
}
let spillDirs = 0;

function pipelineResults(ctx: CommandContext, collName: string | undefined, pipeline: Document[], collation: Document | undefined, command: Document): Document[] {
  for (const stage of pipeline) {
    if (!isPlainObject(stage) || Object.keys(stage).length !== 1) throw new CommandError('FailedToParse', 'A pipeline stage specification object must contain exactly one field.');
    const name = Object.keys(stage)[0];
    if (UNSUPPORTED_STAGES[name]) throw new CommandError('CommandNotSupported', UNSUPPORTED_STAGES[name]);
    if (name === '$out' && stage !== pipeline[pipeline.length - 1]) throw new CommandError('BadValue', '$out can only be the final stage in the pipeline');
    if (SOURCE_STAGES.has(name) && stage !== pipeline[0]) throw new CommandError('BadValue', `${name} is only valid as the first stage in a pipeline`);
  }
  const view = collName !== undefined ? resolveView(ctx, collName) : undefined;
  if (view) return pipelineResults(ctx, view.source, [...view.pipeline, ...pipeline], collation ?? view.collation, command);
  const coll = collName !== undefined ? ctx.engine.catalog.get(ctx.db, collName) : undefined;
  collation ??= coll?.options.collation as Document | undefined;
  let input: Iterable<Document>;
  let rest: Document[];
  let close = () => {};
  const first = pipeline[0] ? Object.keys(pipeline[0])[0] : undefined;
  if (first && SOURCE_STAGES.has(first)) {
    rest = pipeline.slice(1);
    const nextLimit = pipeline[1]?.$limit;
    input = sourceStage(ctx, collName, pipeline[0], collation, command, typeof nextLimit === 'number' && nextLimit > 0 ? nextLimit : undefined);
  } else {
    if (collName === undefined) throw new CommandError('InvalidNamespace', "{ aggregate: 1 } is only valid with $documents, $currentOp or other collectionless stages");
    const split = splitPrefix(pipeline);
    rest = split.rest;
    const counted = countOnly(coll, split.spec, rest, collation);
    if (counted) return counted;
    const mutating = rest.some((s) => !READ_ONLY_STAGES.has(Object.keys(s)[0]));
    const asInput = (r: DocRecord) => (mutating ? deepClone(r.doc) : r.doc);
    // Streamed, the stages see one document at a time; a stage that reads another collection would run its own
    // statement while the scan's is open, so those pipelines gather their input first.
    const streamed = !readsOtherCollections(rest) ? streamQuery(coll, { ...split.spec, collation }) : undefined;
    const sortSpec = parseSort(split.spec.sort);
    if (!streamed && sortSpec.length > 0 && !split.spec.limit && !readsOtherCollections(rest) && !findNear(split.spec.filter ?? {})) {
      // a sort no index gives, without a limit (with one, only the first skip + limit are kept): within the stage's memory limit
      const filtered = streamQuery(coll, { filter: split.spec.filter, collation });
      if (filtered) {
        const records = mapped(filtered, asInput);
        const sorted = boundedSort(records, sortSpec, collatedCompare(collatorFor(collation)));
        input = skipped(sorted, split.spec.skip ?? 0);
        close = () => {
          sorted.return(undefined);
          records.return(undefined);
        };
      } else input = runQuery(coll, { ...split.spec, collation }).records.map(asInput);
    } else if (streamed) {
      const records = mapped(streamed, asInput);
      input = records;
      close = () => void records.return(undefined);
    } else {
      input = runQuery(coll, { ...split.spec, collation }).records.map(asInput);
    }
  }
  try {
    if (rest.length === 0) return Array.isArray(input) ? input : [...input];
    rest = rest.flatMap(countAsGroup);
    const computing = rest.some((s) => !TYPE_KEEPING_STAGES.has(Object.keys(s)[0]));
    if (computing) input = mapped(input, promoteNumbers);
    const collectionResolver = (name: string) => {
      if (resolveView(ctx, name)) return runPipeline(ctx, name, []).map((d) => promoteNumbers(deepClone(d)));
      const other = ctx.engine.catalog.get(ctx.db, name);
      return other ? [...other.records.values()].map((r) => promoteNumbers(deepClone(r.doc))) : [];
    };
    return mongoAggregator(rest, { collectionResolver, collation }).stream(input as never).collect() as Document[];
  } catch (err) {
    if (err instanceof CommandError) throw err;
    const msg = err instanceof Error ? err.message : String(err);
    const m = /unregistered pipeline operator (\$\w+)/.exec(msg);
    if (m) throw new CommandError('Location40324', `Unrecognized pipeline stage name: '${m[1]}'`);
    throw err;
  } finally {
    close();
  }
}

function* skipped<T>(items: Iterable<T>, n: number): Generator<T> {
  for (const item of items) {
    if (n > 0) n--;
    else yield item;
  }
}

function* mapped<T, U>(items: Iterable<T>, f: (t: T) => U): Generator<U> {
  for (const item of items) yield f(item);
}

const OTHER_COLLECTION_STAGES = new Set(['$lookup', '$graphLookup', '$unionWith']);

/** Whether a stage (also nested, in `$facet` or a sub-pipeline) reads another collection. */
function readsOtherCollections(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(readsOtherCollections);
  if (!isPlainObject(value)) return false;
  for (const [k, v] of Object.entries(value)) if (OTHER_COLLECTION_STAGES.has(k) || readsOtherCollections(v)) return true;
  return false;
}

/** `$count` as mongod defines it — a `$group` on null then dropping `_id` — so no input gives no document (mingo's gives `{ n: 0 }`). */
function countAsGroup(stage: Document): Document[] {
  if (typeof stage.$count !== 'string' || Object.keys(stage).length !== 1 || !/^[^$.][^.]*$/.test(stage.$count)) return [stage];
  return [{ $group: { _id: null, [stage.$count]: { $sum: 1 } } }, { $project: { _id: 0 } }];
}

/**
 * A pipeline that only counts the documents its `$match` (+ `$skip`/`$limit`) selects — what the drivers'
 * countDocuments sends: `$group` on a constant with `{ $sum: 1 }`, or `$count` — answered from an index when
 * one holds the whole filter, without reading documents; undefined otherwise.
 */
function countOnly(coll: Collection | undefined, spec: QuerySpec, rest: Document[], collation: Document | undefined): Document[] | undefined {
  if (!coll || spec.sort || rest.length !== 1 || collatorFor(collation)) return undefined;
  const stage = rest[0];
  let output: ((n: number) => Document) | undefined;
  if (typeof stage.$count === 'string' && /^[^$.][^.]*$/.test(stage.$count)) {
    const field = stage.$count;
    output = (n) => ({ [field]: n });
  } else if (isPlainObject(stage.$group)) {
    const { _id: id, ...accumulators } = stage.$group;
    const constantId = id === null || typeof id === 'number' || typeof id === 'boolean' || (typeof id === 'string' && !id.startsWith('$'));
    const fields = Object.entries(accumulators);
    if (constantId && fields.length === 1 && isPlainObject(fields[0][1]) && Object.keys(fields[0][1]).length === 1 && fields[0][1].$sum === 1) {
      output = (n) => ({ _id: id, [fields[0][0]]: n });
    }
  }
  if (!output) return undefined;
  const counted = countFromIndex(coll, spec.filter ?? {}, spec.skip ?? 0, spec.limit ?? 0);
  if (!counted) return undefined;
  return counted.n === 0 ? [] : [output(counted.n)];
}

/** The documents a leading `$geoNear` / `$collStats` / `$currentOp` / `$documents` stage produces. */
function sourceStage(ctx: CommandContext, collName: string | undefined, stage: Document, collation: Document | undefined, command: Document, top?: number): Document[] {
  const [name, spec] = Object.entries(stage)[0];
  switch (name) {
    case '$geoNear':
      return geoNearDocuments(collName === undefined ? undefined : ctx.engine.catalog.get(ctx.db, collName), spec, collation, top);
    case '$collStats':
      return [collStatsDocument(ctx, collName, spec)];
    case '$currentOp':
      if (ctx.db !== 'admin' || collName !== undefined) throw new CommandError('InvalidNamespace', "$currentOp must be run against the 'admin' database with {aggregate: 1}");
      return currentOps(ctx, command);
    default:
      if (!Array.isArray(spec)) throw new CommandError('TypeMismatch', 'error parsing $documents: expected an array');
      return (spec as Document[]).map(deepClone);
  }
}

/**
 * `$out` as mongod does it: the results go into a temporary collection carrying the target's options
 * and indexes, which then replaces the target. Any failure (a duplicate key) leaves the target untouched.
 */
function writeOut(ctx: CommandContext, out: string, results: Document[]): void {
  validateCollectionName(out);
  const catalog = ctx.engine.catalog;
  const existing = catalog.get(ctx.db, out);
  const { uuid: _uuid, ...options } = existing?.options ?? {};
  const tmpName = `tmp.agg_out.${new ObjectId().toHexString()}`;
  const tmp = catalog.ensure(ctx.db, tmpName, options);
  for (const idx of existing?.indexes.values() ?? []) if (idx.name !== '_id_') tmp.addIndex(idx.spec);
  for (const d of results) tmp.insert(d._id === undefined ? { _id: new ObjectId(), ...d } : idFirst(d));
  if (existing) catalog.drop(ctx.db, out);
  catalog.rename(tmp, ctx.db, out);
}

function aggregate(ctx: CommandContext, cmd: Document): Document {
  const target = cmd.aggregate;
  if (typeof target !== 'string' && target !== 1) throw new CommandError('InvalidNamespace', "Invalid input namespace, { aggregate: 1 } or a collection name expected");
  if (!Array.isArray(cmd.pipeline)) throw new CommandError('TypeMismatch', "'pipeline' option must be specified as an array");
  let pipeline = cmd.pipeline as Document[];
  if (cmd.explain === true) return explainAggregate(ctx, target, pipeline, cmd.collation as Document | undefined);
  if (!cmd.cursor || typeof cmd.cursor !== 'object') throw new CommandError('FailedToParse', "The 'cursor' option is required, except for aggregate with the explain argument");
  const last = pipeline[pipeline.length - 1];
  let out: string | undefined;
  if (last && '$out' in last) {
    const o = last.$out;
    out = typeof o === 'string' ? o : isPlainObject(o) && typeof o.coll === 'string' && (o.db === undefined || o.db === ctx.db) ? o.coll : undefined;
    if (!out) throw new CommandError('CommandNotSupported', '$out to another database is not supported by the embedded engine');
    pipeline = pipeline.slice(0, -1);
  }
  if (typeof target === 'string' && out) assertNotView(ctx, out);
  const collation = cmd.collation === undefined ? undefined : asDoc(cmd.collation, 'collation');
  const results = runPipeline(ctx, typeof target === 'string' ? target : undefined, pipeline, collation, cmd);
  const ns = `${ctx.db}.${typeof target === 'string' ? target : '$cmd.aggregate'}`;
  if (out) {
    writeOut(ctx, out, results);
    return ctx.engine.cursors.open(ns, [], 0);
  }
  return ctx.engine.cursors.open(ns, results.map((doc) => ({ doc })), asNumber((cmd.cursor as Document).batchSize));
}

export const aggregateCommands: CommandTable = {
  aggregate: { run: aggregate, write: true },
};
