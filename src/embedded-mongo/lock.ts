/**
 * Ownership of a data directory: `engine.lock` holds the owner's pid (taken over when that pid is
 * dead) and `engine.addr.json` its address, so a second process can find and connect to the
 * running engine instead of opening the files itself.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export interface EngineAddress {
  host: string;
  port: number;
  pid: number;
}

export class DataDirLockedError extends Error {
  address?: EngineAddress;
  constructor(dbPath: string, pid?: number, address?: EngineAddress) {
    super(
      `data directory ${dbPath} is in use by another engine process${pid ? ` (pid ${pid})` : ''}` +
        (address ? `; it serves mongodb://${address.host}:${address.port}/` : ''),
    );
    this.name = 'DataDirLockedError';
    this.address = address;
  }
}

const LOCK_FILE = 'engine.lock';
const ADDRESS_FILE = 'engine.addr.json';
const heldHere = new Set<string>();

export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readPid(file: string): number | undefined {
  try {
    const n = Number.parseInt(fs.readFileSync(file, 'utf8').trim(), 10);
    return Number.isFinite(n) ? n : undefined;
  } catch {
    return undefined;
  }
}

export function readAddress(dbPath: string): EngineAddress | undefined {
  try {
    const a = JSON.parse(fs.readFileSync(path.join(dbPath, ADDRESS_FILE), 'utf8')) as EngineAddress;
    return typeof a.host === 'string' && typeof a.port === 'number' && typeof a.pid === 'number' ? a : undefined;
  } catch {
    return undefined;
  }
}

/** Takes the lock or throws DataDirLockedError (with the owner's address when it has published one). */
export function acquireLock(dbPath: string): () => void {
  const dir = path.resolve(dbPath);
  const file = path.join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 5; attempt++) {
    if (heldHere.has(dir)) throw new DataDirLockedError(dir, process.pid, readAddress(dir));
    try {
      const fd = fs.openSync(file, 'wx');
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      heldHere.add(dir);
      return () => {
        heldHere.delete(dir);
        if (readPid(file) === process.pid) fs.rmSync(file, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = readPid(file);
    if (owner !== undefined && owner !== process.pid && pidAlive(owner)) {
      const addr = readAddress(dir);
      throw new DataDirLockedError(dir, owner, addr && addr.pid === owner ? addr : undefined);
    }
    if (owner === undefined && attempt === 0) {
      // A lock file being written right now has no pid yet: give its writer a moment.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
      continue;
    }
    // Stale lock from a dead process: take it over.
    fs.rmSync(file, { force: true });
    fs.rmSync(path.join(dir, ADDRESS_FILE), { force: true });
  }
  throw new DataDirLockedError(dir);
}

export function writeAddress(dbPath: string, address: EngineAddress): void {
  const file = path.join(dbPath, ADDRESS_FILE);
  fs.writeFileSync(file + '.tmp', JSON.stringify(address));
  fs.renameSync(file + '.tmp', file);
}

export function removeAddress(dbPath: string): void {
  const a = readAddress(dbPath);
  if (a && a.pid === process.pid) fs.rmSync(path.join(dbPath, ADDRESS_FILE), { force: true });
}

function portAnswers(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

export async function findRunningEngine(dbPath: string): Promise<EngineAddress | null> {
  const addr = readAddress(path.resolve(dbPath));
  if (!addr || !pidAlive(addr.pid)) return null;
  return (await portAnswers(addr.host, addr.port)) ? addr : null;
}
