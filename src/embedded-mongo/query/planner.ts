/**
 * Picks candidate documents for a filter without scanning the collection when an index applies:
 * `_id` point lookups, equality prefixes and ranges on compound indexes, `$in` point sets, and
 * index-ordered scans that satisfy a sort (so sort + limit stops early). The full filter is always
 * re-applied by the caller, so a plan only has to return a superset of the matches.
 */
import type { Document } from 'bson';
import { canonicalKey, compareBson, isOperatorObject, isPlainObject, setPath, typeRank, TypeBound } from '../bson-values';
import type { CollectionIndex, KeyBound } from '../indexes/collection-index';
import type { Collection, DocRecord } from '../storage/collection';
import { findWithin, geoIndexFor, withinRecords } from './geo-plan';
import type { SortField } from './sort';

export interface Plan {
  stage: 'IDHACK' | 'IXSCAN' | 'COLLSCAN';
  index?: string;
  /** Candidates arrive already in the requested sort order. */
  sorted: boolean;
  records(): Iterable<DocRecord>;
}

interface FieldCond {
  eq?: unknown;
  hasEq: boolean;
  /** The equality is with null: it matches documents without the field too (their index key is null). */
  nullEq?: boolean;
  in?: unknown[];
  /** `$ne: null`: every key but null (and the missing fields that index as null). */
  neNull?: boolean;
  lower?: { v: unknown; inclusive: boolean };
  upper?: { v: unknown; inclusive: boolean };
}

/** A value an index can look up by equality: not null/missing (which also matches absent fields), not an array or regex. */
function indexable(v: unknown): boolean {
  const r = typeRank(v);
  if (r === 1 || r === 5 || r === 11 || r === 0 || r === 13) return false;
  if (r === 4 && !isPlainObject(v)) return false;
  return true;
}

function conditionsOf(filter: Document): Map<string, FieldCond> {
  const conds = new Map<string, FieldCond>();
  const visit = (f: Document) => {
    for (const [k, v] of Object.entries(f)) {
      if (k === '$and' && Array.isArray(v)) {
        for (const sub of v) if (isPlainObject(sub)) visit(sub);
        continue;
      }
      if (k.startsWith('$')) continue;
      const c = conds.get(k) ?? { hasEq: false };
      if (isOperatorObject(v)) {
        for (const [op, arg] of Object.entries(v)) {
          if (op === '$eq' && indexable(arg)) Object.assign(c, { eq: arg, hasEq: true });
          else if (op === '$eq' && arg === null) Object.assign(c, { eq: null, hasEq: true, nullEq: true });
          else if (op === '$ne' && arg === null) c.neNull = true;
          else if (op === '$in' && Array.isArray(arg) && arg.length > 0 && arg.every(indexable)) c.in = arg;
          else if ((op === '$gt' || op === '$gte') && indexable(arg) && !isPlainObject(arg)) c.lower = { v: arg, inclusive: op === '$gte' };
          else if ((op === '$lt' || op === '$lte') && indexable(arg) && !isPlainObject(arg)) c.upper = { v: arg, inclusive: op === '$lte' };
        }
      } else if (indexable(v)) Object.assign(c, { eq: v, hasEq: true });
      else if (v === null) Object.assign(c, { eq: null, hasEq: true, nullEq: true });
      conds.set(k, c);
    }
  };
  visit(filter);
  return conds;
}

interface Candidate {
  index: CollectionIndex;
  score: number;
  sorted: boolean;
  reverse: boolean;
  scans: [KeyBound | undefined, KeyBound | undefined][];
}

function rangeBounds(c: FieldCond, dir: number, multikey: boolean): [KeyBound | undefined, KeyBound | undefined] | undefined {
  const lower = c.lower;
  let upper = c.upper;
  if (!lower && !upper) return undefined;
  // On a multikey index different array elements may satisfy each bound, so only one bound is safe.
  if (multikey && lower && upper) upper = undefined;
  if (lower && upper && typeRank(lower.v) !== typeRank(upper.v)) upper = undefined;
  const lo = lower ?? { v: new TypeBound(typeRank(upper!.v), false), inclusive: true };
  const hi = upper ?? { v: new TypeBound(typeRank(lower!.v), true), inclusive: true };
  const a = { key: [lo.v], inclusive: lo.inclusive };
  const b = { key: [hi.v], inclusive: hi.inclusive };
  return dir > 0 ? [a, b] : [b, a];
}

