/**
 * Durable storage in one SQLite file (WAL mode). Every document is a BSON blob keyed by
 * (namespace, canonical _id); collection options and index specs live in their own tables.
 * A committed transaction is in the OS before the command is acknowledged (synchronous=NORMAL);
 * `sync()` fdatasyncs the WAL — run every 100 ms while dirty and before acknowledging `j: true`.
 * SQLite's WAL checksums drop a torn last transaction after a crash instead of loading garbage.
 */
import fs from 'node:fs';
import Database from 'better-sqlite3';
import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';
import { SizeLedger, type Tally } from './size-ledger';

export interface StoredCollection {
  ns: string;
  options: Buffer;
}

/** The data file is held by another process (its exclusive lock did not come free in time). */
export class StoreLockedError extends Error {}

/**
 * Documents live in a rowid table (bodies appended in insert order) found through its (ns, id) key index. A
 * WITHOUT ROWID table keeps at most ~1,000 bytes of a row in its B-tree page: every larger document spilled a
 * few hundred bytes into an overflow page of its own, a 4 KiB page written (and kept on disk) per ~1 KiB document.
 */
const DOCUMENTS_COLUMNS = 'ns TEXT NOT NULL, id TEXT NOT NULL, body BLOB NOT NULL, PRIMARY KEY (ns, id)';

/** Index entries per multi-row INSERT (3 parameters each; SQLite allows 32,766). */
const ENTRY_BATCH = 64;

/** WAL pages after which SQLite checkpoints inside a COMMIT (4 KiB pages: ~200 MiB), when idle checkpoints did not keep up. */
const AUTOCHECKPOINT_PAGES = 50_000;
/** Bytes the WAL file is truncated to after a checkpoint. */
const WAL_SIZE_LIMIT = 64 * 1024 * 1024;
/** Quiet time after the last commit before an idle checkpoint. */
const IDLE_CHECKPOINT_MS = 1000;

/** Documents per multi-row INSERT of a batch insert. */
const DOCUMENT_BATCH = 100;

const isDuplicate = (err: unknown) => ['SQLITE_CONSTRAINT_PRIMARYKEY', 'SQLITE_CONSTRAINT_UNIQUE'].includes((err as { code?: string }).code ?? '');
const isBusy = (err: unknown) => /^SQLITE_(BUSY|LOCKED)/.test((err as { code?: string }).code ?? '');

export class SqliteStore {
  private readonly db: SqliteDatabase;
  private readonly insertDocStmt: Statement;
  private readonly replaceDocStmt: Statement;
  private readonly deleteDocStmt: Statement;
  private readonly putCollStmt: Statement;
  private readonly putIndexStmt: Statement;
  private readonly dropIndexStmt: Statement;
  private readonly getDocStmt: Statement;
  private readonly addEntryStmt: Statement;
  private readonly removeEntryStmt: Statement;
  private readonly otherHolderStmt: Statement;
  /** Range-scan statements by direction; a busy one (an open scan) gets a sibling. */
  private readonly scanStmts = new Map<string, Statement[]>();
  private readonly beginStmt: Statement;
  private readonly commitStmt: Statement;
  private readonly rollbackStmt: Statement;
  /** `INSERT OR IGNORE` of n entries in one statement, by n (1..ENTRY_BATCH). */
  private readonly addEntriesStmts: Statement[] = [];
  /** `INSERT` of DOCUMENT_BATCH documents in one statement (a duplicate _id fails the whole statement, nothing else). */
  private readonly insertDocsStmt: Statement;
  /**
   * Index entries added in the open transaction and not yet written: written together, sorted by tree and key,
   * before anything reads or deletes index entries and before COMMIT — far fewer B-tree descents and native
   * calls than one INSERT per entry, the bulk of a write's cost with a dozen indexes.
   */
  private pendingEntries: { ix: number; key: Buffer; id: string }[] = [];
  /** Documents and index entries per collection and tree (counts and bytes), kept in step with every write. */
  private readonly sizes: SizeLedger;
  private dirty = false;
  /** Commits since the last checkpoint, and when the last one was (Date.now()). */
  private uncheckpointed = 0;
  private lastCommitAt = 0;
  private depth = 0;
  /** Inverse in-memory operations of the open transaction, run in reverse if it rolls back. */
  private undoLog: (() => void)[] = [];

