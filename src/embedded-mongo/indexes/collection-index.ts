/**
 * One index of a collection: its spec (as listIndexes shows it), key extraction (multikey, sparse,
 * partial) and an ordered list of entries used for uniqueness checks, range scans and sorted scans.
 */
import type { Document } from 'bson';
import { Query } from 'mingo';
import { CommandError } from '../errors';
import { canonicalKey, compareBson, EMPTY_ARRAY_KEY, formatValue, pathValues } from '../bson-values';
import { SortedList } from './sorted-list';

export interface IndexEntry {
  key: unknown[];
  id: string; // canonical _id key of the document
}

export interface KeyBound {
  key: unknown[]; // prefix of the index key (already in index field order)
  inclusive: boolean;
}

export type IndexKind = 'btree' | 'text' | 'other';

export class CollectionIndex {
  readonly name: string;
  readonly spec: Document;
  readonly fields: string[];
  readonly dirs: number[];
  readonly unique: boolean;
  readonly sparse: boolean;
  readonly kind: IndexKind;
  readonly expireAfterSeconds?: number;
  readonly partial?: Query;
  /** Set once any document put an array under an indexed path (sorting through the index then differs from MongoDB's). */
  multikey = false;
  private readonly list: SortedList<IndexEntry>;
  private readonly partialParts = new Map<string, Query>();

  constructor(spec: Document) {
    this.spec = spec;
    this.name = String(spec.name);
    const key = spec.key as Document;
    this.fields = Object.keys(key);
    const values = Object.values(key);
    this.kind = values.some((v) => v === 'text') ? 'text' : values.every((v) => typeof v === 'number' || v === 'hashed' || typeof v === 'object') ? 'btree' : 'other';
    this.dirs = values.map((v) => (typeof v === 'number' && v < 0 ? -1 : 1));
    this.unique = spec.unique === true || this.name === '_id_';
    this.sparse = spec.sparse === true;
    if (typeof spec.expireAfterSeconds === 'number') this.expireAfterSeconds = spec.expireAfterSeconds;
    if (spec.partialFilterExpression) this.partial = new Query(spec.partialFilterExpression as Document);
    const dirs = this.dirs;
    const dir0 = dirs[0];
    // single-field indexes (the common case) skip the per-field loop
    this.list = new SortedList<IndexEntry>(
      dirs.length === 1
        ? (a, b) => {
            const c = compareBson(a.key[0], b.key[0]);
            return c !== 0 ? (dir0 < 0 ? -c : c) : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
          }
        : (a, b) => {
            const c = compareKeys(a.key, b.key, dirs);
            return c !== 0 ? c : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
          },
    );
  }

  get size(): number {
    return this.list.size;
  }

  /** Usable for query planning: the index holds an entry for every document. */
  get covering(): boolean {
    return this.kind === 'btree' && !this.sparse && !this.partial;
  }

  /** Tests `filter` (part of this index's partial filter, compiled once per distinct shape) against `doc`. */
  partialTest(filter: Document, doc: Document): boolean {
    const key = JSON.stringify(Object.keys(filter));
    let q = this.partialParts.get(key);
    if (!q) this.partialParts.set(key, (q = new Query(filter)));
    return q.test(doc);
  }

  /** Index keys of a document, or [] when sparse/partial rules leave it out. */
  keysFor(doc: Document): unknown[][] {
    if (this.kind === 'text') return [];
    if (this.partial && !this.partial.test(doc)) return [];
    let combos: unknown[][] = [[]];
    let allMissing = true;
    for (const f of this.fields) {
      const { values, multikey } = pathValues(doc, f, EMPTY_ARRAY_KEY);
      if (multikey) this.multikey = true;
      const seen = new Set<string>();
      const uniq: unknown[] = [];
      for (const v of values) {
        if (v !== undefined) allMissing = false;
        const k = canonicalKey(v);
        if (!seen.has(k)) {
          seen.add(k);
          uniq.push(v === undefined ? null : v);
        }
      }
      if (uniq.length === 1) for (const c of combos) c.push(uniq[0]);
      else combos = combos.flatMap((c) => uniq.map((v) => [...c, v]));
    }
    if (this.sparse && allMissing) return [];
    return combos;
  }

  /** Throws MongoDB's E11000 error when another document already holds one of `keys`. */
  checkUnique(ns: string, keys: unknown[][], id: string): void {
    if (!this.unique) return;
    for (const key of keys) {
      for (const e of this.list.scan(
        (x) => compareKeys(x.key, key, this.dirs) >= 0,
        (x) => compareKeys(x.key, key, this.dirs) <= 0,
      )) {
        if (e.id !== id) throw this.duplicateError(ns, key);
      }
    }
  }

  duplicateError(ns: string, key: unknown[]): CommandError {
    const keyValue: Document = {};
    const keyPattern: Document = {};
    this.fields.forEach((f, i) => {
      keyValue[f] = key[i] === EMPTY_ARRAY_KEY ? undefined : key[i];
      keyPattern[f] = (this.spec.key as Document)[f];
    });
    const shown = '{ ' + this.fields.map((f, i) => `${f}: ${formatValue(key[i])}`).join(', ') + ' }';
    return new CommandError('DuplicateKey', `E11000 duplicate key error collection: ${ns} index: ${this.name} dup key: ${shown}`, { keyPattern, keyValue });
  }

  add(keys: unknown[][], id: string): void {
    for (const key of keys) this.list.insert({ key, id });
  }

  remove(keys: unknown[][], id: string): void {
    for (const key of keys) this.list.remove({ key, id });
  }

  bulkLoad(entries: IndexEntry[]): void {
    this.list.bulkLoad(entries);
  }

  clear(): void {
    this.list.clear();
  }

  /** Entries between two key prefixes (either may be open), in index order or reversed. */
  scan(start: KeyBound | undefined, end: KeyBound | undefined, reverse = false): Generator<IndexEntry> {
    const dirs = this.dirs;
    const atOrAfterStart = start
      ? (x: IndexEntry) => {
          const c = compareKeys(x.key, start.key, dirs);
          return start.inclusive ? c >= 0 : c > 0;
        }
      : () => true;
    const beforeEnd = end
      ? (x: IndexEntry) => {
          const c = compareKeys(x.key, end.key, dirs);
          return end.inclusive ? c <= 0 : c < 0;
        }
      : () => true;
    return this.list.scan(atOrAfterStart, beforeEnd, reverse);
  }

  entries(): Iterable<IndexEntry> {
    return this.list;
  }
}

/** Compares index keys on their common prefix, honouring each field's direction. */
export function compareKeys(a: unknown[], b: unknown[], dirs: number[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareBson(a[i], b[i]);
    if (c !== 0) return dirs[i] < 0 ? -c : c;
  }
  return 0;
}

/** Default index name as mongod derives it: `{ a: 1, b: -1 }` → `a_1_b_-1`. */
export function defaultIndexName(key: Document): string {
  return Object.entries(key)
    .map(([k, v]) => `${k}_${v}`)
    .join('_');
}
