/**
 * Fast path for the most frequent update shape — `$set` / `$unset` / `$inc` on plain (non-array,
 * non-positional) paths — applied copy-on-write along the touched paths. mingo's updater rebuilds
 * its operator tables on every call, which dominates the cost of a small update. Returns undefined
 * when the update needs the general path.
 */
import type { Document } from 'bson';
import { compareBson, isPlainObject, typeRank } from '../bson-values';
import { addNumbers, numericKind } from './numeric';

const FAST_OPS = new Set(['$set', '$unset', '$inc']);

/** The updated document, `null` when nothing changed, or `undefined` when not handled here. */
export function fastUpdate(doc: Document, modifier: Document): Document | null | undefined {
  const paths: string[] = [];
  for (const [op, args] of Object.entries(modifier)) {
    if (!FAST_OPS.has(op) || !isPlainObject(args)) return undefined;
    for (const p of Object.keys(args)) {
      if (!plainPath(p)) return undefined;
      paths.push(p);
    }
  }
  // overlapping paths (a and a.b) are a conflict error that mingo reports
  if (paths.length > 1) {
    const sorted = paths.sort();
    for (let i = 1; i < sorted.length; i++) if (sorted[i] === sorted[i - 1] || sorted[i].startsWith(sorted[i - 1] + '.')) return undefined;
  }

  let next: Document | undefined;
  for (const [op, args] of Object.entries(modifier)) {
    for (const [path, arg] of Object.entries(args as Document)) {
      const parts = path.split('.');
      // read the current value; bail out on arrays or scalars in the way
      let cur: unknown = next ?? doc;
      for (let i = 0; i < parts.length - 1 && cur !== undefined; i++) {
        if (!isPlainObject(cur)) return undefined;
        cur = (cur as Document)[parts[i]];
      }
      if (cur !== undefined && !isPlainObject(cur)) return undefined;
      const last = parts[parts.length - 1];
      const old = cur === undefined ? undefined : (cur as Document)[last];
      let value: unknown;
      if (op === '$unset') {
        if (cur === undefined || !(last in (cur as Document))) continue;
      } else if (op === '$inc') {
        if (typeRank(arg) !== 2 || (old !== undefined && typeRank(old) !== 2)) return undefined;
        value = old === undefined ? arg : addNumbers(old, arg);
        if (old !== undefined && numericKind(old) === numericKind(value) && compareBson(old, value) === 0) continue;
      } else {
        value = arg;
        if (old !== undefined && typeRank(old) === typeRank(arg) && compareBson(old, arg) === 0 && sameShape(old, arg)) continue;
      }
      // copy-on-write down the path
      let target = (next ??= { ...doc });
      for (let i = 0; i < parts.length - 1; i++) {
        const child = target[parts[i]];
        const copy = isPlainObject(child) ? { ...child } : {};
        if (op === '$unset' && child === undefined) break;
        target[parts[i]] = copy;
        target = copy;
      }
      if (op === '$unset') delete target[last];
      else target[last] = value;
    }
  }
  return next ?? null;
}

const NUMERIC_PART = /^\d+$/;

/** A path of named fields: not empty, not `_id…`, no `$`, no empty or numeric (array index) part. */
function plainPath(p: string): boolean {
  if (p === '' || p.startsWith('_id') || p.includes('$')) return false;
  if (!p.includes('.')) return !NUMERIC_PART.test(p);
  for (const part of p.split('.')) if (part === '' || NUMERIC_PART.test(part)) return false;
  return true;
}

/** compareBson treats 1 and 1.0 or {a:1,b:2} key order loosely; this keeps key order significant. */
function sameShape(a: unknown, b: unknown): boolean {
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a), kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k, i) => k === kb[i] && sameShape(a[k], b[k]));
  }
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameShape(x, b[i]));
  return true;
}