/** The two key ranges either side of null — `[start, null)` and `(null, end]` — in scan order for a field's direction. */
export function notNullScans(dir: number): [KeyBound | undefined, KeyBound | undefined][] {
  const below: [KeyBound | undefined, KeyBound | undefined] = [undefined, { key: [new TypeBound(1, false)], inclusive: false }];
  const above: [KeyBound | undefined, KeyBound | undefined] = [{ key: [new TypeBound(1, true)], inclusive: false }, undefined];
  return dir > 0 ? [below, above] : [[above[1], above[0]], [below[1], below[0]]];
}

function candidateFor(idx: CollectionIndex, conds: Map<string, FieldCond>, sort: SortField[]): Candidate | undefined {
  const eq: unknown[] = [];
  for (const f of idx.fields) {
    const c = conds.get(f);
    if (!c?.hasEq) break;
    eq.push(c.eq);
  }
  const k = eq.length;
  const prefix = (b: KeyBound | undefined): KeyBound | undefined => (b ? { key: [...eq, ...b.key], inclusive: b.inclusive } : k > 0 ? { key: eq, inclusive: true } : undefined);
  let scans: [KeyBound | undefined, KeyBound | undefined][] | undefined;
  let score = 0;
  const next = k < idx.fields.length ? conds.get(idx.fields[k]) : undefined;
  if (k > 0) {
    score = 100 * k + (idx.unique && k === idx.fields.length ? 1000 : 0);
  }
  if (next?.in && k === 0) {
    const points = [...next.in].sort((a, b) => compareBson(a, b) * idx.dirs[0]);
    const seen = new Set<string>();
    scans = [];
    for (const p of points) {
      const ck = canonicalKey(p);
      if (seen.has(ck)) continue;
      seen.add(ck);
      scans.push([{ key: [p], inclusive: true }, { key: [p], inclusive: true }]);
    }
    score = 50;
  } else if (next) {
    const r = rangeBounds(next, idx.dirs[k], idx.fieldIsMultikey(k));
    if (r) {
      scans = [[prefix(r[0]), prefix(r[1])]];
      score += 10;
    } else if (next.neNull) {
      scans = notNullScans(idx.dirs[k]).map(([a, b]) => [prefix(a), prefix(b)]);
      score += 5;
    }
  }
  if (!scans && k > 0) scans = [[prefix(undefined), prefix(undefined)]];

  // Can the index order satisfy the sort? Sort fields must follow the equality prefix and hold no arrays
  // (an equality on a multikey field is one point, so it does not disturb the order of what follows).
  let sorted = false, reverse = false;
  const sortFieldsFlat = sort.every((_, i) => !idx.fieldIsMultikey(k + i));
  if (sort.length > 0 && sortFieldsFlat && k + sort.length <= idx.fields.length && (!scans || scans.length === 1)) {
    let fwd = true, rev = true;
    sort.forEach(([p, d], i) => {
      if (idx.fields[k + i] !== p) fwd = rev = false;
      else if (d === idx.dirs[k + i]) rev = false;
      else fwd = false;
    });
    if (fwd || rev) {
      sorted = true;
      reverse = rev;
      score += 20;
    }
  }
  if (!scans && !sorted) return undefined;
  return { index: idx, score, sorted, reverse, scans: scans ?? [[undefined, undefined]] };
}

/** A condition that restricts the field to a non-null value, so the document has the field. */
function requiresField(c: FieldCond | undefined): boolean {
  return !!c && ((c.hasEq && !c.nullEq) || c.neNull === true || c.in !== undefined || c.lower !== undefined || c.upper !== undefined);
}

const POSITIVE_OPS = new Set(['$eq', '$gt', '$gte', '$lt', '$lte', '$type', '$in', '$exists']);

/** Only the operators mongod allows in partialFilterExpression, so testing a partial witness is sound. */
function positiveFilter(f: Document): boolean {
  return Object.entries(f).every(([k, v]) => {
    if (k === '$and' || k === '$or') return Array.isArray(v) && v.every((x) => isPlainObject(x) && positiveFilter(x));
    if (k.startsWith('$')) return false;
    if (!isOperatorObject(v)) return true;
    return Object.entries(v).every(([op, arg]) => POSITIVE_OPS.has(op) && (op !== '$exists' || arg === true || arg === 1));
  });
}

/**
 * Whether a sparse or partial index holds every document the filter can match. Sparse: some index field
 * has a non-null condition. Partial: the filter implies partialFilterExpression — its `$exists: true`
 * conditions are met by non-null conditions on the field, the rest must hold for a document made of the
 * filter's equality values (every matching document has those values at those paths).
 */
