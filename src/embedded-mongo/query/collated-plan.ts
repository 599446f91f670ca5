/**
 * Collated queries through an index with the same collation. Its string keys are collation keys — one canonical
 * member per equivalence class (indexes/collation-keys.ts) — in binary order, not the collator's: Node exposes no
 * ICU sort keys, and no key derived from pinyin reproduces ICU's order for every string. So the index is used
 * for what it can answer exactly:
 * - equalities on its leading fields are point lookups of collation keys (equal keys ⇔ equal under the collation);
 * - a sort on the next field reads the distinct keys only (no document), orders the *classes* with
 *   `Intl.Collator` lazily (a heap: about n + k log n comparisons for the first k classes) and fetches the
 *   documents class by class, so `sort + limit` reads about `limit` documents. A sort of the whole collection
 *   (no limit, no equality) scans and sorts in memory instead, which is cheaper than a lookup per class. Values that are not strings sit
 *   before / after the strings in BSON order, where binary key order is already right.
 * The caller re-applies the whole filter with the collation, so results equal the in-memory plan's.
 */
import type { Document } from 'bson';
import { TypeBound } from '../bson-values';
import type { CollectionIndex, KeyBound } from '../indexes/collection-index';
import { decodeStringAt, encodeKey } from '../indexes/key-encoding';
import type { Collection, DocRecord } from '../storage/collection';
import { collatedCompare, normaliseCollation } from './collation';
import { MinHeap } from './min-heap';
import type { Plan } from './planner';
import { sortDocs, type SortField } from './sort';

const sameCollation = (a: Document, b: Document) => JSON.stringify(normaliseCollation(a)) === JSON.stringify(normaliseCollation(b));

interface Choice {
  index: CollectionIndex;
  prefix: unknown[];
  /** The sort field is the index field after the prefix (ascending in the index, holding no arrays). */
  sorts: boolean;
}

function choose(coll: Collection, collation: Document, equalities: Map<string, unknown>, sort: SortField[], limited: boolean): Choice | undefined {
  let best: Choice | undefined;
  for (const index of coll.indexes.values()) {
    const spec = index.spec.collation as Document | undefined;
    if (!spec || index.kind !== 'btree' || !index.covering || index.spec.hidden === true || !sameCollation(spec, collation)) continue;
    const prefix: unknown[] = [];
    for (const f of index.fields) {
      if (!equalities.has(f)) break;
      prefix.push(index.keyValue(equalities.get(f)));
    }
    const k = prefix.length;
    const sorts = sort.length > 0 && index.fields[k] === sort[0][0] && index.dirs[k] === 1 && !index.fieldIsMultikey(k);
    // Every document in collator order costs a lookup per distinct value: without a limit or an equality to
    // narrow it, one pass over the collection and an in-memory sort is cheaper.
    if (k === 0 && !(sorts && limited)) continue;
    const better = !best || Number(sorts) > Number(best.sorts) || (sorts === best.sorts && k > best.prefix.length);
    if (better) best = { index, prefix, sorts };
  }
  return best;
}

function* fetch(coll: Collection, ids: Iterable<{ id: string }>): Generator<DocRecord> {
  for (const { id } of ids) {
    const rec = coll.records.get(id);
    if (rec) yield rec;
  }
}

/**
 * A plan for a query under `collation` (not simple) through an index with that collation, or undefined. The
 * records come in the sort's order when `sorted` (only the first sort field is taken from the index: documents
 * tied on it are sorted by the rest of the sort in memory, one class at a time).
 */
export function collatedPlan(coll: Collection, collation: Document, equalities: Map<string, unknown>, sort: SortField[], collator: Intl.Collator, limited: boolean): Plan | undefined {
  const choice = choose(coll, collation, equalities, sort, limited);
  if (!choice) return undefined;
  const { index, prefix } = choice;
  if (!choice.sorts) {
    const bound: KeyBound = { key: prefix, inclusive: true };
    return { stage: 'IXSCAN', index: index.name, sorted: sort.length === 0, records: () => fetch(coll, index.scan(bound, bound)) };
  }
  const cmp = collatedCompare(collator);
  const dir = sort[0][1];
  const inOrder = (recs: DocRecord[]) => sortDocs(recs, sort, (r) => r.doc, cmp);
  const below: KeyBound = { key: [...prefix, new TypeBound(3, false)], inclusive: true };
  const above: KeyBound = { key: [...prefix, new TypeBound(3, true)], inclusive: true };
  const start: KeyBound | undefined = prefix.length ? { key: prefix, inclusive: true } : undefined;
  const offset = encodeKey(prefix, index.dirs).length;
  /** Documents of the keys before (numbers, null, …) or after (objects, ObjectIds, dates, …) the strings. */
  const outside = (from: KeyBound | undefined, to: KeyBound | undefined) => inOrder([...fetch(coll, index.scan(from, to))]);
  function* strings(): Generator<DocRecord> {
    const classes = new Set<string>();
    for (const key of index.scanKeys(below, above)) {
      const s = decodeStringAt(key, offset, false);
      if (typeof s === 'string') classes.add(s);
    }
    const heap = new MinHeap<string>((a, b) => collator.compare(a, b) * dir, [...classes]);
    while (heap.size > 0) {
      const s = heap.pop();
      const bound: KeyBound = { key: [...prefix, s], inclusive: true };
      yield* inOrder([...fetch(coll, index.scan(bound, bound))]);
    }
  }
  const end: KeyBound | undefined = prefix.length ? { key: prefix, inclusive: true } : undefined;
  return {
    stage: 'IXSCAN',
    index: index.name,
    sorted: true,
    *records() {
      if (dir > 0) yield* outside(start, { ...below, inclusive: false });
      else yield* outside({ ...above, inclusive: false }, end);
      yield* strings();
      if (dir > 0) yield* outside({ ...above, inclusive: false }, end);
      else yield* outside(start, { ...below, inclusive: false });
    },
  };
}
