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

/** Sorts by `spec`; `cmp` compares values (a collation's comparison; BSON order by default). */
export function sortDocs<T>(items: T[], spec: SortField[], docOf: (t: T) => Document, cmp: (a: unknown, b: unknown) => number = compareBson): T[] {
  if (spec.length === 0) return items;
  const keyed = items.map((item) => ({ item, keys: spec.map(([p, d]) => sortKey(docOf(item), p, d, cmp)) }));
  keyed.sort((a, b) => {
    for (let i = 0; i < spec.length; i++) {
      const c = cmp(a.keys[i], b.keys[i]);
      if (c !== 0) return c * spec[i][1];
    }
    return 0;
  });
  return keyed.map((k) => k.item);
}
