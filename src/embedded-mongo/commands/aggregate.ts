/**
 * aggregate through mingo's Aggregator. A leading `$match` / `$sort` / `$skip` / `$limit` prefix is
 * executed by the query planner (indexes, early stop), the rest by mingo; `$lookup` and friends
 * resolve other collections of the same database. `$out` replaces the target collection;
 * `$merge` and server-introspection stages answer an error.
 */
import { ObjectId, type Document } from 'bson';
import { Aggregator } from 'mingo';
import { CommandError } from '../errors';
import { deepClone, isPlainObject } from '../bson-values';
import { runQuery, type QuerySpec } from '../query/run-query';
import { idFirst } from '../query/update';
import { validateCollectionName } from '../storage/catalog';
import { explainFind } from './read';
import { asNumber, type CommandContext, type CommandTable } from './types';

const UNSUPPORTED_STAGES: Record<string, string> = {
  $merge: '$merge is not supported by the embedded engine; use $out or write the results from the client',
  $collStats: '$collStats is not supported by the embedded engine; use the collStats command',
  $indexStats: '$indexStats is not supported by the embedded engine',
  $currentOp: '$currentOp is not supported by the embedded engine',
  $listSessions: '$listSessions is not supported by the embedded engine',
  $listLocalSessions: '$listLocalSessions is not supported by the embedded engine',
  $changeStream: 'change streams are only supported on replica sets',
  $search: '$search requires MongoDB Atlas',
  $geoNear: '$geoNear is not supported by the embedded engine',
};

// Stages that only read their input; anything else may modify documents in place, so inputs are cloned.
const READ_ONLY_STAGES = new Set(['$match', '$sort', '$skip', '$limit', '$count', '$group', '$project', '$sortByCount', '$sample']);

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

export function runPipeline(ctx: CommandContext, collName: string | undefined, pipeline: Document[]): Document[] {
  for (const stage of pipeline) {
    if (!isPlainObject(stage) || Object.keys(stage).length !== 1) throw new CommandError('FailedToParse', 'A pipeline stage specification object must contain exactly one field.');
    const name = Object.keys(stage)[0];
    if (UNSUPPORTED_STAGES[name]) throw new CommandError('CommandNotSupported', UNSUPPORTED_STAGES[name]);
    if (name === '$out' && stage !== pipeline[pipeline.length - 1]) throw new CommandError('BadValue', '$out can only be the final stage in the pipeline');
  }
  const coll = collName !== undefined ? ctx.engine.catalog.get(ctx.db, collName) : undefined;
  const { spec, rest } = splitPrefix(pipeline);
  const res = runQuery(coll, spec);
  const mutating = rest.some((s) => !READ_ONLY_STAGES.has(Object.keys(s)[0]));
  let input: Document[] = res.records.map((r) => (mutating ? deepClone(r.doc) : r.doc));
  if (collName === undefined) {
    const first = pipeline[0];
    if (first?.$documents) input = [];
    else throw new CommandError('CommandNotSupported', 'aggregate with { aggregate: 1 } only supports $documents in the embedded engine');
  }
  if (rest.length === 0) return input;
  const collectionResolver = (name: string) => {
    const other = ctx.engine.catalog.get(ctx.db, name);
    return other ? [...other.records.values()].map((r) => deepClone(r.doc)) : [];
  };
  try {
    return new Aggregator(rest, { collectionResolver }).run(input) as Document[];
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const m = /unregistered pipeline operator (\$\w+)/.exec(msg);
    if (m) throw new CommandError('Location40324', `Unrecognized pipeline stage name: '${m[1]}'`);
    throw err;
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
  if (cmd.explain === true) return explainFind(ctx, { aggregate: target, filter: pipeline[0]?.$match ?? {} });
  if (!cmd.cursor || typeof cmd.cursor !== 'object') throw new CommandError('FailedToParse', "The 'cursor' option is required, except for aggregate with the explain argument");
  const last = pipeline[pipeline.length - 1];
  let out: string | undefined;
  if (last && '$out' in last) {
    const o = last.$out;
    out = typeof o === 'string' ? o : isPlainObject(o) && typeof o.coll === 'string' && (o.db === undefined || o.db === ctx.db) ? o.coll : undefined;
    if (!out) throw new CommandError('CommandNotSupported', '$out to another database is not supported by the embedded engine');
    pipeline = pipeline.slice(0, -1);
  }
  const results = runPipeline(ctx, typeof target === 'string' ? target : undefined, pipeline);
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
