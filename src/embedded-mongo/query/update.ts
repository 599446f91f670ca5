/**
 * Applies one update statement to a document: operator updates through mingo's updater (with
 * `$setOnInsert` and `$push`/`$addToSet` modifier fixes mingo lacks), replacement documents, and
 * pipeline-style updates through mingo's Aggregator. Builds upsert seed documents from the query.
 */
import { ObjectId, type Document } from 'bson';
import { update as mingoUpdate } from 'mingo/updater';
import { CommandError } from '../errors';
import { fastUpdate } from './fast-update';
import { compareBson, deepClone, formatValue, getPath, isOperatorObject, isPlainObject, setPath, typeRank } from '../bson-values';
import { hasPositional, resolvePositional } from './positional';
import { checkUpdateTypes } from './update-checks';
import { expandArrayFilters, hasArrayFilterPaths } from './array-filters';
import { engineContext, mongoAggregator } from './mongo-query';
import { applyTypedOps, TYPED_OPS } from './typed-updates';

const UPDATE_OPERATORS = new Set(['$set', '$unset', '$inc', '$mul', '$min', '$max', '$push', '$pull', '$pullAll', '$addToSet', '$pop', '$rename', '$currentDate', '$bit', '$setOnInsert']);
const PIPELINE_UPDATE_STAGES = new Set(['$addFields', '$set', '$project', '$unset', '$replaceRoot', '$replaceWith']);

export type UpdateSpec = Document | Document[];

export function isReplacement(u: UpdateSpec): boolean {
  return !Array.isArray(u) && !Object.keys(u).some((k) => k.startsWith('$'));
}

export function validateUpdate(u: unknown): UpdateSpec {
  if (Array.isArray(u)) {
    for (const stage of u) {
      const name = isPlainObject(stage) ? Object.keys(stage)[0] : undefined;
      if (!name || !PIPELINE_UPDATE_STAGES.has(name)) {
        throw new CommandError('FailedToParse', `${name ?? 'stage'} is not allowed to be used within an update`);
      }
    }
    return u as Document[];
  }
  if (!isPlainObject(u)) throw new CommandError('FailedToParse', 'Update argument must be either an object or an array');
  const keys = Object.keys(u);
  const ops = keys.filter((k) => k.startsWith('$'));
  if (ops.length > 0 && ops.length !== keys.length) {
    throw new CommandError('FailedToParse', `Unknown modifier: ${keys.find((k) => !k.startsWith('$'))}. Expected a valid update modifier or pipeline-style update specified as an array`);
  }
  for (const op of ops) {
    if (!UPDATE_OPERATORS.has(op)) throw new CommandError('FailedToParse', `Unknown modifier: ${op}. Expected a valid update modifier or pipeline-style update specified as an array`);
    if (!isPlainObject(u[op])) throw new CommandError('FailedToParse', `Modifiers operate on fields but we found type ${Array.isArray(u[op]) ? 'array' : typeof u[op]} instead. For example: {$mod: {<field>: ...}} not {${op}: ${JSON.stringify(u[op])}}`);
  }
  if (ops.length > 0) checkConflicts(u);
  return u;
}

/**
 * mongod refuses an update where one path equals or contains another (across all operators, `$setOnInsert`
 * and `$rename` targets included): code 40 "Updating the path 'a.b' would create a conflict at 'a'".
 */
function checkConflicts(u: Document): void {
  const seen: string[] = [];
  for (const [op, args] of Object.entries(u)) {
    for (const [path, arg] of Object.entries(args as Document)) {
      const paths = op === '$rename' && typeof arg === 'string' ? [path, arg] : [path];
      for (const p of paths) {
        for (const q of seen) {
          const [short, long] = q.length <= p.length ? [q, p] : [p, q];
          if (long === short || long.startsWith(short + '.')) {
            throw new CommandError('ConflictingUpdateOperators', `Updating the path '${p}' would create a conflict at '${short}'`);
          }
        }
        seen.push(p);
      }
    }
  }
}

/** Puts `_id` first, as mongod stores it. */
export function idFirst(doc: Document): Document {
  if (Object.keys(doc)[0] === '_id' || doc._id === undefined) return doc;
  const { _id, ...rest } = doc;
  return { _id, ...rest };
}

function immutableIdError(): CommandError {
  return new CommandError('ImmutableField', `Performing an update on the path '_id' would modify the immutable field '_id'`);
}

/**
 * Returns the updated document, or `null` when the update changed nothing. `isInsert` applies
 * `$setOnInsert` (upserts); `query` resolves positional `$` paths.
 */
