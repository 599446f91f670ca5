/**
 * Counts matches from index entries alone, without reading a document, when an index answers the filter
 * exactly (mongod's COUNT_SCAN): every condition of the filter lies on the index — equalities on a prefix
 * of its fields, then at most one range, `$in` point set or literal substring regex on the next field —
 * and no condition could be met by more than one entry of a document (no range, `$in` or regex on a field
 * that holds arrays). The count is then the number of entries between two keys, counted by SQLite, and a
 * literal regex is tested on the string decoded from each entry's key. Anything else answers undefined and
 * the caller counts the documents as before.
 */
import type { Document } from 'bson';
import { isOperatorObject, isPlainObject, TypeBound, typeRank } from '../bson-values';
import type { CollectionIndex } from '../indexes/collection-index';
import { afterPrefix, decodeStringAt, encodeKey, encodeStringBody, REGEX_COMPONENT } from '../indexes/key-encoding';
import type { Collection } from '../storage/collection';
import { notNullScans } from './planner';

/** Ranks whose equality in a query is exactly equality of index keys: null/missing, numbers, strings, ObjectId, booleans, dates. */
const EXACT_RANKS = new Set([1, 2, 3, 7, 8, 9]);

interface Literal {
  regex: RegExp;
  /** The substring every match contains byte for byte (no case variants), so SQLite can pre-filter keys. */
  needle?: string;
}

interface ExactCond {
  eq?: { v: unknown };
  in?: unknown[];
  neNull?: boolean;
  lower?: { v: unknown; inclusive: boolean };
  upper?: { v: unknown; inclusive: boolean };
  literal?: Literal;
}

export interface IndexCount {
  n: number;
  index: string;
}

function exactValue(v: unknown): boolean {
  if (!EXACT_RANKS.has(typeRank(v))) return false;
  if (typeof v === 'number' && Number.isNaN(v)) return false;
  return v !== undefined;
}

const REGEX_META = new Set([...'.^$*+?()[]{}|']);

/** A regex that only matches a fixed substring (escaped punctuation allowed), flags limited to i/m/s. */
function literalRegex(pattern: string, options: string): Literal | undefined {
  if (!/^[ims]*$/.test(options)) return undefined;
  let text = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\') {
      const next = pattern[++i];
      if (next === undefined || /[0-9A-Za-z]/.test(next)) return undefined;
      text += next;
    } else if (REGEX_META.has(ch)) return undefined;
    else text += ch;
  }
  let regex: RegExp;
  try {
    regex = new RegExp(pattern, options);
  } catch {
    return undefined;
  }
  const caseless = [...text].every((ch) => ch.toLowerCase() === ch && ch.toUpperCase() === ch);
  return { regex, needle: text.length > 0 && (!options.includes('i') || caseless) ? text : undefined };
}

function regexCondition(v: unknown, options: unknown): Literal | undefined {
  if (typeof options !== 'undefined' && typeof options !== 'string') return undefined;
  if (typeof v === 'string') return literalRegex(v, (options as string | undefined) ?? '');
  if (v instanceof RegExp) return options === undefined ? literalRegex(v.source, v.flags) : undefined;
  const t = (v as { _bsontype?: string } | null)?._bsontype;
  if (t === 'BSONRegExp' && options === undefined) {
    const r = v as { pattern: string; options: string };
    return literalRegex(r.pattern, r.options);
  }
  return undefined;
}

/** The filter as one exact condition per field, or undefined when some part of it is not an index's to answer. */
function exactConditions(filter: Document): Map<string, ExactCond> | undefined {
  const conds = new Map<string, ExactCond>();
  const visit = (f: Document): boolean => {
    for (const [k, v] of Object.entries(f)) {
      if (k === '$and') {
        if (!Array.isArray(v) || v.length === 0) return false;
        for (const sub of v) if (!isPlainObject(sub) || !visit(sub)) return false;
        continue;
      }
      if (k.startsWith('$') || conds.has(k)) return false;
      const c: ExactCond = {};
      if (isOperatorObject(v)) {
        const ops = Object.entries(v);
        if ('$regex' in v) {
          if (ops.some(([op]) => op !== '$regex' && op !== '$options')) return false;
          const lit = regexCondition(v.$regex, v.$options);
          if (!lit) return false;
          c.literal = lit;
        } else {
          for (const [op, arg] of ops) {
            if (op === '$eq' && exactValue(arg) && !c.eq) c.eq = { v: arg };
            else if (op === '$ne' && arg === null && !c.neNull) c.neNull = true;
            else if (op === '$in' && Array.isArray(arg) && arg.length > 0 && arg.every((x) => exactValue(x) && x !== null) && !c.in) c.in = arg;
            else if ((op === '$gt' || op === '$gte') && exactValue(arg) && arg !== null && !c.lower) c.lower = { v: arg, inclusive: op === '$gte' };
            else if ((op === '$lt' || op === '$lte') && exactValue(arg) && arg !== null && !c.upper) c.upper = { v: arg, inclusive: op === '$lte' };
            else return false;
          }
          const kinds = (c.eq ? 1 : 0) + (c.in ? 1 : 0) + (c.neNull ? 1 : 0) + (c.lower || c.upper ? 1 : 0);
          if (kinds !== 1) return false;
          if (c.lower && c.upper && typeRank(c.lower.v) !== typeRank(c.upper.v)) return false;
        }
      } else if (exactValue(v) || v === null) c.eq = { v };
      else {
        const lit = regexCondition(v, undefined);
        if (!lit) return false;
        c.literal = lit;
      }
      conds.set(k, c);
    }
    return true;
  };
  return visit(filter) ? conds : undefined;
}

