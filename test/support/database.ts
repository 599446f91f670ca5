/**
 * One database server per mocha process: a real MongoDB when MONGODB_URI is set,
 * otherwise the embedded engine on its Unix socket in a temporary data directory (as the app reaches it).
 * Each test file asks for its own fresh database name, so files never see each other's data.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { startEmbeddedMongo, type EmbeddedMongo } from '../../src/embedded-mongo';

let engine: EmbeddedMongo | undefined;
let engineDir: string | undefined;
let serverUri: string | undefined;

export async function startTestDatabase(): Promise<void> {
  if (serverUri) return;
  if (process.env.MONGODB_URI) {
    serverUri = process.env.MONGODB_URI;
    return;
  }
  engineDir = mkdtempSync(path.join(tmpdir(), 'lianxin-test-db-'));
  engine = await startEmbeddedMongo({ dbPath: engineDir });
  serverUri = engine.uri;
}

export async function stopTestDatabase(): Promise<void> {
  await engine?.stop();
  if (engineDir) rmSync(engineDir, { recursive: true, force: true });
  engine = undefined;
  engineDir = undefined;
  serverUri = undefined;
}

/** A database name no other test file uses. */
export function uniqueDbName(prefix = 'test'): string {
  return `${prefix.replace(/[^a-zA-Z0-9_]/g, '_')}_${randomBytes(4).toString('hex')}`;
}

/** The server's connection string with `dbName` as its default database. */
export function mongoUriFor(dbName: string): string {
  if (!serverUri) throw new Error('test database not started (test/setup.ts should have done it)');
  const url = new URL(serverUri);
  url.pathname = `/${dbName}`;
  return url.toString();
}

/** Where to open a raw connection to the server (wire-level tests): the engine's Unix socket, or host and port. */
export function serverSocketAddress(): { path: string } | { host: string; port: number } {
  if (!serverUri) throw new Error('test database not started (test/setup.ts should have done it)');
  const url = new URL(serverUri);
  if (url.hostname.includes('%2F')) return { path: decodeURIComponent(url.hostname) };
  return { host: url.hostname, port: Number(url.port || 27017) };
}

/** Whether the suite runs against the embedded engine (some engine-only checks need its data directory). */
export function embeddedEngine(): { engine: EmbeddedMongo; dir: string } | undefined {
  return engine && engineDir ? { engine, dir: engineDir } : undefined;
}
