/**
 * mingo's query language with MongoDB's own comparison semantics plugged in. mingo evaluates the
 * structure ($and/$or/$not/$elemMatch/$expr/$regex/$exists/…); the operators below replace mingo's
 * where its JavaScript-value semantics differ from mongod's:
 * - `$eq $ne $gt $gte $lt $lte $in $nin $all`: BSON comparison within a type bracket (1, 1.0, Long(1) and
 *   Decimal128('1') are equal), strings through the query's collation, `$all` on a non-array field;
 * - `$type` by BSON type (int/long/double/decimal/objectId/binData/…);
 * - `$near $nearSphere $geoWithin $geoIntersects` (see geo.ts), `$jsonSchema` (json-schema.ts);
 * - `$expr` evaluated over numbers (mingo's expression operators do arithmetic on JS numbers only);
 * - the `$sort` stage in BSON order (arrays by their min/max element, mixed types by type) under the collation.
 * Every Query/Aggregator/updater of the engine is built with `engineContext()` through these helpers.
 */
import type { Document } from 'bson';
import { Context } from 'mingo/core';
import { Query as BaseQuery } from 'mingo/query';
import { Aggregator as BaseAggregator } from 'mingo/aggregator';
import * as accumulatorOps from 'mingo/operators/accumulator';
import * as expressionOps from 'mingo/operators/expression';
import * as pipelineOps from 'mingo/operators/pipeline';
import * as projectionOps from 'mingo/operators/projection';
import * as queryOps from 'mingo/operators/query';
import * as windowOps from 'mingo/operators/window';
import type { Iterator as LazyIterator } from 'mingo/lazy';
import { promoteNumbers } from '../bson-decode';
import { parseSort } from './sort';
import { boundedSort } from './external-sort';
import { deferred, groupStage } from './group-stage';
import { CommandError } from '../errors';
import { isPlainObject, typeRank } from '../bson-values';
import { collatedCompare, collatorFor, type Compare } from './collation';
import { isOfType, typeAlias } from './bson-type';
import { docPoints, intersectsPredicate, isGeoJson, isPlanarShape, nearDistance, parseNear, withinPredicate } from './geo';
import { compileJsonSchema } from './json-schema';

type Pred = (doc: Document) => boolean;
type Options = { collation?: unknown };

const MISSING = undefined;

/** Values a dotted path reaches, descending into arrays of documents (numeric parts index arrays). `undefined` marks a missing field. */
export function pathCandidates(doc: unknown, selector: string): unknown[] {
  const out: unknown[] = [];
  collect(doc, selector.split('.'), 0, out);
  return out;
}

function collect(cur: unknown, parts: string[], i: number, out: unknown[]): void {
  if (i === parts.length) {
    out.push(cur);
    return;
  }
  if (Array.isArray(cur)) {
    const p = parts[i];
    if (/^\d+$/.test(p) && Number(p) < cur.length) collect(cur[Number(p)], parts, i + 1, out);
    const before = out.length;
    for (const e of cur) if (isPlainObject(e)) collect(e, parts, i, out);
    if (out.length === before && !/^\d+$/.test(p)) out.push(MISSING);
    return;
  }
  if (isPlainObject(cur)) {
    collect(cur[parts[i]], parts, i + 1, out);
    return;
  }
  out.push(MISSING);
}

/** Each candidate and, for arrays, their elements — what a comparison looks at. */
function expand(cands: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const c of cands) {
    out.push(c);
    if (Array.isArray(c)) for (const e of c) out.push(e);
  }
  return out;
}

function comparer(options: Options): Compare {
  return collatedCompare(collatorFor(options?.collation));
}

function isRegex(v: unknown): v is RegExp | { pattern: string; options: string } {
  return typeRank(v) === 11;
}

function toRegExp(v: RegExp | { pattern: string; options: string }): RegExp {
  return v instanceof RegExp ? v : new RegExp(v.pattern, v.options.replace(/[^imsu]/g, ''));
}

/** Equality as `{ field: value }` means it: null matches missing, arrays match by element or whole. */
function eqTest(target: unknown, cmp: Compare): (values: unknown[]) => boolean {
  if (target === null || target === undefined) return (vs) => vs.some((v) => v === null || v === undefined);
  const rank = typeRank(target);
  return (vs) => vs.some((v) => typeRank(v) === rank && cmp(v, target) === 0);
}

