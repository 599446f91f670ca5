/**
 * Embedded MongoDB-wire-compatible engine. Self-contained: imports nothing from the application.
 * See README.md in this directory for what is supported and the durability model.
 */
import fs from 'node:fs';
import path from 'node:path';
import { deriveCredentials } from './auth/scram';
import { Engine, type LogFn } from './engine';
import {
  DataDirLockedError,
  findRunningEngine,
  holdInProcess,
  readAddress,
  removeAddress,
  removeLockInfo,
  SOCKET_FILE,
  writeAddress,
  writeLockInfo,
  type EngineAddress,
  type EngineRole,
} from './lock';
import { WireServer } from './server';
import { SqliteStore, StoreLockedError } from './storage/sqlite-store';
import { sweepExpired } from './ttl';

export { DataDirLockedError, findRunningEngine, type EngineAddress, type EngineRole };

export interface EmbeddedMongo {
  /** Connection string over the Unix domain socket (no credentials needed: the socket is the owner's only). */
  uri: string;
  socketPath: string;
  /** Connection string over TCP, when a TCP listener was asked for (credentials not included). */
  tcpUri?: string;
  host?: string;
  port?: number;
  stop(): Promise<void>;
}

export interface EmbeddedMongoOptions {
  dbPath: string;
  /**
   * Also listen on TCP (for mongosh / Compass): `port` 0 = ephemeral. TCP clients must sign in with
   * `tcpAuth` (SCRAM-SHA-256); `tcpAuth: 'none'` is only allowed on a loopback address.
   */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  tcpAuth?: { username: string; password: string } | 'none';
  /** Published in engine.addr.json so a second service can tell who owns the directory. */
  role?: EngineRole;
  /**
   * Bound of the engine's caches, in MiB (default 64): SQLite's page cache takes a quarter (at most 16 MiB),
   * the document cache (deserialized documents) the rest.
   */
  cacheMb?: number;
  /** Run a full GC after a command that grew the heap (heap-release.ts). Default true. */
  releaseHeap?: boolean;
  /** How long to wait for the directory's lock (a racing opener backs off). Default 1.5 s. */
  lockWaitMs?: number;
  log?: LogFn;
}

const SYNC_INTERVAL_MS = 100;
const TTL_INTERVAL_MS = 1000;
const CURSOR_REAP_INTERVAL_MS = 60_000;
export const DATA_FILE = 'engine.sqlite';
export const DEFAULT_CACHE_MB = 64;
/** sockaddr_un.sun_path is 108 bytes on Linux, 104 on macOS. */
const MAX_SOCKET_PATH = 103;

const defaultLog: LogFn = (level, msg, fields) => {
  if (level === 'error') console.error(`[embedded-mongo] ${msg}`, fields ?? '');
};

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The driver's connection string for a Unix domain socket (the path URL-encoded as the host). */
export function socketUri(socketPath: string): string {
  return `mongodb://${encodeURIComponent(socketPath)}/`;
}

/** Creates the data directory (or tightens an existing one) so only its owner can enter it. */
function preparePrivateDir(dbPath: string): void {
  fs.mkdirSync(dbPath, { recursive: true, mode: 0o700 });
  fs.chmodSync(dbPath, 0o700);
}

function checkTcpOptions(options: EmbeddedMongoOptions, host: string): void {
  if (options.port === undefined) return;
  if (options.tcpAuth === undefined) throw new Error('a TCP listener needs credentials (tcpAuth) or, on loopback only, tcpAuth: "none"');
  if (options.tcpAuth === 'none' && !isLoopback(host)) throw new Error(`TCP without authentication is allowed on loopback only, not on ${host}`);
}

export async function startEmbeddedMongo(options: EmbeddedMongoOptions): Promise<EmbeddedMongo> {
  const dbPath = path.resolve(options.dbPath);
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? defaultLog;
  const socketPath = path.join(dbPath, SOCKET_FILE);
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH) {
    throw new Error(`data directory path too long for its Unix socket (${socketPath}); use a shorter DATA_DIR`);
  }
  checkTcpOptions(options, host);
  preparePrivateDir(dbPath);
  const releaseInProcess = holdInProcess(dbPath);
  let store: SqliteStore | undefined;
  let server: WireServer | undefined;
  try {
    try {
      store = SqliteStore.openExclusive(path.join(dbPath, DATA_FILE), options.lockWaitMs);
    } catch (err) {
      if (err instanceof StoreLockedError) {
        const addr = (await findRunningEngine(dbPath)) ?? undefined;
        throw new DataDirLockedError(dbPath, addr, addr ? undefined : readAddress(dbPath)?.pid);
      }
      throw err;
    }
    writeLockInfo(dbPath);
    const cacheBytes = (options.cacheMb ?? DEFAULT_CACHE_MB) * 1024 * 1024;
    const pageCacheBytes = Math.min(16 * 1024 * 1024, Math.floor(cacheBytes / 4));
    store.setPageCache(pageCacheBytes);
    const engine = new Engine(store, dbPath, log, cacheBytes - pageCacheBytes, options.releaseHeap ?? true);
    // runs a sort spilled before a crash
    fs.rmSync(path.join(dbPath, '_tmp'), { recursive: true, force: true });
    if (options.tcpAuth && options.tcpAuth !== 'none') engine.auth = deriveCredentials(options.tcpAuth.username, options.tcpAuth.password);
    const loadStart = Date.now();
    engine.catalog.load();
    server = new WireServer(engine);
    await server.listenSocket(socketPath);
    const tcp = options.port === undefined ? undefined : await server.listenTcp(host, options.port);
    if (tcp) {
      engine.host = tcp.host;
      engine.port = tcp.port;
    }
    writeAddress(dbPath, { pid: process.pid, socket: socketPath, ...(tcp ?? {}), role: options.role ?? 'script' });
    log('info', 'embedded mongo listening', { socket: socketPath, ...(tcp ?? {}), auth: tcp ? (engine.auth ? 'scram-sha-256' : 'none') : undefined, dbPath, loadMs: Date.now() - loadStart });

    const openStore = store;
    const openServer = server;
    const timers = [
      setInterval(() => {
        guard(log, 'sync', () => openStore.flushInBackground((err) => log('error', 'WAL fsync failed', { error: err.message })));
        guard(log, 'checkpoint', () => openStore.checkpointWhenIdle());
      }, SYNC_INTERVAL_MS),
      setInterval(() => guard(log, 'ttl sweep', () => sweepExpired(engine)), TTL_INTERVAL_MS),
      setInterval(() => engine.cursors.reap(), CURSOR_REAP_INTERVAL_MS),
    ];
    for (const t of timers) t.unref();

    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= (async () => {
        for (const t of timers) clearInterval(t);
        engine.heap?.stop();
        await openServer.close();
        engine.cursors.clear();
        guard(log, 'close store', () => openStore.close());
        removeAddress(dbPath);
        removeLockInfo(dbPath);
        releaseInProcess();
        log('info', 'embedded mongo stopped', { dbPath });
      })());
    const uriHost = tcp && (tcp.host.includes(':') ? `[${tcp.host}]` : tcp.host);
    return {
      uri: socketUri(socketPath),
      socketPath,
      ...(tcp ? { tcpUri: `mongodb://${uriHost}:${tcp.port}/`, host: tcp.host, port: tcp.port } : {}),
      stop,
    };
  } catch (err) {
    await server?.close().catch(() => undefined);
    try {
      store?.close();
    } catch {
      /* already failing */
    }
    releaseInProcess();
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
