/**
 * `$inc`, `$mul`, `$min`, `$max`, `$addToSet` and `$pull` on concrete paths (positional and array-filter
 * paths already resolved), done here rather than by mingo: arithmetic keeps BSON numeric types (numeric.ts),
 * comparisons and set membership follow BSON order (Long(5) equals 5, as in mongod), and `$pull`
 * conditions are MongoDB queries on each element (`$or`/`$and` over document elements included).
 */
import type { Document } from 'bson';
import { compareBson, getPath, isOperatorObject, isPlainObject, setPath, typeRank } from '../bson-values';
import { mongoQuery } from './mongo-query';
import { addNumbers, multiplyNumbers, numericKind, zeroLike } from './numeric';

export const TYPED_OPS = ['$inc', '$mul', '$min', '$max', '$addToSet', '$pull'] as const;

/** Same value and, for numbers, same numeric type (an update that changes 5 into 5.0 is a change). */
function sameValue(a: unknown, b: unknown): boolean {
  return typeRank(a) === typeRank(b) && compareBson(a, b) === 0 && (typeRank(a) !== 2 || numericKind(a) === numericKind(b));
}

/** BSON equality (5, 5.0 and Long(5) are one value), as `$addToSet` tests membership. */
function equalValue(a: unknown, b: unknown): boolean {
  return typeRank(a) === typeRank(b) && compareBson(a, b) === 0;
}

/** Applies the typed operators of `modifier` to `target` in place; returns whether anything changed. */
export function applyTypedOps(target: Document, modifier: Document): boolean {
  let changed = false;
  for (const op of TYPED_OPS) {
    const args = modifier[op] as Document | undefined;
    if (!args) continue;
    for (const [path, arg] of Object.entries(args)) {
      const old = getPath(target, path);
      if (op === '$pull') {
        if (!Array.isArray(old)) continue;
        const matches = pullMatcher(arg);
        const kept = old.filter((e) => !matches(e));
        if (kept.length !== old.length) {
          setPath(target, path, kept);
          changed = true;
        }
        continue;
      }
      if (op === '$addToSet') {
        const items = isOperatorObject(arg) && Array.isArray(arg.$each) ? (arg.$each as unknown[]) : [arg];
        const current = Array.isArray(old) ? old : [];
        const added = items.filter((v, i) => !current.some((e) => equalValue(e, v)) && !items.slice(0, i).some((e) => equalValue(e, v)));
        if (old === undefined || added.length) {
          setPath(target, path, [...current, ...added]);
          changed = true;
        }
        continue;
      }
      if (op === '$min' || op === '$max') {
        const c = old === undefined ? 0 : compareBson(arg, old);
        if (old !== undefined && (op === '$min' ? c >= 0 : c <= 0)) continue;
        setPath(target, path, arg);
        changed = true;
        continue;
      }
      const next = old === undefined ? (op === '$inc' ? arg : zeroLike(arg)) : op === '$inc' ? addNumbers(old, arg) : multiplyNumbers(old, arg);
      if (old !== undefined && sameValue(old, next)) continue;
      setPath(target, path, next);
      changed = true;
    }
  }
  return changed;
}

const LOGICAL = new Set(['$and', '$or', '$nor']);

/** A `$pull` condition: a query on document elements, an operator condition on each value, or a value to remove. */
function pullMatcher(cond: unknown): (e: unknown) => boolean {
  if (isOperatorObject(cond) && !Object.keys(cond).some((k) => LOGICAL.has(k))) {
    const q = mongoQuery({ v: cond });
    return (e) => q.test({ v: e });
  }
  if (isPlainObject(cond)) {
    const q = mongoQuery(cond);
    return (e) => isPlainObject(e) && q.test(e);
  }
  return (e) => equalValue(e, cond);
}
