/**
 * The `$sort` stage within its memory limit: documents are buffered up to the limit; past it, with allowDiskUse,
 * the buffer is sorted and written to a run file in the data directory's `_tmp` (BSON, one document after the
 * other) and the sorted runs are merged as the stage's output is read — mongod's external sort. Without
 * allowDiskUse the stage fails with code 292. Ties keep input order (runs are cut in input order).
 */
import { closeSync, mkdirSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { deserialize, serialize, type Document } from 'bson';
import { sortDocs, sortKey, type SortField } from './sort';
import { documentBytes, sortExceeded, sortMemoryLimit, stageBudget } from './stage-memory';

type Compare = (a: unknown, b: unknown) => number;

export function* boundedSort(input: Iterable<Document>, spec: SortField[], cmp: Compare): Generator<Document> {
  const limit = sortMemoryLimit();
  let buffer: Document[] = [];
  let bytes = 0;
  const runs: string[] = [];
  try {
    for (const doc of input) {
      buffer.push(doc);
      bytes += documentBytes(doc);
      if (bytes <= limit) continue;
      const budget = stageBudget();
      if (!budget?.allowDiskUse) throw sortExceeded(limit);
      budget.spilled = true;
      runs.push(writeRun(budget.tmpDir, sortDocs(buffer, spec, (d) => d, cmp)));
      buffer = [];
      bytes = 0;
    }
    const last = sortDocs(buffer, spec, (d) => d, cmp);
    if (runs.length === 0) {
      yield* last;
      return;
    }
    buffer = [];
    yield* merge([...runs.map(readRun), last[Symbol.iterator]()], spec, cmp);
  } finally {
    for (const file of runs) rmSync(file, { force: true });
  }
}

function writeRun(dir: string, docs: Document[]): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, `extsort-${process.pid}-${randomBytes(6).toString('hex')}.bson`);
  const fd = openSync(file, 'w', 0o600);
  try {
    const chunk: Buffer[] = [];
    let size = 0;
    for (const d of docs) {
      const b = serialize(d);
      chunk.push(b as Buffer);
      size += b.length;
      if (size >= 1 << 20) {
        writeSync(fd, Buffer.concat(chunk));
        chunk.length = 0;
        size = 0;
      }
    }
    if (chunk.length) writeSync(fd, Buffer.concat(chunk));
  } finally {
    closeSync(fd);
  }
  return file;
}

/** The documents of a run file in order, read a megabyte at a time. */
function* readRun(file: string): Generator<Document> {
  const fd = openSync(file, 'r');
  try {
    let buf = Buffer.alloc(0);
    let pos = 0;
    for (;;) {
      if (buf.length - pos < 4 || buf.length - pos < buf.readInt32LE(pos)) {
        const need = buf.length - pos >= 4 ? buf.readInt32LE(pos) : 4;
        const chunk = Buffer.allocUnsafe(Math.max(1 << 20, need));
        const n = readSync(fd, chunk, 0, chunk.length, null);
        if (n === 0) return;
        buf = Buffer.concat([buf.subarray(pos), chunk.subarray(0, n)]);
        pos = 0;
        continue;
      }
      const len = buf.readInt32LE(pos);
      yield deserialize(buf.subarray(pos, pos + len));
      pos += len;
    }
  } finally {
    closeSync(fd);
  }
}

/** Merges sorted sources; on ties the earlier source first. */
function* merge(sources: Iterator<Document>[], spec: SortField[], cmp: Compare): Generator<Document> {
  const heads = sources.map((s) => s.next());
  const keysOf = (d: Document) => spec.map(([p, dir]) => sortKey(d, p, dir, cmp));
  const keys = heads.map((h) => (h.done ? [] : keysOf(h.value)));
  const order = (a: unknown[], b: unknown[]) => {
    for (let i = 0; i < spec.length; i++) {
      const c = cmp(a[i], b[i]);
      if (c !== 0) return c * spec[i][1];
    }
    return 0;
  };
  for (;;) {
    let best = -1;
    for (let i = 0; i < heads.length; i++) {
      if (heads[i].done) continue;
      if (best < 0 || order(keys[i], keys[best]) < 0) best = i;
    }
    if (best < 0) return;
    yield heads[best].value as Document;
    heads[best] = sources[best].next();
    if (!heads[best].done) keys[best] = keysOf(heads[best].value);
  }
}
