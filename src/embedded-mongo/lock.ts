/**
 * Ownership of a data directory. The lock itself is the storage's exclusive lock (SQLite
 * `locking_mode=EXCLUSIVE`, an fcntl lock on `engine.sqlite`): the kernel releases it when its holder
 * dies, however it dies and whatever becomes of its pid. `engine.lock` (the owner's pid) and
 * `engine.addr.json` (where it listens) are information for people and for clients looking for the
 * running engine; nothing decides ownership from them.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** Who runs the engine: the service (`npm start`), `npm run db`, or a one-off script. */
export type EngineRole = 'service' | 'standalone' | 'script';

export interface EngineAddress {
  pid: number;
  /** Unix domain socket inside the data directory (always served). */
  socket: string;
  /** Optional TCP listener (`npm run db`). */
  host?: string;
  port?: number;
  role?: EngineRole;
}

export class DataDirLockedError extends Error {
  /** The owner's published address, when it answers. */
  address?: EngineAddress;
  constructor(dbPath: string, address?: EngineAddress, pid?: number) {
    const owner = address ?? (pid ? { pid } : undefined);
    super(
      `data directory ${dbPath} is in use by another engine process` +
        (owner ? ` (pid ${owner.pid}${address?.role ? `, ${describeRole(address.role)}` : ''})` : '') +
        (address ? `; it serves ${address.socket}${address.port ? ` and ${address.host}:${address.port}` : ''}` : ''),
    );
    this.name = 'DataDirLockedError';
    this.address = address;
  }
}

function describeRole(role: EngineRole): string {
  return role === 'service' ? 'the lianxin service' : role === 'standalone' ? 'npm run db' : 'a script';
}

export const LOCK_FILE = 'engine.lock';
export const ADDRESS_FILE = 'engine.addr.json';
export const SOCKET_FILE = 'engine.sock';

/** Directories this process holds (a second engine in the same process gets the same clear error). */
const heldHere = new Set<string>();

export function holdInProcess(dir: string): () => void {
  if (heldHere.has(dir)) throw new DataDirLockedError(dir, readAddress(dir), process.pid);
  heldHere.add(dir);
  return () => heldHere.delete(dir);
}

/** Writes `engine.lock` (the pid, for people). Called only once the storage lock is held. */
export function writeLockInfo(dbPath: string): void {
  writePrivateFile(path.join(dbPath, LOCK_FILE), `${process.pid}\n`);
}

export function removeLockInfo(dbPath: string): void {
  const file = path.join(dbPath, LOCK_FILE);
  try {
    if (Number.parseInt(fs.readFileSync(file, 'utf8'), 10) === process.pid) fs.rmSync(file, { force: true });
  } catch {
    /* already gone */
  }
}

export function readAddress(dbPath: string): EngineAddress | undefined {
  try {
    const a = JSON.parse(fs.readFileSync(path.join(dbPath, ADDRESS_FILE), 'utf8')) as EngineAddress;
    return typeof a.socket === 'string' && typeof a.pid === 'number' ? a : undefined;
  } catch {
    return undefined;
  }
}

export function writeAddress(dbPath: string, address: EngineAddress): void {
  const file = path.join(dbPath, ADDRESS_FILE);
  writePrivateFile(file + '.tmp', JSON.stringify(address));
  fs.renameSync(file + '.tmp', file);
}

export function removeAddress(dbPath: string): void {
  const a = readAddress(dbPath);
  if (a && a.pid === process.pid) fs.rmSync(path.join(dbPath, ADDRESS_FILE), { force: true });
}

/** Creates or replaces a file readable by its owner only (0600, whatever the umask). */
export function writePrivateFile(file: string, content: string): void {
  const fd = fs.openSync(file, 'w', 0o600);
  try {
    fs.fchmodSync(fd, 0o600);
    fs.writeSync(fd, content);
  } finally {
    fs.closeSync(fd);
  }
}

function socketAnswers(address: EngineAddress, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ path: address.socket });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/** The running owner's address when its socket answers (a dead owner's leftover files say nothing). */
export async function findRunningEngine(dbPath: string): Promise<EngineAddress | null> {
  const addr = readAddress(path.resolve(dbPath));
  if (!addr) return null;
  return (await socketAnswers(addr)) ? addr : null;
}
