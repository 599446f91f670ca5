/**
 * `$group` that holds per-group accumulator state, not the groups' input documents (mingo's keeps every input
 * document of every group until the end). The accumulators that fold one value at a time — `$sum $avg $min $max
 * $first $last $count` — run here with mingo's semantics (mingo's expression evaluation, its grouping key
 * equality, its comparison for $min/$max); a `$group` using any other accumulator (`$push`, `$addToSet`,
 * `$top`, …: their state is the values themselves) runs through mingo's, with its input counted against the
 * stage's memory limit. Group state past the limit: with allowDiskUse the stage goes on in memory (groups are
 * not spilled), without it code 292 as mongod.
 */
import { evalExpr } from 'mingo/core';
import { Lazy, type Iterator as LazyIterator } from 'mingo/lazy';
import * as pipelineOps from 'mingo/operators/pipeline';
import { compare, HashMap, isNil, isNumber } from 'mingo/util';
import { documentBytes, groupExceeded, groupMemoryLimit, stageBudget } from './stage-memory';

type Accumulator = { init(): unknown; add(state: unknown, doc: unknown): unknown; result(state: unknown): unknown };

const FOLDING: Record<string, (expr: unknown, options: unknown) => Accumulator> = {
  $sum: (expr, options) =>
    isNumber(expr)
      ? { init: () => 0, add: (s) => (s as number) + (expr as number), result: (s) => s }
      : { init: () => 0, add: (s, doc) => foldNumber(s as number, evaluate(doc, expr, options)), result: (s) => s },
  $count: () => ({ init: () => 0, add: (s) => (s as number) + 1, result: (s) => s }),
  $avg: (expr, options) => ({
    init: () => [0, 0],
    add: (s, doc) => {
      const v = evaluate(doc, expr, options);
      const acc = s as [number, number];
      if (isNumber(v)) {
        acc[0] += v;
        acc[1]++;
      }
      return acc;
    },
    result: (s) => ((s as [number, number])[1] === 0 ? null : (s as [number, number])[0] / (s as [number, number])[1]),
  }),
  $min: (expr, options) => extreme(expr, options, -1),
  $max: (expr, options) => extreme(expr, options, 1),
  $first: (expr, options) => ({ init: () => NOT_SET, add: (s, doc) => (s === NOT_SET ? evaluate(doc, expr, options) : s), result: (s) => s }),
  $last: (expr, options) => ({ init: () => NOT_SET, add: (_s, doc) => evaluate(doc, expr, options), result: (s) => s }),
};

const NOT_SET = Symbol('not set');

/** `$push`'s evaluation: missing is null. */
function evaluate(doc: unknown, expr: unknown, options: unknown): unknown {
  return evalExpr(doc as never, expr as never, options as never) ?? null;
}

function foldNumber(sum: number, v: unknown): number {
  return isNumber(v) ? sum + v : sum;
}

/** mingo's $min/$max: nil values ignored, null when none. */
function extreme(expr: unknown, options: unknown, sign: 1 | -1): Accumulator {
  return {
    init: () => null,
    add: (s, doc) => {
      const v = evaluate(doc, expr, options);
      if (isNil(v)) return s;
      if (isNil(s)) return v;
      const c = compare(v, s);
      // as mingo's stable sort picks: the first of equal minima, the last of equal maxima
      return sign === -1 ? (c < 0 ? v : s) : c >= 0 ? v : s;
    },
    result: (s) => s ?? null,
  };
}

type Options = Record<string, unknown>;

export function groupStage(coll: LazyIterator, expr: Record<string, unknown>, options: Options): LazyIterator {
  const fields = Object.keys(expr).filter((k) => k !== '_id');
  const folding = '_id' in expr && fields.every((k) => foldable(expr[k]));
  if (!folding) return mingoGroup(coll, expr, options);
  const accumulators = fields.map((k) => {
    const [op, arg] = Object.entries(expr[k] as Record<string, unknown>)[0];
    return FOLDING[op](arg, options);
  });
  const idExpr = expr._id;
  const limit = groupMemoryLimit();
  const perGroup = 64 + fields.length * 48;
  return deferred(() => {
    const groups = HashMap.init() as unknown as Map<unknown, unknown[]>;
    let bytes = 0;
    for (const doc of coll as Iterable<unknown>) {
      const id = evalExpr(doc as never, idExpr as never, options as never) ?? null;
      let state = groups.get(id);
      if (!state) {
        state = accumulators.map((a) => a.init());
        groups.set(id, state);
        bytes += perGroup + documentBytes(id);
        if (bytes > limit && !stageBudget()?.allowDiskUse) throw groupExceeded();
      }
      for (let i = 0; i < accumulators.length; i++) state[i] = accumulators[i].add(state[i], doc);
    }
    const out: Record<string, unknown>[] = [];
    for (const [id, state] of groups) {
      const obj: Record<string, unknown> = { _id: id };
      for (let i = 0; i < fields.length; i++) obj[fields[i]] = accumulators[i].result(state[i] === NOT_SET ? null : state[i]);
      out.push(obj);
    }
    return out;
  });
}

/** A lazy sequence whose items `produce` makes when the first is asked for (mingo's `transform` would first collect the input). */
export function deferred(produce: () => Iterable<unknown>): LazyIterator {
  let iter: Iterator<unknown> | undefined;
  return Lazy(() => (iter ??= produce()[Symbol.iterator]()).next() as never);
}

function foldable(spec: unknown): boolean {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) return false;
  const keys = Object.keys(spec);
  if (keys.length !== 1 || !(keys[0] in FOLDING)) return false;
  return keys[0] !== '$count' || Object.keys((spec as Record<string, object>).$count ?? {}).length === 0;
}

/** mingo's own `$group`, its input counted against the stage's limit (it keeps every input document). */
function mingoGroup(coll: LazyIterator, expr: Record<string, unknown>, options: Options): LazyIterator {
  const limit = groupMemoryLimit();
  let bytes = 0;
  const counted = coll.map((doc: unknown) => {
    bytes += documentBytes(doc);
    if (bytes > limit && !stageBudget()?.allowDiskUse) throw groupExceeded();
    return doc;
  });
  return (pipelineOps.$group as unknown as (c: LazyIterator, e: unknown, o: unknown) => LazyIterator)(Lazy(counted), expr, options);
}
