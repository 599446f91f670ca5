/**
 * A collection's documents as stored: read from SQLite by canonical _id key through the engine's bounded cache,
 * written through inside the caller's transaction. Documents are immutable once stored (updates build a new
 * object), so a cached record can be shared by any number of cursors.
 */
import { decodeDocument } from '../bson-decode';
import type { DocumentCache } from './document-cache';
import type { SqliteStore } from './sqlite-store';
import type { DocRecord } from './collection';

let nextTableId = 1;

export class DocumentTable {
  /** Cache keys are per table instance, so a dropped or renamed collection's entries can never be served again. */
  private readonly prefix = `${nextTableId++}\u0000`;

  constructor(
    private readonly ns: () => string,
    private readonly store: SqliteStore,
    private readonly cache: DocumentCache,
  ) {}

  get(id: string): DocRecord | undefined {
    const hit = this.cache.get(this.prefix + id);
    if (hit) return hit;
    const body = this.store.getDocument(this.ns(), id);
    if (!body) return undefined;
    const rec: DocRecord = { id, doc: decodeDocument(body), raw: body };
    this.cache.set(this.prefix + id, rec);
    return rec;
  }

  /** Whether a document with this _id key is stored (the key index alone: no body is read). */
  has(id: string): boolean {
    return this.store.hasDocument(this.ns(), id);
  }

  /** Every document in _id-key order, read as the scan goes (scans do not fill the cache). */
  *values(): Generator<DocRecord> {
    for (const { id, body } of this.store.documents(this.ns())) {
      yield this.cache.get(this.prefix + id) ?? { id, doc: decodeDocument(body), raw: body };
    }
  }

  /** From the store's kept count: nothing is scanned. */
  get size(): number {
    return this.store.countDocuments(this.ns());
  }

  dataSize(): number {
    return this.store.documentBytes(this.ns());
  }

  /**
   * Stores a new document; false when its _id is taken. Not cached: a bulk load would only push the documents
   * being read out of the cache (and keep the request buffers their bytes are views of).
   */
  insert(rec: DocRecord): boolean {
    return this.store.insertDocument(this.ns(), rec.id, rec.raw);
  }

  /** Stores new documents in order (not cached either); the positions of those whose _id was taken (see SqliteStore.insertDocuments). */
  insertMany(recs: readonly DocRecord[], stopAtDuplicate: boolean): number[] {
    return this.store.insertDocuments(this.ns(), recs.map((r) => ({ id: r.id, body: r.raw })), stopAtDuplicate);
  }

  /** Replaces a stored document (an update): the new version is cached, as the old one was read to make it. */
  replace(rec: DocRecord, previous: DocRecord): void {
    this.store.replaceDocument(this.ns(), rec.id, rec.raw, previous.raw.length);
    this.cache.set(this.prefix + rec.id, rec);
    this.store.onRollback(() => this.cache.delete(this.prefix + rec.id));
  }

  delete(rec: DocRecord): void {
    this.store.deleteDocument(this.ns(), rec.id, rec.raw.length);
    this.cache.delete(this.prefix + rec.id);
  }
}