interface CountPlan {
  index: CollectionIndex;
  eq: unknown[];
  next?: ExactCond;
  /** Fewer is better: how much of the index the count may read. */
  cost: number;
}

function planFor(idx: CollectionIndex, conds: Map<string, ExactCond>): CountPlan | undefined {
  if (idx.kind !== 'btree' || !idx.covering || idx.spec.collation || idx.spec.hidden === true) return undefined;
  if (!Object.values(idx.spec.key as Document).every((d) => d === 1 || d === -1)) return undefined;
  const eq: unknown[] = [];
  let used = 0;
  for (const f of idx.fields) {
    const c = conds.get(f);
    if (!c?.eq) break;
    eq.push(c.eq.v);
    used++;
  }
  const k = eq.length;
  let next: ExactCond | undefined;
  if (k < idx.fields.length) {
    const c = conds.get(idx.fields[k]);
    if (c && !c.eq) {
      if (idx.fieldIsMultikey(k)) return undefined; // one document could then be counted once per element
      next = c;
      used++;
    }
  }
  if (used !== conds.size) return undefined;
  const cost = next?.literal ? 3 : next ? 1 : 0;
  return { index: idx, eq, next, cost: cost - k * 0.01 + idx.fields.length * 0.001 };
}

/** The number of documents matching `filter` (after `skip`, at most `limit`), counted from one index, or undefined. */
export function countFromIndex(coll: Collection, filter: Document, skip = 0, limit = 0): IndexCount | undefined {
  skip = Math.max(0, skip);
  limit = Math.max(0, limit);
  const conds = exactConditions(filter);
  if (!conds) return undefined;
  if (conds.size === 0) return { n: clamp(coll.records.size, skip, limit), index: '_id_' };
  let best: CountPlan | undefined;
  for (const idx of coll.indexes.values()) {
    const p = planFor(idx, conds);
    if (p && (!best || p.cost < best.cost)) best = p;
  }
  if (!best) return undefined;
  const n = countEntries(best, limit ? skip + limit : 0);
  return n === undefined ? undefined : { n: clamp(n, skip, limit), index: best.index.name };
}

function clamp(n: number, skip: number, limit: number): number {
  const after = Math.max(0, n - skip);
  return limit ? Math.min(after, limit) : after;
}

function countEntries({ index, eq, next }: CountPlan, cap: number): number | undefined {
  const { dirs } = index;
  const store = index.tree.store;
  const ix = index.tree.ix;
  const range = (lo: unknown[], loInclusive: boolean, hi: unknown[], hiInclusive: boolean): [Buffer, Buffer] => {
    const l = encodeKey(lo, dirs);
    const h = encodeKey(hi, dirs);
    return [loInclusive ? l : afterPrefix(l), hiInclusive ? afterPrefix(h) : h];
  };
  if (!next) {
    const [lo, hi] = range(eq, true, eq, true);
    return store.countIndexRange(ix, lo, hi, cap);
  }
  if (next.in) {
    const seen = new Set<string>();
    let n = 0;
    for (const v of next.in) {
      const [lo, hi] = range([...eq, v], true, [...eq, v], true);
      const key = lo.toString('hex');
      if (seen.has(key)) continue; // 1 and 1.0 are one point
      seen.add(key);
      n += store.countIndexRange(ix, lo, hi, cap ? cap - n : 0);
      if (cap && n >= cap) break;
    }
    return n;
  }
  if (next.neNull) {
    let n = 0;
    for (const [s, e] of notNullScans(dirs[eq.length])) {
      const lo = s ? encodeKey([...eq, ...s.key], dirs) : encodeKey(eq, dirs);
      const hi = e ? encodeKey([...eq, ...e.key], dirs) : afterPrefix(encodeKey(eq, dirs));
      if (Buffer.compare(lo, hi) < 0) n += store.countIndexRange(ix, s && !s.inclusive ? afterPrefix(lo) : lo, hi, cap ? cap - n : 0);
      if (cap && n >= cap) break;
    }
    return n;
  }
  if (next.lower || next.upper) {
    const rank = typeRank((next.lower ?? next.upper)!.v);
    const lower = next.lower ?? { v: new TypeBound(rank, false), inclusive: true };
    const upper = next.upper ?? { v: new TypeBound(rank, true), inclusive: true };
    const dir = dirs[eq.length];
    const a = { key: [...eq, lower.v], inclusive: lower.inclusive };
    const b = { key: [...eq, upper.v], inclusive: upper.inclusive };
    const [s, e] = dir > 0 ? [a, b] : [b, a];
    const [lo, hi] = range(s.key, s.inclusive, e.key, e.inclusive);
    return Buffer.compare(lo, hi) < 0 ? store.countIndexRange(ix, lo, hi, cap) : 0;
  }
  // A literal regex: tested on the string decoded from each entry's key. Non-strings never match it, except a
  // stored regular expression equal to the pattern: meeting one, the count gives up (undefined).
  const lit = next.literal!;
  const offset = encodeKey(eq, dirs).length;
  const inverted = dirs[eq.length] < 0;
  const [lo, hi] = range(eq, true, eq, true);
  const needle = lit.needle === undefined ? undefined : encodeStringBody(lit.needle, inverted);
  let n = 0;
  for (const key of store.scanIndexKeys(ix, lo, hi, needle)) {
    const s = decodeStringAt(key, offset, inverted);
    if (s === REGEX_COMPONENT) return undefined;
    if (s !== undefined && lit.regex.test(s)) {
      n++;
      if (cap && n >= cap) break;
    }
  }
  return n;
}
