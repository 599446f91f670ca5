/**
 * A collection: its documents (on disk, through the bounded cache — document-table.ts) and its indexes
 * (entries on disk in BSON order — collection-index.ts). Every change is written inside the caller's
 * transaction; a rollback undoes the disk side and the few in-memory facts (cache, count, index list)
 * register their own undo. Documents are immutable once stored: updates build a new object.
 */
import { serialize, UUID, type Document } from 'bson';
import { decodeDocument } from '../bson-decode';
import { CommandError } from '../errors';
import { canonicalKey } from '../bson-values';
import { CollectionIndex } from '../indexes/collection-index';
import type { DocumentCache } from './document-cache';
import { DocumentTable } from './document-table';
import type { SqliteStore } from './sqlite-store';

export const MAX_BSON_SIZE = 16 * 1024 * 1024;

export interface DocRecord {
  id: string;
  doc: Document;
  /** The document's exact BSON bytes, sent as-is when no projection applies. */
  raw: Buffer;
}

export function toBuffer(u8: Uint8Array): Buffer {
  return Buffer.isBuffer(u8) ? u8 : Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength);
}

export const ID_INDEX_SPEC = { v: 2, key: { _id: 1 }, name: '_id_' };

/** Documents read per batch when an index is built over existing documents (no query stays open while writing). */
const BUILD_BATCH = 2000;

export class Collection {
  readonly records: DocumentTable;
  readonly indexes: Map<string, CollectionIndex>;
  readonly uuid: UUID;

  /** `indexes` are the collection's existing indexes (loaded or renamed); without them a new `_id_` index is created. */
  constructor(
    readonly dbName: string,
    readonly name: string,
    private readonly store: SqliteStore,
    private readonly cache: DocumentCache,
    public options: Document = {},
    indexes?: Map<string, CollectionIndex>,
  ) {
    this.uuid = options.uuid instanceof UUID ? options.uuid : new UUID();
    this.records = new DocumentTable(() => this.ns, store, cache);
    this.indexes = indexes ?? new Map([['_id_', this.newIndex(ID_INDEX_SPEC)]]);
  }

  get ns(): string {
    return `${this.dbName}.${this.name}`;
  }

  get idIndex(): CollectionIndex {
    return this.indexes.get('_id_')!;
  }

  get(idKey: string): DocRecord | undefined {
    return this.records.get(idKey);
  }

  /** Inserts a document that already has an `_id`; throws E11000 / BSONObjectTooLarge without side effects. */
  insert(doc: Document, raw?: Buffer): DocRecord {
    const bytes = storedBytes(doc, raw);
    const id = canonicalKey(doc._id);
    // A taken _id is reported before any other unique index's duplicate, as mongod does; without other unique
    // indexes the INSERT itself finds it.
    if (this.hasSecondaryUnique() && this.records.has(id)) throw this.idIndex.duplicateError(this.ns, [doc._id]);
    const keys = this.computeKeys(doc, id);
    const rec: DocRecord = { id, doc, raw: bytes };
    if (!this.records.insert(rec)) throw this.idIndex.duplicateError(this.ns, [doc._id]);
    for (const [idx, k] of keys) idx.add(k, id);
    return rec;
  }

  /**
   * Inserts documents that already have `_id`s, in order, as `insert` does one by one — but when no unique index
   * besides `_id_` must be checked first, the documents go to SQLite many rows per statement and a taken `_id` is
   * found by the INSERT. Failures are reported by position; `ordered`: nothing after the first one is stored.
   */
  insertMany(docs: readonly NewDocument[], ordered: boolean): { n: number; errors: InsertFailure[] } {
    const errors: InsertFailure[] = [];
    if (this.hasSecondaryUnique()) {
      let n = 0;
      for (let i = 0; i < docs.length; i++) {
        try {
          this.insert(docs[i].doc, docs[i].raw);
          n++;
        } catch (error) {
          errors.push({ index: i, error });
          if (ordered) break;
        }
      }
      return { n, errors };
    }
    const recs: DocRecord[] = [], keys: [CollectionIndex, unknown[][]][][] = [], positions: number[] = [];
    for (let i = 0; i < docs.length; i++) {
      try {
        const { doc, raw } = docs[i];
        const rec: DocRecord = { id: canonicalKey(doc._id), doc, raw: storedBytes(doc, raw) };
        keys.push(this.computeKeys(doc, rec.id));
        recs.push(rec);
        positions.push(i);
      } catch (error) {
        errors.push({ index: i, error });
        if (ordered) break;
      }
    }
    const taken = new Set(this.records.insertMany(recs, ordered));
    const stored = ordered && taken.size > 0 ? Math.min(...taken) : recs.length;
    let n = 0;
    for (let r = 0; r < stored; r++) {
      if (taken.has(r)) continue;
      for (const [idx, k] of keys[r]) idx.add(k, recs[r].id);
      n++;
    }
    for (const r of taken) errors.push({ index: positions[r], error: this.idIndex.duplicateError(this.ns, [recs[r].doc._id]) });
    errors.sort((a, b) => a.index - b.index);
    return { n, errors: ordered ? errors.slice(0, 1) : errors };
  }