export function applyUpdate(doc: Document, u: UpdateSpec, opts: { query: Document; arrayFilters?: Document[]; isInsert?: boolean }): Document | null {
  let next: Document;
  if (Array.isArray(u)) {
    next = mongoAggregator(u).run([deepClone(doc)])[0] as Document;
  } else if (isReplacement(u)) {
    if (u._id !== undefined && doc._id !== undefined && compareBson(u._id, doc._id) !== 0) {
      throw new CommandError('ImmutableField', `After applying the update, the (immutable) field '_id' was found to have been altered to _id: ${formatValue(u._id)}`);
    }
    const { _id: _ignored, ...rest } = u;
    next = doc._id === undefined ? { ...(u._id !== undefined ? { _id: u._id } : {}), ...deepClone(rest) } : { _id: doc._id, ...deepClone(rest) };
  } else {
    const modifier: Document = { ...u };
    if (modifier.$setOnInsert) {
      if (opts.isInsert) modifier.$set = { ...(modifier.$set ?? {}), ...modifier.$setOnInsert };
      delete modifier.$setOnInsert;
    }
    for (const [op, args] of Object.entries(modifier)) {
      for (const [path, value] of Object.entries(args as Document)) {
        if (path !== '_id' && !path.startsWith('_id.')) continue;
        const unchanged = op === '$set' && path === '_id' && doc._id !== undefined && compareBson(value, doc._id) === 0;
        if (!unchanged && doc._id !== undefined) throw immutableIdError();
      }
    }
    // `$set` of the unchanged `_id` is allowed (mongoose sends it); mingo would refuse it
    if (doc._id !== undefined && isPlainObject(modifier.$set) && '_id' in modifier.$set) {
      const { _id: _same, ...others } = modifier.$set;
      modifier.$set = others;
      if (Object.keys(others).length === 0) delete modifier.$set;
    }
    const fast = fastUpdate(doc, modifier);
    if (fast !== undefined) {
      if (fast === null) return opts.isInsert ? idFirst(doc) : null;
      return idFirst(fast);
    }
    next = deepClone(doc);
    // mingo ignores $each modifiers ($sort/$slice, dedupe) when the array field does not exist yet.
    for (const op of ['$push', '$addToSet']) {
      for (const [path, arg] of Object.entries((modifier[op] as Document | undefined) ?? {})) {
        if (isOperatorObject(arg) && !path.includes('$') && getPath(next, path) === undefined) setPath(next, path, []);
      }
    }
    if (Object.keys(modifier).length > 0) {
      let resolved = hasPositional(modifier) ? resolvePositional(doc, modifier, opts.query) : modifier;
      if (hasArrayFilterPaths(resolved) || opts.arrayFilters?.length) resolved = expandArrayFilters(doc, resolved, opts.arrayFilters);
      checkUpdateTypes(doc, resolved);
      const typedChanged = applyTypedOps(next, resolved);
      const rest: Document = {};
      for (const [op, args] of Object.entries(resolved)) if (!(TYPED_OPS as readonly string[]).includes(op) && Object.keys(args as Document).length) rest[op] = args;
      const changed = Object.keys(rest).length ? mingoUpdate(next, rest, [], undefined, { cloneMode: 'copy', queryOptions: { context: engineContext() } as never }) : [];
      if (!typedChanged && changed.length === 0 && !opts.isInsert && sameAsBefore(doc, next)) return null;
    } else if (!opts.isInsert) return null;
  }
  if (doc._id !== undefined && (next._id === undefined || compareBson(next._id, doc._id) !== 0)) {
    throw immutableIdError();
  }
  if (Array.isArray(next._id)) throw new CommandError('BadValue', "can't use an array for _id");
  return idFirst(next);
}

function sameAsBefore(a: Document, b: Document): boolean {
  return compareBson(a, b) === 0 && Object.keys(a).length === Object.keys(b).length;
}

/** The document an upsert starts from: the query's equality fields (`$eq` and plain non-regex values, through `$and`). */
export function upsertSeed(query: Document): Document {
  const seed: Document = {};
  const visit = (q: Document) => {
    for (const [k, v] of Object.entries(q)) {
      if (k === '$and' && Array.isArray(v)) {
        v.forEach((s) => isPlainObject(s) && visit(s));
        continue;
      }
      if (k.startsWith('$')) continue;
      if (isOperatorObject(v)) {
        if ('$eq' in v) setPath(seed, k, deepClone(v.$eq));
      } else if (typeRank(v) !== 11) setPath(seed, k, deepClone(v)); // `{ a: /re/ }` is a match, not an equality
    }
  };
  visit(query);
  return seed;
}

/** Builds the document an upsert inserts. */
export function buildUpsertDocument(query: Document, u: UpdateSpec, arrayFilters?: Document[]): Document {
  let doc: Document;
  if (!Array.isArray(u) && isReplacement(u)) {
    const seedId = upsertSeed(query)._id;
    doc = applyUpdate({}, u, { query })!;
    if (doc._id === undefined && seedId !== undefined) doc = { _id: seedId, ...doc };
  } else {
    const seed = upsertSeed(query);
    doc = applyUpdate(seed, u, { query: {}, arrayFilters, isInsert: true }) ?? seed;
  }
  if (doc._id === undefined) doc = { _id: new ObjectId(), ...doc };
  return idFirst(doc);
}