function inTest(list: unknown, cmp: Compare, op: string): (values: unknown[]) => boolean {
  if (!Array.isArray(list)) throw new CommandError('BadValue', `${op} needs an array`);
  const tests = list.map((t) => {
    if (isPlainObject(t) && Object.keys(t)[0]?.startsWith('$')) throw new CommandError('BadValue', `cannot nest $ under ${op}`);
    if (isRegex(t)) {
      const re = toRegExp(t);
      return (vs: unknown[]) => vs.some((v) => typeof v === 'string' && re.test(v));
    }
    return eqTest(t, cmp);
  });
  return (vs) => tests.some((t) => t(vs));
}

function rangeTest(target: unknown, cmp: Compare, ok: (c: number) => boolean, inclusive: boolean): (values: unknown[]) => boolean {
  if (target === null || target === undefined) return inclusive ? (vs) => vs.some((v) => v === null || v === undefined) : () => false;
  const rank = typeRank(target);
  if (rank === 0 || rank === 13) {
    // MinKey / MaxKey bound every type
    return (vs) => vs.some((v) => v !== undefined && ok(cmp(v, target)));
  }
  return (vs) => vs.some((v) => typeRank(v) === rank && ok(cmp(v, target)));
}

const field = (build: (value: unknown, options: Options) => (values: unknown[]) => boolean) =>
  (selector: string, value: unknown, options: Options): Pred => {
    const test = build(value, options);
    return (doc) => test(expand(pathCandidates(doc, selector)));
  };

const OVERRIDES: Record<string, (selector: string, value: unknown, options: Options) => Pred> = {
  $eq: field((v, o) => eqTest(v, comparer(o))),
  $ne: (s, v, o) => {
    const eq = field((x, oo) => eqTest(x, comparer(oo)))(s, v, o);
    return (d) => !eq(d);
  },
  $in: field((v, o) => inTest(v, comparer(o), '$in')),
  $nin: (s, v, o) => {
    const inn = field((x, oo) => inTest(x, comparer(oo), '$nin'))(s, v, o);
    return (d) => !inn(d);
  },
  $gt: field((v, o) => rangeTest(v, comparer(o), (c) => c > 0, false)),
  $gte: field((v, o) => rangeTest(v, comparer(o), (c) => c >= 0, true)),
  $lt: field((v, o) => rangeTest(v, comparer(o), (c) => c < 0, false)),
  $lte: field((v, o) => rangeTest(v, comparer(o), (c) => c <= 0, true)),
  $type: (selector, value) => {
    const aliases = (Array.isArray(value) ? value : [value]).map((t) => {
      const a = typeAlias(t);
      if (!a) throw new CommandError('BadValue', `Unknown type name alias: ${String(t)}`);
      return a;
    });
    return (doc) => {
      const cands = pathCandidates(doc, selector).filter((v) => v !== undefined);
      return aliases.some((a) => (a === 'array' ? cands.some(Array.isArray) : expand(cands).some((v) => isOfType(v, a))));
    };
  },
  $all: (selector, value, options) => {
    if (!Array.isArray(value)) throw new CommandError('BadValue', '$all needs an array');
    if (value.length === 0) return () => false;
    const cmp = comparer(options);
    const parts = value.map((t): Pred => {
      if (isPlainObject(t) && '$elemMatch' in t) return new BaseQuery({ [selector]: t }, options as never) as unknown as Pred;
      if (isRegex(t)) {
        const re = toRegExp(t);
        return (doc) => expand(pathCandidates(doc, selector)).some((v) => typeof v === 'string' && re.test(v));
      }
      const eq = eqTest(t, cmp);
      return (doc) => eq(expand(pathCandidates(doc, selector)));
    });
    return (doc) => parts.every((p) => (typeof p === 'function' ? p(doc) : (p as unknown as BaseQuery).test(doc)));
  },
  $near: (selector, value) => nearPredicate(selector, value, false),
  $nearSphere: (selector, value) => nearPredicate(selector, value, true),
  $geoWithin: (selector, value) => {
    const inside = withinPredicate(value);
    const planar = isPlanarShape(value);
    return (doc) => pathCandidates(doc, selector).some((v) => {
      if (planar && isGeoJson(v)) return false;
      const pts = docPoints(v);
      return pts.length > 0 && pts.every(inside);
    });
  },
  $geoIntersects: (selector, value) => {
    const hits = intersectsPredicate(value);
    return (doc) => pathCandidates(doc, selector).some((v) => hits(docPoints(v), v));
  },
  $jsonSchema: (_selector, value) => {
    const check = compileJsonSchema(value);
    return (doc) => check(doc);
  },
  // legacy `$near: [x, y], $maxDistance: d` siblings are folded into the `$near` argument by foldGeoSiblings
  $maxDistance: () => () => true,
  $minDistance: () => () => true,
};
OVERRIDES.$within = OVERRIDES.$geoWithin;
OVERRIDES.$expr = (selector, value, options) => {
  const inner = (queryOps.$expr as unknown as (s: string, v: unknown, o: unknown) => Pred)(selector, value, options);
  return (doc) => inner(promoteNumbers(doc));
};