  /**
   * Replaces a stored document (same _id) with `doc`, keeping indexes in step. Only indexes whose keys changed are
   * checked (unique ones) and rewritten: an unchanged key is this document's own entry, so it can conflict with nothing.
   */
  replace(old: DocRecord, doc: Document): DocRecord {
    const bytes = toBuffer(serialize(doc));
    if (bytes.length > MAX_BSON_SIZE) throw new CommandError('BSONObjectTooLarge', `Resulting document after update is larger than ${MAX_BSON_SIZE}`);
    const changed: [CollectionIndex, unknown[][], unknown[][]][] = [];
    for (const idx of this.indexes.values()) {
      if (idx.name === '_id_') continue;
      const keys = idx.keysFor(doc);
      const oldKeys = idx.keysFor(old.doc);
      if (sameKeys(oldKeys, keys)) continue;
      if (idx.unique) idx.checkUnique(this.ns, keys, old.id);
      changed.push([idx, oldKeys, keys]);
    }
    const rec: DocRecord = { id: old.id, doc, raw: bytes };
    this.records.replace(rec, old);
    for (const [idx, oldKeys, keys] of changed) {
      idx.remove(oldKeys, old.id);
      idx.add(keys, old.id);
    }
    return rec;
  }

  remove(rec: DocRecord): void {
    for (const idx of this.indexes.values()) idx.remove(idx.keysFor(rec.doc), rec.id);
    this.records.delete(rec);
  }

  private hasSecondaryUnique(): boolean {
    for (const idx of this.indexes.values()) if (idx.unique && idx.name !== '_id_') return true;
    return false;
  }

  /** Index keys of `doc` for every index, after checking unique constraints against other documents. */
  private computeKeys(doc: Document, id: string): [CollectionIndex, unknown[][]][] {
    const out: [CollectionIndex, unknown[][]][] = [];
    for (const idx of this.indexes.values()) {
      const keys = idx.keysFor(doc);
      if (idx.unique && idx.name !== '_id_') idx.checkUnique(this.ns, keys, id);
      out.push([idx, keys]);
    }
    return out;
  }

  /** Builds a new index over the current documents; throws E11000 (and the transaction keeps nothing) on duplicates. */
  addIndex(spec: Document): CollectionIndex {
    const idx = this.buildIndex(spec);
    this.store.putIndex(this.ns, idx.name, serialize(spec));
    this.restoreIndexes([...this.indexes.entries(), [idx.name, idx]]);
    return idx;
  }

  /** Changes an index's options (collMod: TTL, hidden) — same keys, same entries — keeping its place in listIndexes. */
  replaceIndex(name: string, spec: Document): CollectionIndex {
    const idx = new CollectionIndex(spec, this.indexes.get(name)!.tree);
    this.store.putIndex(this.ns, name, serialize(spec));
    this.restoreIndexes([...this.indexes.entries()].map(([n, i]): [string, CollectionIndex] => (n === name ? [n, idx] : [n, i])));
    return idx;
  }

  private newIndex(spec: Document): CollectionIndex {
    return new CollectionIndex(spec, { store: this.store, ix: this.store.createIndexTree(this.ns, String(spec.name)), multikeyFields: 0 });
  }

  /**
   * A new index tree filled from the stored documents, in batches (also how an older data file is upgraded, then
   * without refusing duplicates the documents already hold: `enforceUnique` false).
   */
  buildIndex(spec: Document, enforceUnique = true): CollectionIndex {
    const idx = this.newIndex(spec);
    let after = '';
    for (;;) {
      const batch = this.store.documentsAfter(this.ns, after, BUILD_BATCH);
      if (batch.length === 0) break;
      for (const { id, body } of batch) {
        const keys = idx.keysFor(decodeDocument(body));
        if (idx.unique && enforceUnique) idx.checkUnique(this.ns, keys, id);
        idx.add(keys, id);
      }
      after = batch[batch.length - 1].id;
    }
    return idx;
  }

  dropIndex(name: string): void {
    this.store.dropIndex(this.ns, name);
    this.store.dropIndexTree(this.indexes.get(name)!.tree.ix);
    this.restoreIndexes([...this.indexes.entries()].filter(([n]) => n !== name));
  }

  /** Sets the index list (in listIndexes order) and registers the way back to the current one. */
  private restoreIndexes(next: [string, CollectionIndex][]): void {
    const before = [...this.indexes.entries()];
    this.store.onRollback(() => this.setIndexes(before));
    this.setIndexes(next);
  }

  private setIndexes(entries: [string, CollectionIndex][]): void {
    this.indexes.clear();
    for (const [n, i] of entries) this.indexes.set(n, i);
  }

  /** The same stored collection under another name (its documents and index trees moved with it). */
  renamedTo(dbName: string, name: string): Collection {
    return new Collection(dbName, name, this.store, this.cache, this.options, new Map(this.indexes));
  }

  dataSize(): number {
    return this.records.dataSize();
  }
}

/** A document of an insert, with the client's bytes when they can be stored as they are. */
export interface NewDocument {
  doc: Document;
  raw?: Buffer;
}

export interface InsertFailure {
  index: number;
  error: unknown;
}

/** The bytes to store for a new document: the client's, or its encoding; refused over 16 MiB. */
function storedBytes(doc: Document, raw: Buffer | undefined): Buffer {
  const bytes = raw ?? toBuffer(serialize(doc));
  if (bytes.length > MAX_BSON_SIZE) throw new CommandError('BSONObjectTooLarge', `object to insert too large. size in bytes: ${bytes.length}, max size: ${MAX_BSON_SIZE}`);
  return bytes;
}

function sameKeys(a: unknown[][], b: unknown[][]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i].length !== b[i].length) return false;
    for (let j = 0; j < a[i].length; j++) if (canonicalKey(a[i][j]) !== canonicalKey(b[i][j])) return false;
  }
  return true;
}
