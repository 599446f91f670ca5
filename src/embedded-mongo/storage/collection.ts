/**
 * A collection kept fully in memory (documents by canonical _id plus its indexes), with every change
 * written through to the SQLite store inside the caller's transaction. Documents are immutable
 * once stored: updates build a new object, so open cursors keep a consistent view of each document.
 */
import { serialize, UUID, type Document } from 'bson';
import { decodeDocument } from '../bson-decode';
import { CommandError } from '../errors';
import { canonicalKey } from '../bson-values';
import { CollectionIndex, type IndexEntry } from '../indexes/collection-index';
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

export class Collection {
  readonly records = new Map<string, DocRecord>();
  readonly indexes = new Map<string, CollectionIndex>();
  readonly uuid: UUID;

  constructor(
    readonly dbName: string,
    readonly name: string,
    private readonly store: SqliteStore,
    public options: Document = {},
  ) {
    this.uuid = options.uuid instanceof UUID ? options.uuid : new UUID();
    this.indexes.set('_id_', new CollectionIndex(ID_INDEX_SPEC));
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
    const bytes = raw ?? toBuffer(serialize(doc));
    if (bytes.length > MAX_BSON_SIZE) throw new CommandError('BSONObjectTooLarge', `object to insert too large. size in bytes: ${bytes.length}, max size: ${MAX_BSON_SIZE}`);
    const id = canonicalKey(doc._id);
    if (this.records.has(id)) throw this.idIndex.duplicateError(this.ns, [doc._id]);
    const keys = this.computeKeys(doc, id);
    const rec: DocRecord = { id, doc, raw: bytes };
    this.store.putDocument(this.ns, id, bytes);
    for (const [idx, k] of keys) idx.add(k, id);
    this.records.set(id, rec);
    this.store.onRollback(() => this.unlink(rec));
    return rec;
  }

  /** Replaces a stored document (same _id) with `doc`, keeping indexes in step. */
  replace(old: DocRecord, doc: Document): DocRecord {
    const bytes = toBuffer(serialize(doc));
    if (bytes.length > MAX_BSON_SIZE) throw new CommandError('BSONObjectTooLarge', `Resulting document after update is larger than ${MAX_BSON_SIZE}`);
    const newKeys = this.computeKeys(doc, old.id);
    const rec: DocRecord = { id: old.id, doc, raw: bytes };
    this.store.putDocument(this.ns, old.id, bytes);
    this.swapInMemory(old, rec, newKeys);
    this.store.onRollback(() => this.swapInMemory(rec, old));
    return rec;
  }

  remove(rec: DocRecord): void {
    this.store.deleteDocument(this.ns, rec.id);
    this.unlink(rec);
    this.store.onRollback(() => this.link(rec));
  }

  /** In-memory half of replace (also its undo): moves index entries from `from`'s keys to `to`'s. */
  private swapInMemory(from: DocRecord, to: DocRecord, toKeys?: [CollectionIndex, unknown[][]][]): void {
    for (const [idx, keys] of toKeys ?? [...this.indexes.values()].map((i): [CollectionIndex, unknown[][]] => [i, i.keysFor(to.doc)])) {
      if (idx.name === '_id_') continue;
      const oldKeys = idx.keysFor(from.doc);
      if (sameKeys(oldKeys, keys)) continue;
      idx.remove(oldKeys, from.id);
      idx.add(keys, from.id);
    }
    this.records.set(to.id, to);
  }

  private link(rec: DocRecord): void {
    for (const idx of this.indexes.values()) idx.add(idx.keysFor(rec.doc), rec.id);
    this.records.set(rec.id, rec);
  }

  private unlink(rec: DocRecord): void {
    for (const idx of this.indexes.values()) idx.remove(idx.keysFor(rec.doc), rec.id);
    this.records.delete(rec.id);
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

  /** Builds a new index over the current documents; throws E11000 (and adds nothing) on duplicates. */
  addIndex(spec: Document, persist = true): CollectionIndex {
    const idx = this.buildIndex(spec);
    if (persist) this.store.putIndex(this.ns, idx.name, serialize(spec));
    this.restoreIndexes([...this.indexes.entries(), [idx.name, idx]]);
    return idx;
  }

  /** Rebuilds index `name` with a changed spec (collMod), keeping its place in listIndexes. */
  replaceIndex(name: string, spec: Document): CollectionIndex {
    const idx = this.buildIndex(spec);
    this.store.putIndex(this.ns, name, serialize(spec));
    this.restoreIndexes([...this.indexes.entries()].map(([n, i]): [string, CollectionIndex] => (n === name ? [n, idx] : [n, i])));
    return idx;
  }

  private buildIndex(spec: Document): CollectionIndex {
    const idx = new CollectionIndex(spec);
    const entries: IndexEntry[] = [];
    for (const rec of this.records.values()) for (const key of idx.keysFor(rec.doc)) entries.push({ key, id: rec.id });
    idx.bulkLoad(entries);
    if (idx.unique) {
      let prev: IndexEntry | undefined;
      for (const e of idx.entries()) {
        if (prev && prev.id !== e.id && sameKeys([prev.key], [e.key])) throw idx.duplicateError(this.ns, e.key);
        prev = e;
      }
    }
    return idx;
  }

  dropIndex(name: string): void {
    this.store.dropIndex(this.ns, name);
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

  /** Loads persisted documents at startup, then builds every index in bulk. */
  loadFromStore(): void {
    const rekeyed: [string, DocRecord][] = [];
    for (const { id: stored, body } of this.store.documents(this.ns)) {
      const doc = decodeDocument(body);
      // numeric _ids were once keyed through Number() (large Long/Decimal128 values collided); key them exactly now
      const id = stored.startsWith('n') ? canonicalKey(doc._id) : stored;
      const rec = { id, doc, raw: body };
      if (id !== stored) rekeyed.push([stored, rec]);
      this.records.set(id, rec);
    }
    // (after the read: SQLite cannot write while a query over the same connection is open)
    if (rekeyed.length) {
      this.store.transaction(() => {
        for (const [stored, rec] of rekeyed) {
          this.store.deleteDocument(this.ns, stored);
          this.store.putDocument(this.ns, rec.id, rec.raw);
        }
      });
    }
    for (const idx of this.indexes.values()) {
      const entries: IndexEntry[] = [];
      for (const rec of this.records.values()) for (const key of idx.keysFor(rec.doc)) entries.push({ key, id: rec.id });
      idx.bulkLoad(entries);
    }
  }

  dataSize(): number {
    let n = 0;
    for (const r of this.records.values()) n += r.raw.length;
    return n;
  }
}

function sameKeys(a: unknown[][], b: unknown[][]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i].length !== b[i].length) return false;
    for (let j = 0; j < a[i].length; j++) if (canonicalKey(a[i][j]) !== canonicalKey(b[i][j])) return false;
  }
  return true;
}
