/**
 * Embedded MongoDB-wire-compatible engine. Self-contained: imports nothing from the application.
 * See README.md in this directory for what is supported and the durability model.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Engine, type LogFn } from './engine';
import { acquireLock, DataDirLockedError, findRunningEngine, pidAlive, readAddress, removeAddress, writeAddress } from './lock';
import { WireServer } from './server';
import { SqliteStore } from './storage/sqlite-store';
import { sweepExpired } from './ttl';

export { DataDirLockedError, findRunningEngine };

export interface EmbeddedMongo {
  uri: string;
  host: string;
  port: number;
  stop(): Promise<void>;
}

export interface EmbeddedMongoOptions {
  dbPath: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 = ephemeral; default 27017. */
  port?: number;
  log?: LogFn;
}

const SYNC_INTERVAL_MS = 100;
const TTL_INTERVAL_MS = 1000;
const CURSOR_REAP_INTERVAL_MS = 60_000;
export const DATA_FILE = 'engine.sqlite';

const defaultLog: LogFn = (level, msg, fields) => {
  if (level === 'error') console.error(`[embedded-mongo] ${msg}`, fields ?? '');
};

export async function startEmbeddedMongo(options: EmbeddedMongoOptions): Promise<EmbeddedMongo> {
  const dbPath = path.resolve(options.dbPath);
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? defaultLog;
  fs.mkdirSync(dbPath, { recursive: true });
  const release = acquireLock(dbPath);
  let store: SqliteStore | undefined;
  try {
    try {
      store = new SqliteStore(path.join(dbPath, DATA_FILE));
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_BUSY') {
        const addr = readAddress(dbPath);
        throw new DataDirLockedError(dbPath, addr?.pid, addr && pidAlive(addr.pid) ? addr : undefined);
      }
      throw err;
    }
    const engine = new Engine(store, dbPath, log);
    const loadStart = Date.now();
    engine.catalog.load();
    const server = new WireServer(engine);
    const addr = await server.listen(host, options.port ?? 27017);
    engine.host = addr.host;
    engine.port = addr.port;
    writeAddress(dbPath, { host: addr.host, port: addr.port, pid: process.pid });
    log('info', 'embedded mongo listening', { host: addr.host, port: addr.port, dbPath, loadMs: Date.now() - loadStart });

    const openStore = store;
    const timers = [
      setInterval(() => guard(log, 'sync', () => openStore.flushInBackground((err) => log('error', 'WAL fsync failed', { error: err.message }))), SYNC_INTERVAL_MS),
      setInterval(() => guard(log, 'ttl sweep', () => sweepExpired(engine)), TTL_INTERVAL_MS),
      setInterval(() => engine.cursors.reap(), CURSOR_REAP_INTERVAL_MS),
    ];
    for (const t of timers) t.unref();

    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= (async () => {
        for (const t of timers) clearInterval(t);
        await server.close();
        engine.cursors.clear();
        guard(log, 'close store', () => openStore.close());
        removeAddress(dbPath);
        release();
        log('info', 'embedded mongo stopped', { dbPath });
      })());
    const uriHost = addr.host.includes(':') ? `[${addr.host}]` : addr.host;
    return { uri: `mongodb://${uriHost}:${addr.port}/`, host: addr.host, port: addr.port, stop };
  } catch (err) {
    try {
      store?.close();
    } catch {
      /* already failing */
    }
    release();
    throw err;
  }
}

function guard(log: LogFn, what: string, fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    log('error', `${what} failed`, { error: (err as Error).message });
  }
}