  private walFd: number | undefined;
  private flushing = false;
  private closed = false;

  /**
   * Opens the data file and takes its exclusive lock — the lock on the whole data directory. Two
   * openers racing can each hold a shared lock the other needs; both back off and retry, so within
   * `waitMs` exactly one wins and the other gets StoreLockedError.
   */
  /**
   * SQLite's page cache, in bytes (its part of DB_CACHE_MB; default 2 MiB would be too small: index inserts land
   * all over index_entries). Beyond it the OS cache serves.
   */
  setPageCache(bytes: number): void {
    this.db.pragma(`cache_size = -${Math.max(1024, Math.floor(bytes / 1024))}`);
  }

  static openExclusive(file: string, waitMs = 1500): SqliteStore {
    const deadline = Date.now() + waitMs;
    for (;;) {
      try {
        return new SqliteStore(file);
      } catch (err) {
        if (!isBusy(err)) throw err;
        if (Date.now() >= deadline) throw new StoreLockedError(`${file} is locked by another process`);
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10 + Math.floor(Math.random() * 40));
      }
    }
  }

  private constructor(private readonly file: string) {
    // The data file and (SQLite copies the mode) its WAL are readable by the owner only.
    fs.closeSync(fs.openSync(file, 'a', 0o600));
    for (const f of [file, `${file}-wal`, `${file}-shm`]) if (fs.existsSync(f)) fs.chmodSync(f, 0o600); // files of an older, laxer version
    this.db = new Database(file, { timeout: 0 });
    try {
      // WAL journal and, with exclusive locking, no shared-memory index: the lock is an fcntl lock on the
      // file, released by the kernel when this process dies.
      this.db.pragma('locking_mode = EXCLUSIVE');
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      // 16 MiB of pages until the engine sets its share of DB_CACHE_MB (setPageCache).
      this.db.pragma('cache_size = -16384');
      // Checkpoints run when the engine has been idle for a second (checkpointWhenIdle), off any command's path;
      // SQLite's own, inside a COMMIT, only once ~200 MiB of WAL piled up under sustained writes (default ~4 MiB).
      // A checkpoint copies each page once however many batches rewrote it, and fsyncs the data file: during a
      // bulk load that fsync was most of a COMMIT's wall time. After a checkpoint the WAL file shrinks to 64 MiB.
      this.db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
      this.db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT}`);
      this.db.exec(`
        CREATE TABLE IF NOT EXISTS collections (ns TEXT PRIMARY KEY, options BLOB NOT NULL);
        CREATE TABLE IF NOT EXISTS indexes (ns TEXT NOT NULL, name TEXT NOT NULL, spec BLOB NOT NULL, PRIMARY KEY (ns, name));
        CREATE TABLE IF NOT EXISTS documents (${DOCUMENTS_COLUMNS});
        CREATE TABLE IF NOT EXISTS document_counts (ns TEXT PRIMARY KEY, n INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS index_trees (ix INTEGER PRIMARY KEY, ns TEXT NOT NULL, name TEXT NOT NULL, multikey INTEGER NOT NULL DEFAULT 0, UNIQUE (ns, name));
        CREATE TABLE IF NOT EXISTS index_entries (ix INTEGER NOT NULL, key BLOB NOT NULL, id TEXT NOT NULL, PRIMARY KEY (ix, key, id)) WITHOUT ROWID;
      `);
      // Take the exclusive lock now rather than on the first write.
      this.db.exec('BEGIN IMMEDIATE; COMMIT;');
      this.upgradeDocumentsTable();
      this.sizes = new SizeLedger(this.db);
    } catch (err) {
      this.db.close();
      throw err;
    }
    this.insertDocStmt = this.db.prepare('INSERT INTO documents (ns, id, body) VALUES (?, ?, ?)');
    this.replaceDocStmt = this.db.prepare('UPDATE documents SET body = ? WHERE ns = ? AND id = ?');
    this.deleteDocStmt = this.db.prepare('DELETE FROM documents WHERE ns = ? AND id = ?');
    this.putCollStmt = this.db.prepare('INSERT OR REPLACE INTO collections (ns, options) VALUES (?, ?)');
    this.putIndexStmt = this.db.prepare('INSERT OR REPLACE INTO indexes (ns, name, spec) VALUES (?, ?, ?)');
    this.dropIndexStmt = this.db.prepare('DELETE FROM indexes WHERE ns = ? AND name = ?');
    this.getDocStmt = this.db.prepare('SELECT body FROM documents WHERE ns = ? AND id = ?').pluck();
    this.addEntryStmt = this.db.prepare('INSERT OR IGNORE INTO index_entries (ix, key, id) VALUES (?, ?, ?)');
    this.insertDocsStmt = this.db.prepare(`INSERT INTO documents (ns, id, body) VALUES ${Array(DOCUMENT_BATCH).fill('(?, ?, ?)').join(', ')}`);
    this.removeEntryStmt = this.db.prepare('DELETE FROM index_entries WHERE ix = ? AND key = ? AND id = ?');
    this.otherHolderStmt = this.db.prepare('SELECT id FROM index_entries WHERE ix = ? AND key = ? AND id <> ? LIMIT 1').pluck();
    this.beginStmt = this.db.prepare('BEGIN');
    this.commitStmt = this.db.prepare('COMMIT');
    this.rollbackStmt = this.db.prepare('ROLLBACK');
  }

  /** A data file from before rowid documents (WITHOUT ROWID) is copied into the new table once, at open. */
  private upgradeDocumentsTable(): void {
    const sql = this.db.prepare("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'documents'").pluck().get() as string;
    if (!/WITHOUT\s+ROWID/i.test(sql)) return;
    this.db.exec(`
      BEGIN;
      CREATE TABLE documents_rowid (${DOCUMENTS_COLUMNS});
      INSERT INTO documents_rowid (ns, id, body) SELECT ns, id, body FROM documents ORDER BY ns, id;
      DROP TABLE documents;
      ALTER TABLE documents_rowid RENAME TO documents;
      COMMIT;
    `);
  }

  /** The data file's format version (SQLite's user_version): 1 = collated indexes hold collation keys. */
  get formatVersion(): number {
    return Number(this.db.pragma('user_version', { simple: true }));
  }

  set formatVersion(v: number) {
    this.db.pragma(`user_version = ${Math.trunc(v)}`);
  }

  /**
   * Runs `fn` inside one SQLite transaction (nested calls join the outer one). If `fn` throws, SQLite
   * rolls back and so does memory: every in-memory change registered with `onRollback` is undone,
   * newest first, so memory and disk never disagree about a failed command.
   */
  transaction<T>(fn: () => T): T {
    if (this.depth > 0) return fn();
    this.beginStmt.run();
    this.depth++;
    this.undoLog = [];
    try {
      const result = fn();
      this.writePendingEntries();
      this.sizes.write();
      this.commitStmt.run();
      this.uncheckpointed++;
      this.lastCommitAt = Date.now();
      return result;
    } catch (err) {
      this.pendingEntries = [];
      this.sizes.discard();
      if (this.db.inTransaction) this.rollbackStmt.run();
      const undo = this.undoLog;
      for (let i = undo.length - 1; i >= 0; i--) undo[i]();
      throw err;
    } finally {
      this.depth--;
      this.undoLog = [];
    }
  }

  /** Registers the inverse of an in-memory change made inside the current transaction (a no-op outside one). */
  onRollback(undo: () => void): void {
    if (this.depth > 0) this.undoLog.push(undo);
  }

  collections(): StoredCollection[] {
    return this.db.prepare('SELECT ns, options FROM collections').all() as StoredCollection[];
  }

  indexes(): { ns: string; name: string; spec: Buffer }[] {
    return this.db.prepare('SELECT ns, name, spec FROM indexes').all() as { ns: string; name: string; spec: Buffer }[];
  }

  /** Every document of a collection, in _id-key order (a scan: nothing is kept). */
  *documents(ns: string): Generator<{ id: string; body: Buffer }> {
    yield* this.statement('docs', 'SELECT id, body FROM documents WHERE ns = ? ORDER BY id').iterate(ns) as Iterable<{ id: string; body: Buffer }>;
  }

  /** Documents whose id key is greater than `after`, at most `limit` of them (batches that leave no query open). */
  documentsAfter(ns: string, after: string, limit: number): { id: string; body: Buffer }[] {
    return this.statement('docsAfter', 'SELECT id, body FROM documents WHERE ns = ? AND id > ? ORDER BY id LIMIT ?').all(ns, after, limit) as { id: string; body: Buffer }[];
  }

  hasDocument(ns: string, id: string): boolean {
    return this.statement('hasDoc', 'SELECT 1 FROM documents WHERE ns = ? AND id = ?').pluck().get(ns, id) !== undefined;
  }

  getDocument(ns: string, id: string): Buffer | undefined {
    return this.getDocStmt.get(ns, id) as Buffer | undefined;
  }

  /** Documents in a collection, from the kept figures (document_counts): nothing is scanned. */
  countDocuments(ns: string): number {
    return this.sizes.count(ns);
  }

  /** BSON bytes of a collection's documents, kept like its count. */
  documentBytes(ns: string): number {
    return this.sizes.collection(ns).bytes;
  }

  /** The index trees (entry sets) of every index, by namespace and name. */
  indexTrees(): { ix: number; ns: string; name: string; multikey: number }[] {
    return this.db.prepare('SELECT ix, ns, name, multikey FROM index_trees ORDER BY ix').all() as { ix: number; ns: string; name: string; multikey: number }[];
  }

  createIndexTree(ns: string, name: string): number {
    this.dirty = true;
    const ix = Number(this.db.prepare('INSERT INTO index_trees (ns, name) VALUES (?, ?)').run(ns, name).lastInsertRowid);
    this.sizes.treeCreated(ix);
    return ix;
  }

  dropIndexTree(ix: number): void {
    this.writePendingEntries();
    this.db.prepare('DELETE FROM index_entries WHERE ix = ?').run(ix);
    this.db.prepare('DELETE FROM index_trees WHERE ix = ?').run(ix);
    this.sizes.forgetTree(ix);
    this.dirty = true;
  }

  /** Records which fields of an index are multikey (a bitmask; bits are only ever added). */
  markMultikey(ix: number, fields: number): void {
    this.db.prepare('UPDATE index_trees SET multikey = ? WHERE ix = ?').run(fields, ix);
    this.dirty = true;
  }

  /** `deferred`: the entry may wait for the end of the transaction (not for unique indexes, whose checks read their tree). */
  addIndexEntry(ix: number, key: Buffer, id: string, deferred = false): void {
    this.dirty = true;
    if (deferred && this.depth > 0) this.pendingEntries.push({ ix, key, id });
    else if (this.addEntryStmt.run(ix, key, id).changes > 0) this.sizes.entriesChanged(ix, 1, key.length + id.length);
  }

  /** Writes the deferred index entries, sorted (B-tree order), ENTRY_BATCH to a statement. */
  private writePendingEntries(): void {
    const entries = this.pendingEntries;
    if (entries.length === 0) return;
    this.pendingEntries = [];
    // Keys compared as latin1 strings (one code unit per byte: the same order as memcmp) — one native call per
    // entry instead of one Buffer.compare per comparison.
    const order = entries.map((e) => ({ e, k: e.key.toString('latin1') }));
    order.sort((a, b) => a.e.ix - b.e.ix || (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
    for (let n = 0; n < order.length; n++) entries[n] = order[n].e;
    // Each tree's entries in statements of ENTRY_BATCH rows, its last few in one statement of their own size.
    for (let start = 0; start < entries.length; ) {
      const ix = entries[start].ix;
      let end = start;
      while (end < entries.length && entries[end].ix === ix) end++;
      for (let i = start; i < end; i += ENTRY_BATCH) this.addEntryChunk(ix, entries, i, Math.min(i + ENTRY_BATCH, end));
      start = end;
    }
  }

  /** One multi-row INSERT OR IGNORE of entries[from, to) of tree `ix`; counted in the tree's kept figures. */
  private addEntryChunk(ix: number, entries: { ix: number; key: Buffer; id: string }[], from: number, to: number): void {
    const rows = to - from;
    const params: unknown[] = new Array(rows * 3);
    let bytes = 0;
    for (let j = 0; j < rows; j++) {
      const e = entries[from + j];
      params[3 * j] = ix;
      params[3 * j + 1] = e.key;
      params[3 * j + 2] = e.id;
      bytes += e.key.length + e.id.length;
    }
    // Should an entry already be there (not expected), which one is unknown: the tree is recounted when asked.
    if (this.addEntriesStatement(rows).run(params).changes === rows) this.sizes.entriesChanged(ix, rows, bytes);
    else this.sizes.treeUnknown(ix);
  }

  /** `INSERT OR IGNORE` of `rows` entries in one statement, prepared once per size. */
  private addEntriesStatement(rows: number): Statement {
    let stmt = this.addEntriesStmts[rows];
    if (!stmt) this.addEntriesStmts[rows] = stmt = this.db.prepare(`INSERT OR IGNORE INTO index_entries (ix, key, id) VALUES ${Array(rows).fill('(?, ?, ?)').join(', ')}`);
    return stmt;
  }

  removeIndexEntry(ix: number, key: Buffer, id: string): void {
    this.writePendingEntries();
    if (this.removeEntryStmt.run(ix, key, id).changes > 0) this.sizes.entriesChanged(ix, -1, -(key.length + id.length));
    this.dirty = true;
  }

  /** Another document holding exactly this key in the index, if any (unique checks; their entries are never deferred). */
  otherHolder(ix: number, key: Buffer, id: string): string | undefined {
    return this.otherHolderStmt.get(ix, key, id) as string | undefined;
  }

  /** Entries of an index tree and their key + id bytes, from the kept figures (index_trees): nothing is scanned. */
  indexTreeSize(ix: number): Tally {
    this.writePendingEntries();
    return this.sizes.tree(ix);
  }

  /**
   * Bytes on disk per byte of kept figures (documents' BSON and index entries' key + id): the data file's pages in
   * use over the kept bytes of everything in it. Collections and indexes share SQLite's tables, so their storage
   * sizes are their kept bytes scaled by this (B-tree pages are 60–100 % full; the row and page overhead is shared).
   */
  storageFactor(): number {
    this.writePendingEntries();
    const used = this.db.prepare('SELECT (page_count - freelist_count) * page_size FROM pragma_page_count(), pragma_freelist_count(), pragma_page_size()').pluck().get() as number;
    const { documentBytes, entryBytes } = this.sizes.totals(this.db);
    return documentBytes + entryBytes > 0 ? Math.max(1, used / (documentBytes + entryBytes)) : 1;
  }

  /** How many entries have lower <= key < upper, counting no further than `cap` (0: no cap) — inside SQLite, nothing read out. */
  countIndexRange(ix: number, lower: Buffer, upper: Buffer, cap: number): number {
    this.writePendingEntries();
    return this.statement('countRange', 'SELECT count(*) FROM (SELECT 1 FROM index_entries WHERE ix = ? AND key >= ? AND key < ? LIMIT ?)')
      .pluck()
      .get(ix, lower, upper, cap > 0 ? cap : -1) as number;
  }

  /** Keys of the entries with lower <= key < upper, in key order; with `contains`, only keys holding those bytes. */
  *scanIndexKeys(ix: number, lower: Buffer, upper: Buffer, contains?: Buffer): Generator<Buffer> {
    this.writePendingEntries();
    const stmt = contains
      ? this.statement('keysContaining', 'SELECT key FROM index_entries WHERE ix = ? AND key >= ? AND key < ? AND instr(key, ?) > 0 ORDER BY key, id')
      : this.statement('keys', 'SELECT key FROM index_entries WHERE ix = ? AND key >= ? AND key < ? ORDER BY key, id');
    yield* stmt.pluck().iterate(...(contains ? [ix, lower, upper, contains] : [ix, lower, upper])) as Iterable<Buffer>;
  }

  /** Document ids of index entries with lower <= key < upper, in key order (then id), or reversed. */
  *scanIndex(ix: number, lower: Buffer, upper: Buffer, reverse: boolean): Generator<string> {
    this.writePendingEntries();
    const stmt = reverse
      ? this.statement('scanDesc', 'SELECT id FROM index_entries WHERE ix = ? AND key >= ? AND key < ? ORDER BY key DESC, id DESC')
      : this.statement('scanAsc', 'SELECT id FROM index_entries WHERE ix = ? AND key >= ? AND key < ? ORDER BY key, id');
    yield* stmt.pluck().iterate(ix, lower, upper) as Iterable<string>;
  }

  /** The document id of the first index entry with lower <= key < upper (a point lookup: one step, no iterator). */
  firstInIndex(ix: number, lower: Buffer, upper: Buffer): string | undefined {
    this.writePendingEntries();
    return this.statement('scanAsc', 'SELECT id FROM index_entries WHERE ix = ? AND key >= ? AND key < ? ORDER BY key, id').pluck().get(ix, lower, upper) as string | undefined;
  }

  /** A cached prepared statement that is not in the middle of a scan (nested scans get their own). */
  private statement(name: string, sql: string): Statement {
    let pool = this.scanStmts.get(name);
    if (!pool) this.scanStmts.set(name, (pool = []));
    for (const s of pool) if (!s.busy) return s;
    const s = this.db.prepare(sql);
    pool.push(s);
    return s;
  }

  /** Stores a new document; false (nothing written) when the collection already holds this _id. */
  insertDocument(ns: string, id: string, body: Uint8Array): boolean {
    try {
      this.insertDocStmt.run(ns, id, body);
      this.sizes.documentsChanged(ns, 1, body.length);
    } catch (err) {
      if (isDuplicate(err)) return false;
      throw err;
    }
    this.dirty = true;
    return true;
  }

  /**
   * Stores new documents in order, DOCUMENT_BATCH rows to a statement; returns the positions of those whose _id
   * was taken (nothing written for them). A statement that meets a duplicate undoes only itself, and its rows are
   * then stored one by one. With `stopAtDuplicate` nothing after the first duplicate is stored.
   */
  insertDocuments(ns: string, rows: readonly { id: string; body: Uint8Array }[], stopAtDuplicate: boolean): number[] {
    const duplicates: number[] = [];
    const params: unknown[] = new Array(DOCUMENT_BATCH * 3);
    let i = 0;
    while (i < rows.length) {
      if (i + DOCUMENT_BATCH <= rows.length) {
        let bytes = 0;
        for (let j = 0; j < DOCUMENT_BATCH; j++) {
          params[3 * j] = ns;
          params[3 * j + 1] = rows[i + j].id;
          params[3 * j + 2] = rows[i + j].body;
          bytes += rows[i + j].body.length;
        }
        try {
          this.insertDocsStmt.run(params);
          this.sizes.documentsChanged(ns, DOCUMENT_BATCH, bytes);
          this.dirty = true;
          i += DOCUMENT_BATCH;
          continue;
        } catch (err) {
          if (!isDuplicate(err)) throw err;
        }
      }
      const end = Math.min(i + DOCUMENT_BATCH, rows.length);
      for (; i < end; i++) {
        if (this.insertDocument(ns, rows[i].id, rows[i].body)) continue;
        duplicates.push(i);
        if (stopAtDuplicate) return duplicates;
      }
    }
    return duplicates;
  }

  /** `previousBytes`: the stored body's length (kept in the collection's byte figure). */
  replaceDocument(ns: string, id: string, body: Uint8Array, previousBytes: number): void {
    if (this.replaceDocStmt.run(body, ns, id).changes > 0) this.sizes.documentsChanged(ns, 0, body.length - previousBytes);
    this.dirty = true;
  }

  deleteDocument(ns: string, id: string, bytes: number): void {
    if (this.deleteDocStmt.run(ns, id).changes > 0) this.sizes.documentsChanged(ns, -1, -bytes);
    this.dirty = true;
  }

  putCollection(ns: string, options: Uint8Array): void {
    this.putCollStmt.run(ns, options);
    this.dirty = true;
  }

  dropCollection(ns: string): void {
    this.writePendingEntries();
    this.db.prepare('DELETE FROM index_entries WHERE ix IN (SELECT ix FROM index_trees WHERE ns = ?)').run(ns);
    this.db.prepare('DELETE FROM index_trees WHERE ns = ?').run(ns);
    this.db.prepare('DELETE FROM documents WHERE ns = ?').run(ns);
    this.sizes.forgetCollection(ns);
    this.db.prepare('DELETE FROM document_counts WHERE ns = ?').run(ns);
    this.db.prepare('DELETE FROM indexes WHERE ns = ?').run(ns);
    this.db.prepare('DELETE FROM collections WHERE ns = ?').run(ns);
    this.dirty = true;
  }

  renameCollection(from: string, to: string): void {
    this.writePendingEntries();
    this.sizes.write();
    this.db.prepare('UPDATE documents SET ns = ? WHERE ns = ?').run(to, from);
    this.db.prepare('DELETE FROM document_counts WHERE ns = ?').run(to);
    this.db.prepare('UPDATE document_counts SET ns = ? WHERE ns = ?').run(to, from);
    this.db.prepare('UPDATE indexes SET ns = ? WHERE ns = ?').run(to, from);
    this.db.prepare('UPDATE index_trees SET ns = ? WHERE ns = ?').run(to, from);
    this.db.prepare('UPDATE collections SET ns = ? WHERE ns = ?').run(to, from);
    this.dirty = true;
  }

  putIndex(ns: string, name: string, spec: Uint8Array): void {
    this.putIndexStmt.run(ns, name, spec);
    this.dirty = true;
  }

  dropIndex(ns: string, name: string): void {
    this.dropIndexStmt.run(ns, name);
    this.dirty = true;
  }

  /**
   * Forces everything committed so far to stable storage by fdatasync-ing the WAL (committed
   * transactions live there until a checkpoint, which SQLite syncs itself).
   */
  sync(force = false): void {
    if (!this.dirty && !force) return;
    this.dirty = false;
    if (this.walFd === undefined) {
      try {
        this.walFd = fs.openSync(this.file + '-wal', 'r+');
      } catch {
        this.db.pragma('wal_checkpoint(PASSIVE)');
        return;
      }
    }
    fs.fdatasyncSync(this.walFd);
  }

  /** Periodic flush: the same as sync() but the fdatasync runs on libuv's thread pool, off the event loop. */
  flushInBackground(onError: (err: Error) => void): void {
    if (!this.dirty || this.flushing) return;
    if (this.walFd === undefined) return this.sync();
    this.dirty = false;
    this.flushing = true;
    const fd = this.walFd;
    fs.fdatasync(fd, (err) => {
      this.flushing = false;
      if (this.closed) {
        fs.close(fd, () => undefined);
        return;
      }
      if (err) {
        this.dirty = true;
        onError(err);
      }
    });
  }

  /**
   * Copies the WAL back into the data file once nothing was committed for IDLE_CHECKPOINT_MS (called by the
   * engine's periodic timer): the checkpoint's fsync then delays no write that is waiting for its reply.
   */
  checkpointWhenIdle(now = Date.now()): void {
    if (this.uncheckpointed === 0 || this.depth > 0 || now - this.lastCommitAt < IDLE_CHECKPOINT_MS) return;
    this.uncheckpointed = 0;
    this.db.pragma('wal_checkpoint(PASSIVE)');
  }

  fileSize(): number {
    const row = this.db.prepare('SELECT page_count * page_size AS size FROM pragma_page_count(), pragma_page_size()').get() as { size: number };
    return row.size;
  }

  close(): void {
    this.closed = true;
    // an in-flight background fdatasync closes the descriptor when it finishes
    if (this.walFd !== undefined && !this.flushing) fs.closeSync(this.walFd);
    this.walFd = undefined;
    try {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      this.db.close();
    }
  }
}
