/** In-memory sort with MongoDB semantics: BSON type order, arrays sort by their min (asc) / max (desc) element. */
import type { Document } from 'bson';
import { CommandError } from '../errors';
import { compareBson, EMPTY_ARRAY_KEY, pathValues } from '../bson-values';

export type SortField = [path: string, dir: 1 | -1];

/** Normalises a sort spec; `$meta` (textScore) keys are accepted and ignored. */
export function parseSort(sort: unknown): SortField[] {
  if (sort === undefined || sort === null) return [];
  if (typeof sort !== 'object' || Array.isArray(sort)) throw new CommandError('TypeMismatch', 'sort must be an object');
  const out: SortField[] = [];
  for (const [k, v] of Object.entries(sort as Document)) {
    if (v && typeof v === 'object' && '$meta' in (v as Document)) continue;
    const n = Number(v);
    if (n !== 1 && n !== -1) throw new CommandError('BadValue', `$sort key ordering must be 1 (for ascending) or -1 (for descending)`);
    out.push([k, n as 1 | -1]);
  }
  return out;
}

export function sortKey(doc: Document, path: string, dir: 1 | -1, cmp: (a: unknown, b: unknown) => number = compareBson): unknown {
  const { values } = pathValues(doc, path, EMPTY_ARRAY_KEY);
  let best = values[0];
  for (let i = 1; i < values.length; i++) {
    const c = cmp(values[i], best);
    if ((dir === 1 && c < 0) || (dir === -1 && c > 0)) best = values[i];
  }
  return best;
}

/**
 * Sorts by `spec`; `cmp` compares values (a collation's comparison; BSON order by default). With `top`
 * (skip + limit) only the first `top` items are returned, selected in one pass over a small sorted buffer
 * (about n comparisons instead of n log n — what makes a collated first page cheap). Ties keep input order.
 */
export function sortDocs<T>(items: T[], spec: SortField[], docOf: (t: T) => Document, cmp: (a: unknown, b: unknown) => number = compareBson, top?: number): T[] {
  if (spec.length === 0) return top === undefined ? items : items.slice(0, top);
  const keyed = items.map((item) => ({ item, keys: spec.map(([p, d]) => sortKey(docOf(item), p, d, cmp)) }));
  const order = (a: { keys: unknown[] }, b: { keys: unknown[] }) => {
    for (let i = 0; i < spec.length; i++) {
      const c = cmp(a.keys[i], b.keys[i]);
      if (c !== 0) return c * spec[i][1];
    }
    return 0;
  };
  if (top !== undefined && top < keyed.length / 4) return selectTop(keyed, top, order).map((k) => k.item);
  keyed.sort(order);
  return keyed.map((k) => k.item);
}

/** The `top` smallest items in `order`, sorted, ties in input order. */
export function selectTop<K>(items: K[], top: number, order: (a: K, b: K) => number): K[] {
  const best: K[] = [];
  if (top <= 0) return best;
  for (const item of items) {
    if (best.length === top && order(item, best[top - 1]) >= 0) continue;
    // binary search for the position after every equal element (stable)
    let lo = 0, hi = best.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (order(item, best[mid]) < 0) hi = mid;
      else lo = mid + 1;
    }
    best.splice(lo, 0, item);
    if (best.length > top) best.pop();
  }
  return best;
}