/** `$sort` as mongod orders: BSON type order, arrays by their smallest (asc) / largest (desc) element, collation for strings. */
function sortStage(coll: LazyIterator, sortKeys: unknown, options: Options): LazyIterator {
  const spec = parseSort(sortKeys);
  if (spec.length === 0) {
    if (isPlainObject(sortKeys) && Object.keys(sortKeys).length > 0) return coll; // only { $meta: 'textScore' }
    throw new CommandError('Location15976', '$sort stage must have at least one sort key');
  }
  const cmp = collatedCompare(collatorFor(options?.collation));
  return deferred(() => boundedSort(coll as Iterable<Document>, spec, cmp));
}

function nearPredicate(selector: string, value: unknown, spherical: boolean): Pred {
  const spec = nearSpecOf(value, spherical);
  return (doc) => pathCandidates(doc, selector).some((v) => nearDistance(spec, docPoints(v)) !== undefined);
}

/** The `$near` spec (with legacy siblings folded in as `{ $legacy, $maxDistance, $minDistance }`). */
export function nearSpecOf(value: unknown, spherical: boolean) {
  if (isPlainObject(value) && '$legacy' in value) return parseNear(value.$legacy, spherical, value);
  return parseNear(value, spherical);
}

/** Rewrites `{ loc: { $near: [x, y], $maxDistance: d } }` so the near operator sees its bounds. */
export function foldGeoSiblings(filter: Document): Document {
  let out: Document | undefined;
  for (const [k, v] of Object.entries(filter)) {
    if (!k.startsWith('$') && isPlainObject(v) && (v.$near !== undefined || v.$nearSphere !== undefined) && (v.$maxDistance !== undefined || v.$minDistance !== undefined)) {
      const op = v.$near !== undefined ? '$near' : '$nearSphere';
      const arg = v[op];
      const folded: Document = isPlainObject(arg) && arg.$geometry !== undefined ? { ...arg } : { $legacy: arg };
      if (v.$maxDistance !== undefined) folded.$maxDistance = v.$maxDistance;
      if (v.$minDistance !== undefined) folded.$minDistance = v.$minDistance;
      out ??= { ...filter };
      out[k] = { [op]: folded };
    }
  }
  return out ?? filter;
}

let CONTEXT: Context | undefined;

export function engineContext(): Context {
  return (CONTEXT ??= Context.init({
    accumulator: accumulatorOps,
    expression: expressionOps,
    pipeline: { ...pipelineOps, $sort: sortStage, $group: groupStage },
    projection: projectionOps,
    query: { ...queryOps, ...OVERRIDES },
    window: windowOps,
  } as never));
}

/** A compiled MongoDB filter, optionally under a collation. */
export function mongoQuery(filter: Document, collation?: Document): BaseQuery {
  try {
    return new BaseQuery(foldGeoSiblings(filter), { context: engineContext(), collation, scriptEnabled: true } as never);
  } catch (err) {
    throw asBadValue(err);
  }
}

export function mongoAggregator(pipeline: Document[], options: Document = {}): BaseAggregator {
  return new BaseAggregator(pipeline, { ...options, context: engineContext() } as never);
}

function asBadValue(err: unknown): unknown {
  if (err instanceof CommandError) return err;
  return new CommandError('BadValue', err instanceof Error ? err.message : String(err));
}
