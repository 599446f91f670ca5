/** Shared state of one running engine: catalog, cursors, storage, and the logger. */
import { Catalog } from './storage/catalog';
import { CursorManager } from './cursors';
import type { SqliteStore } from './storage/sqlite-store';

export type LogFn = (level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;

export interface ConnectionInfo {
  id: number;
  remote: string;
}

export class Engine {
  readonly catalog: Catalog;
  readonly cursors = new CursorManager();
  readonly startedAt = Date.now();
  connectionsCurrent = 0;
  connectionsTotal = 0;
  host = '127.0.0.1';
  port = 0;

  constructor(readonly store: SqliteStore, readonly dbPath: string, readonly log: LogFn) {
    this.catalog = new Catalog(store);
  }
}
