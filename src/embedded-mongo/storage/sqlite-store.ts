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

export interface StoredCollection {
  ns: string;
  options: Buffer;
}

/** The data file is held by another process (its exclusive lock did not come free in time). */
export class StoreLockedError extends Error {}

const isBusy = (err: unknown) => /^SQLITE_(BUSY|LOCKED)/.test((err as { code?: string }).code ?? '');

export class SqliteStore {
  private readonly db: SqliteDatabase;
  private readonly putDocStmt: Statement;
  private readonly deleteDocStmt: Statement;
  private readonly putCollStmt: Statement;
  private readonly putIndexStmt: Statement;
  private readonly dropIndexStmt: Statement;
  private readonly beginStmt: Statement;
  private readonly commitStmt: Statement;
  private readonly rollbackStmt: Statement;
  private dirty = false;
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
      this.db.exec(`
        CREATE TABLE IF NOT EXISTS collections (ns TEXT PRIMARY KEY, options BLOB NOT NULL);
        CREATE TABLE IF NOT EXISTS indexes (ns TEXT NOT NULL, name TEXT NOT NULL, spec BLOB NOT NULL, PRIMARY KEY (ns, name));
        CREATE TABLE IF NOT EXISTS documents (ns TEXT NOT NULL, id TEXT NOT NULL, body BLOB NOT NULL, PRIMARY KEY (ns, id)) WITHOUT ROWID;
      `);
      // Take the exclusive lock now rather than on the first write.
      this.db.exec('BEGIN IMMEDIATE; COMMIT;');
    } catch (err) {
      this.db.close();
      throw err;
    }
    this.putDocStmt = this.db.prepare('INSERT OR REPLACE INTO documents (ns, id, body) VALUES (?, ?, ?)');
    this.deleteDocStmt = this.db.prepare('DELETE FROM documents WHERE ns = ? AND id = ?');
    this.putCollStmt = this.db.prepare('INSERT OR REPLACE INTO collections (ns, options) VALUES (?, ?)');
    this.putIndexStmt = this.db.prepare('INSERT OR REPLACE INTO indexes (ns, name, spec) VALUES (?, ?, ?)');
    this.dropIndexStmt = this.db.prepare('DELETE FROM indexes WHERE ns = ? AND name = ?');
    this.beginStmt = this.db.prepare('BEGIN');
    this.commitStmt = this.db.prepare('COMMIT');
    this.rollbackStmt = this.db.prepare('ROLLBACK');
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
      this.commitStmt.run();
      return result;
    } catch (err) {
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

  *documents(ns: string): Generator<{ id: string; body: Buffer }> {
    yield* this.db.prepare('SELECT id, body FROM documents WHERE ns = ?').iterate(ns) as Iterable<{ id: string; body: Buffer }>;
  }

  putDocument(ns: string, id: string, body: Uint8Array): void {
    this.putDocStmt.run(ns, id, body);
    this.dirty = true;
  }

  deleteDocument(ns: string, id: string): void {
    this.deleteDocStmt.run(ns, id);
    this.dirty = true;
  }

  putCollection(ns: string, options: Uint8Array): void {
    this.putCollStmt.run(ns, options);
    this.dirty = true;
  }

  dropCollection(ns: string): void {
    this.db.prepare('DELETE FROM documents WHERE ns = ?').run(ns);
    this.db.prepare('DELETE FROM indexes WHERE ns = ?').run(ns);
    this.db.prepare('DELETE FROM collections WHERE ns = ?').run(ns);
    this.dirty = true;
  }

  renameCollection(from: string, to: string): void {
    this.db.prepare('UPDATE documents SET ns = ? WHERE ns = ?').run(to, from);
    this.db.prepare('UPDATE indexes SET ns = ? WHERE ns = ?').run(to, from);
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