function holdsAllMatches(idx: CollectionIndex, conds: Map<string, FieldCond>): boolean {
  if (idx.kind !== 'btree') return false;
  if (idx.sparse && !idx.fields.some((f) => requiresField(conds.get(f)))) return false;
  if (!idx.partial) return true;
  const pfe = idx.spec.partialFilterExpression as Document;
  if (!isPlainObject(pfe) || !positiveFilter(pfe)) return false;
  const rest: Document = {};
  for (const [k, v] of Object.entries(pfe)) {
    const existsOnly = isOperatorObject(v) && Object.keys(v).length === 1 && '$exists' in v;
    if (!(existsOnly && requiresField(conds.get(k)))) rest[k] = v;
  }
  if (Object.keys(rest).length === 0) return true;
  const witness: Document = {};
  for (const [path, c] of conds) if (c.hasEq && !c.nullEq && !Array.isArray(c.eq)) setPath(witness, path, c.eq);
  return idx.partialTest(rest, witness);
}

/** The filter's equality values by field (null included: missing fields index as null), for index prefixes. */
export function filterEqualities(filter: Document): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [field, c] of conditionsOf(filter)) if (c.hasEq) out.set(field, c.eq);
  return out;
}

/** `$geoWithin` / `$geoIntersects` through a 2dsphere index (the key ranges of the shape's covering), or planar `$geoWithin` through a 2d index (geo-plan.ts). */
function geoWithinPlan(coll: Collection, filter: Document, conds: Map<string, FieldCond>, sort: SortField[]): Plan | undefined {
  const within = findWithin(filter);
  if (!within) return undefined;
  const equalities = new Map<string, unknown>();
  for (const [field, c] of conds) if (c.hasEq) equalities.set(field, c.eq);
  const choice = geoIndexFor(coll, within.path, equalities, within.flatBox !== undefined);
  if (!choice || (within.pointsOnly && choice.index.fieldIsMultikey(choice.index.geoField))) return undefined;
  return { stage: 'IXSCAN', index: choice.index.name, sorted: sort.length === 0, records: () => withinRecords(coll, choice, within) };
}

export function planQuery(coll: Collection, filter: Document, sort: SortField[]): Plan {
  const conds = conditionsOf(filter);
  const idCond = conds.get('_id');
  if (idCond?.hasEq || idCond?.in) {
    const ids = idCond.hasEq ? [idCond.eq] : idCond.in!;
    const wantsSort = sort.length > 0;
    return {
      stage: 'IDHACK',
      index: '_id_',
      sorted: !wantsSort || ids.length <= 1,
      *records() {
        const seen = new Set<string>();
        for (const v of ids) {
          const key = canonicalKey(v);
          if (seen.has(key)) continue;
          seen.add(key);
          const rec = coll.records.get(key);
          if (rec) yield rec;
        }
      },
    };
  }
  let best: Candidate | undefined;
  for (const idx of coll.indexes.values()) {
    // An index with a collation answers only queries under that collation (as in mongod); its keys are
    // collation keys in binary order (collation-keys.ts), so such queries scan instead (run-query.ts) and no
    // simple-collation query uses it.
    if (idx.spec.collation) continue;
    if (!idx.covering && !holdsAllMatches(idx, conds)) continue;
    const c = candidateFor(idx, conds, sort);
    if (c && (!best || c.score > best.score)) best = c;
  }
  // An equality on a B-tree index narrows more than a region's cells; anything weaker loses to the geo index.
  if (!best || best.score < 100) {
    const geo = geoWithinPlan(coll, filter, conds, sort);
    if (geo) return geo;
  }
  if (!best) {
    return { stage: 'COLLSCAN', sorted: sort.length === 0, records: () => coll.records.values() };
  }
  const chosen = best;
  const dedupe = chosen.index.multikey || chosen.scans.length > 1;
  return {
    stage: 'IXSCAN',
    index: chosen.index.name,
    sorted: sort.length === 0 || chosen.sorted,
    *records() {
      const seen = dedupe ? new Set<string>() : undefined;
      const scans = chosen.reverse ? [...chosen.scans].reverse() : chosen.scans;
      for (const [start, end] of scans) {
        for (const e of chosen.index.scan(start, end, chosen.reverse)) {
          if (seen) {
            if (seen.has(e.id)) continue;
            seen.add(e.id);
          }
          const rec = coll.records.get(e.id);
          if (rec) yield rec;
        }
      }
    },
  };
}
