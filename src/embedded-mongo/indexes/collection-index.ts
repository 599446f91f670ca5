/**
 * One index of a collection: its spec (as listIndexes shows it), key extraction (multikey, sparse,
 * partial) and its entries on disk — (encoded key, _id key) rows of one SQLite index tree, in BSON order
 * (key-encoding.ts) — used for uniqueness checks, range scans and sorted scans.
 */
import type { Document } from 'bson';
import { Query } from 'mingo';
import { CommandError } from '../errors';
import { canonicalKey, EMPTY_ARRAY_KEY, formatValue, pathValues } from '../bson-values';
import type { SqliteStore } from '../storage/sqlite-store';
import { afterPrefix, encodeKey } from './key-encoding';
import { collationFolder, foldValue, type StringFolder } from './collation-keys';
import { geoCellsAt, pointsAt } from './geo-cells';
import { flatCellsOf } from './flat-cells';

export interface IndexEntry {
  id: string; // canonical _id key of the document
}

/** Where an index's entries live: one tree (`ix`) of the store's index_entries table. */
export interface IndexTree {
  store: SqliteStore;
  ix: number;
  /** Bit i set: some document put an array under field i (mongod's multikey paths). */
  multikeyFields: number;
}

const NO_LOWER = Buffer.alloc(0);
const NO_UPPER = Buffer.from([0xff]);

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
  private readonly partialParts = new Map<string, Query>();
  /** Position of the `2dsphere` field, whose key is the S2 cell of each point (geo-cells.ts); -1 when none. */
  readonly geoField: number;
  /** Position of the `2d` field, whose key is the Z-order cell of each point (flat-cells.ts); -1 when none. */
  readonly flatField: number;
  /** A 2d index's coordinate bounds [min, max) (mongod's default: -180, 180). */
  readonly flatBounds: [number, number];
  /** Strings → their collation keys, for an index with a (non-simple) collation (collation-keys.ts). */
  private readonly fold?: StringFolder;

  constructor(
    spec: Document,
    readonly tree: IndexTree,
  ) {
    this.spec = spec;
    this.name = String(spec.name);
    const key = spec.key as Document;
    this.fields = Object.keys(key);
    const values = Object.values(key);
    this.kind = values.some((v) => v === 'text') ? 'text' : values.every((v) => typeof v === 'number' || v === 'hashed' || typeof v === 'object') ? 'btree' : 'other';
    this.dirs = values.map((v) => (typeof v === 'number' && v < 0 ? -1 : 1));
    this.geoField = values.indexOf('2dsphere');
    this.flatField = values.indexOf('2d');
    this.flatBounds = [typeof spec.min === 'number' ? spec.min : -180, typeof spec.max === 'number' ? spec.max : 180];
    this.unique = spec.unique === true || this.name === '_id_';
    this.sparse = spec.sparse === true;
    if (typeof spec.expireAfterSeconds === 'number') this.expireAfterSeconds = spec.expireAfterSeconds;
    if (spec.partialFilterExpression) this.partial = new Query(spec.partialFilterExpression as Document);
    this.fold = collationFolder(spec.collation as Document | undefined);
  }

  /** Set once any document put an array under an indexed path (a document may then have several entries). */
  get multikey(): boolean {
    return this.tree.multikeyFields !== 0;
  }

  /** Whether documents put arrays under field `i` (sorting by that field through the index would differ from MongoDB's). */
  fieldIsMultikey(i: number): boolean {
    return (this.tree.multikeyFields & (1 << i)) !== 0;
  }

  private markMultikey(field: number): void {
    const bits = this.tree.multikeyFields | (1 << field);
    if (bits === this.tree.multikeyFields) return;
    this.tree.multikeyFields = bits;
    this.tree.store.markMultikey(this.tree.ix, bits);
  }

  /** Entries and their bytes (kept by the store, not counted). */
  get size(): { entries: number; bytes: number } {
    const { n, bytes } = this.tree.store.indexTreeSize(this.tree.ix);
    return { entries: n, bytes };
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

  /** Index keys of a document (strings as collation keys in a collated index), or [] when sparse/partial rules leave it out. */
  keysFor(doc: Document): unknown[][] {
    if (this.kind === 'text') return [];
    if (this.partial && !this.partial.test(doc)) return [];
    let combos: unknown[][] = [[]];
    let allMissing = true;
    for (let fi = 0; fi < this.fields.length; fi++) {
      if (fi === this.geoField || fi === this.flatField) {
        // As mongod's 2dsphere (version 2+) and 2d indexes: a document without points under the geo field has no entry.
        const cells = fi === this.geoField ? geoCellsAt(doc, this.fields[fi]) : flatCellsOf(pointsAt(doc, this.fields[fi]), ...this.flatBounds);
        if (cells.length === 0) return [];
        if (cells.length > 1) this.markMultikey(fi);
        combos = combos.flatMap((c) => cells.map((cell) => [...c, cell]));
        allMissing = false;
        continue;
      }
      const { values, multikey } = pathValues(doc, this.fields[fi], EMPTY_ARRAY_KEY);
      if (multikey) this.markMultikey(fi);
      if (values.length === 1) {
        const v = values[0];
        if (v !== undefined) allMissing = false;
        for (const c of combos) c.push(v === undefined ? null : v);
        continue;
      }
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
    const fold = this.fold;
    return fold ? combos.map((c) => c.map((v, i) => (i === this.geoField || i === this.flatField ? v : foldValue(v, fold)))) : combos;
  }

  /** Throws MongoDB's E11000 error when another document already holds one of `keys`. */
  checkUnique(ns: string, keys: unknown[][], id: string): void {
    if (!this.unique) return;
    for (const key of keys) {
      if (this.tree.store.otherHolder(this.tree.ix, encodeKey(key, this.dirs), id) !== undefined) throw this.duplicateError(ns, key);
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

  /**
   * Entries of non-unique indexes wait for the end of the transaction (written in sorted batches); so do `_id_`'s,
   * whose uniqueness is the documents table's own key. Other unique indexes write at once: their checks read their tree.
   */
  add(keys: unknown[][], id: string): void {
    const deferred = !this.unique || this.name === '_id_';
    for (const key of keys) this.tree.store.addIndexEntry(this.tree.ix, encodeKey(key, this.dirs), id, deferred);
  }

  remove(keys: unknown[][], id: string): void {
    for (const key of keys) this.tree.store.removeIndexEntry(this.tree.ix, encodeKey(key, this.dirs), id);
  }

  /** A query value as this index keys it: strings as collation keys in a collated index. */
  keyValue(v: unknown): unknown {
    return this.fold ? foldValue(v, this.fold) : v;
  }

  private byteRange(start: KeyBound | undefined, end: KeyBound | undefined): [Buffer, Buffer] {
    const lower = start ? (start.inclusive ? encodeKey(start.key, this.dirs) : afterPrefix(encodeKey(start.key, this.dirs))) : NO_LOWER;
    const upper = end ? (end.inclusive ? afterPrefix(encodeKey(end.key, this.dirs)) : encodeKey(end.key, this.dirs)) : NO_UPPER;
    return [lower, upper];
  }

  /** Entries between two key prefixes (either may be open), in index order or reversed, read from disk as the scan goes. */
  *scan(start: KeyBound | undefined, end: KeyBound | undefined, reverse = false): Generator<IndexEntry> {
    const [lower, upper] = this.byteRange(start, end);
    if (Buffer.compare(lower, upper) >= 0) return;
    for (const id of this.tree.store.scanIndex(this.tree.ix, lower, upper, reverse)) yield { id };
  }

  /** The encoded keys (no document ids) between two key prefixes, in index order. */
  *scanKeys(start: KeyBound | undefined, end: KeyBound | undefined): Generator<Buffer> {
    const [lower, upper] = this.byteRange(start, end);
    if (Buffer.compare(lower, upper) >= 0) return;
    yield* this.tree.store.scanIndexKeys(this.tree.ix, lower, upper);
  }
}

/** Default index name as mongod derives it: `{ a: 1, b: -1 }` → `a_1_b_-1`. */
export function defaultIndexName(key: Document): string {
  return Object.entries(key)
    .map(([k, v]) => `${k}_${v}`)
    .join('_');
}
