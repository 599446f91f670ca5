/** Shared state of one running engine: catalog, cursors, storage, and the logger. */
import { Catalog } from './storage/catalog';
import { CursorManager } from './cursors';
import { DocumentCache } from './storage/document-cache';
import { HeapRelease } from './heap-release';
import type { SqliteStore } from './storage/sqlite-store';
import type { ScramCredentials } from './auth/scram';

export type LogFn = (level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;

export type Transport = 'unix' | 'tcp';

export interface ConnectionInfo {
  id: number;
  remote: string;
  transport: Transport;
  /** Unix-socket connections are trusted (the directory is the owner's only); TCP ones sign in when auth is on. */
  authenticated: boolean;
  /** SCRAM conversation in progress on this connection. */
  sasl?: unknown;
}

export class Engine {
  readonly catalog: Catalog;
  readonly cursors = new CursorManager();
  readonly startedAt = Date.now();
  connectionsCurrent = 0;
  connectionsTotal = 0;
  host = '127.0.0.1';
  port = 0;
  /** SCRAM-SHA-256 credentials TCP clients must present; undefined = TCP without authentication. */
  auth?: ScramCredentials;

  readonly cache: DocumentCache;
  readonly heap: HeapRelease | undefined;

  constructor(
    readonly store: SqliteStore,
    readonly dbPath: string,
    readonly log: LogFn,
    cacheBytes: number,
    releaseHeap = false,
  ) {
    this.cache = new DocumentCache(cacheBytes);
    this.heap = releaseHeap ? new HeapRelease() : undefined;
    this.catalog = new Catalog(store, this.cache);
  }
}
