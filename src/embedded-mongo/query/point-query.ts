/**
 * The point operations drivers send most — `{ _id: v }` and `{ field: v }` with a scalar `v`, no sort, no skip —
 * answered without the general planner: the `_id` through the document table, a field through the index
 * the planner would pick for it (same choice, same order), so results and explain are unchanged.
 * Anything else (operators, several fields, collated strings, partial or hashed indexes) returns undefined
 * and takes the general path (run-query.ts).
 */
import { ObjectId, type Document } from 'bson';
import { canonicalKey } from '../bson-values';
import type { CollectionIndex } from '../indexes/collection-index';
import type { Collection, DocRecord } from '../storage/collection';
import { collatorFor } from './collation';
import { compileFilter } from './matcher';
import type { QueryResult, QuerySpec } from './run-query';

/** A value whose equality match is exactly index-key equality: not null, an array, a document or a regex. */
function pointValue(v: unknown): boolean {
  const t = typeof v;
  if (t === 'string' || t === 'boolean') return true;
  if (t === 'number') return !Number.isNaN(v);
  return v instanceof ObjectId || (v instanceof Date && !Number.isNaN(v.getTime()));
}

/** The single field of a one-field filter, or undefined. */
function onlyField(filter: Document): string | undefined {
  let field: string | undefined;
  for (const k in filter) {
    if (field !== undefined) return undefined;
    field = k;
  }
  return field;
}

export function pointQuery(coll: Collection, spec: QuerySpec): QueryResult | undefined {
  const filter = spec.filter;
  if (!filter || (spec.sort && Object.keys(spec.sort).length > 0) || (spec.skip !== undefined && spec.skip !== 0)) return undefined;
  const field = onlyField(filter);
  if (field === undefined || field.charCodeAt(0) === 36 /* $ */ || field.includes('.')) return undefined;
  const value = filter[field];
  if (!pointValue(value)) return undefined;
  // validated as the general path does, and a collated string comparison is not byte equality
  if (collatorFor(spec.collation ?? (coll.options.collation as Document | undefined)) && typeof value === 'string') return undefined;
  if (field === '_id') {
    // the stored _id has this canonical key exactly when it equals the value (numbers across types included)
    const rec = coll.get(canonicalKey(value));
    return { records: rec ? [rec] : [], stage: 'IDHACK', index: '_id_', docsExamined: rec ? 1 : 0, restFilter: filter };
  }
  const index = indexFor(coll, field);
  if (!index) return undefined;
  const limit = Math.abs(Math.trunc(Number(spec.limit ?? 0)) || 0);
  const { test } = compileFilter(coll, filter);
  const bound = { key: [value], inclusive: true };
  if (limit === 1 && !index.multikey) {
    // findOne: each entry is one document, so the first entry is the answer when it matches
    const id = index.first(bound, bound);
    const rec = id === undefined ? undefined : coll.records.get(id);
    if (!rec) return { records: [], stage: 'IXSCAN', index: index.name, docsExamined: 0, restFilter: filter };
    if (test(rec.doc)) return { records: [rec], stage: 'IXSCAN', index: index.name, docsExamined: 1, restFilter: filter };
  }
  const seen = index.multikey ? new Set<string>() : undefined;
  const records: DocRecord[] = [];
  let examined = 0;
  for (const e of index.scan(bound, bound)) {
    if (seen) {
      if (seen.has(e.id)) continue;
      seen.add(e.id);
    }
    const rec = coll.records.get(e.id);
    if (!rec) continue;
    examined++;
    if (!test(rec.doc)) continue;
    records.push(rec);
    if (limit && records.length >= limit) break;
  }
  return { records, stage: 'IXSCAN', index: index.name, docsExamined: examined, restFilter: filter };
}

/**
 * The planner's choice for one equality (planner.ts, candidateFor): the first index leading with the field,
 * a unique single-field one first. Undefined when that choice is one this path does not serve.
 */
function indexFor(coll: Collection, field: string): CollectionIndex | undefined {
  let best: CollectionIndex | undefined;
  let bestScore = 0;
  for (const idx of coll.indexes.values()) {
    if (idx.spec.collation || idx.fields[0] !== field) continue;
    if (idx.kind !== 'btree' || idx.partial) {
      if (idx.kind === 'btree') return undefined; // a partial index the planner might prove usable
      continue;
    }
    const score = 100 + (idx.unique && idx.fields.length === 1 ? 1000 : 0);
    if (score > bestScore) {
      best = idx;
      bestScore = score;
    }
  }
  if (best && Object.values(best.spec.key as Document).some((d) => typeof d !== 'number')) return undefined; // hashed keys
  return best;
}
