/**
 * Server-side cursors. Like mongod's, they are global (a driver may send getMore on any pooled
 * connection), bound to a namespace, batched by count and by a 16 MiB byte budget, and reaped after
 * 10 minutes idle. Replies are assembled from each document's stored BSON bytes, without re-encoding.
 */
import { Long, serialize, type Document } from 'bson';
import { CommandError } from './errors';
import { toBuffer } from './storage/collection';

export interface CursorItem {
  doc: Document;
  raw?: Buffer;
}

/** A reply already encoded as BSON. */
export class RawReply {
  constructor(readonly bytes: Buffer) {}
}

const BATCH_BYTES = 16 * 1024 * 1024 - 64 * 1024;
export const DEFAULT_FIRST_BATCH = 101;
export const CURSOR_IDLE_MS = 10 * 60 * 1000;

export class ServerCursor {
  pos = 0;
  lastUsed = Date.now();
  constructor(
    readonly id: Long,
    readonly ns: string,
    private readonly items: CursorItem[],
    private readonly project?: (docs: Document[]) => Document[],
  ) {}

  get exhausted(): boolean {
    return this.pos >= this.items.length;
  }

  /** Encodes up to `batchSize` documents (0 = as many as fit in 16 MiB). */
  nextBatch(batchSize: number): Buffer[] {
    this.lastUsed = Date.now();
    const out: Buffer[] = [];
    let bytes = 0;
    const max = batchSize > 0 ? batchSize : Infinity;
    while (out.length < max && this.pos < this.items.length) {
      const chunkEnd = Math.min(this.items.length, this.pos + Math.min(max - out.length, 1000));
      const chunk = this.items.slice(this.pos, chunkEnd);
      const encoded = this.project
        ? this.project(chunk.map((i) => i.doc)).map((d) => toBuffer(serialize(d)))
        : chunk.map((i) => i.raw ?? toBuffer(serialize(i.doc)));
      for (const b of encoded) {
        if (out.length > 0 && bytes + b.length > BATCH_BYTES) return out;
        out.push(b);
        bytes += b.length;
        this.pos++;
      }
    }
    return out;
  }
}

export class CursorManager {
  private readonly cursors = new Map<string, ServerCursor>();
  private nextId = BigInt(Date.now() % 1_000_000) * 1000n + 1n;

  /** Runs the first batch; registers the cursor only if documents remain. Returns the encoded reply. */
  open(ns: string, items: CursorItem[], batchSize: number | undefined, opts: { project?: (docs: Document[]) => Document[]; singleBatch?: boolean } = {}): RawReply {
    const id = Long.fromBigInt(this.nextId++);
    const cursor = new ServerCursor(id, ns, items, opts.project);
    const first = batchSize === 0 ? [] : cursor.nextBatch(batchSize ?? DEFAULT_FIRST_BATCH);
    const keep = !cursor.exhausted && !opts.singleBatch;
    if (keep) this.cursors.set(id.toString(), cursor);
    return cursorReply('firstBatch', keep ? id : Long.ZERO, ns, first);
  }

  getMore(id: Long, ns: string, batchSize: number | undefined): RawReply {
    const key = id.toString();
    const cursor = this.cursors.get(key);
    if (!cursor) throw new CommandError('CursorNotFound', `cursor id ${key} not found`);
    if (cursor.ns !== ns) throw new CommandError('Unauthorized', `Requested getMore on namespace '${ns}', but cursor belongs to a different namespace ${cursor.ns}`);
    const batch = cursor.nextBatch(batchSize ?? 0);
    if (cursor.exhausted) this.cursors.delete(key);
    return cursorReply('nextBatch', cursor.exhausted ? Long.ZERO : id, ns, batch);
  }

  kill(ids: Long[]): { killed: Long[]; notFound: Long[] } {
    const killed: Long[] = [], notFound: Long[] = [];
    for (const id of ids) (this.cursors.delete(id.toString()) ? killed : notFound).push(id);
    return { killed, notFound };
  }

  /** Drops cursors idle for longer than the timeout; returns how many. */
  reap(now = Date.now()): number {
    let n = 0;
    for (const [k, c] of this.cursors) {
      if (now - c.lastUsed > CURSOR_IDLE_MS) {
        this.cursors.delete(k);
        n++;
      }
    }
    return n;
  }

  get open_count(): number {
    return this.cursors.size;
  }

  clear(): void {
    this.cursors.clear();
  }
}

/**
 * `{ cursor: { firstBatch|nextBatch: [...], id, ns }, ok: 1 }` written into one buffer around the already-encoded
 * documents (a point find's reply is one allocation and one copy of the stored bytes).
 */
export function cursorReply(kind: 'firstBatch' | 'nextBatch', id: Long, ns: string, docs: Buffer[]): RawReply {
  const nsLength = Buffer.byteLength(ns, 'utf8');
  let arrayLength = 4 + 1;
  for (let i = 0; i < docs.length; i++) arrayLength += 1 + decimalDigits(i) + 1 + docs[i].length;
  // cursor: { <kind>: [..], id: <int64>, ns: <string> }
  const cursorLength = 4 + (1 + kind.length + 1 + arrayLength) + (1 + 3 + 8) + (1 + 3 + 4 + nsLength + 1) + 1;
  // { cursor: {...}, ok: 1.0 }
  const total = 4 + (1 + 7 + cursorLength) + (1 + 3 + 8) + 1;
  const out = Buffer.allocUnsafe(total);
  let p = 0;
  out.writeInt32LE(total, p);
  p += 4;
  out[p++] = 0x03;
  p += out.write('cursor\0', p, 'latin1');
  out.writeInt32LE(cursorLength, p);
  p += 4;
  out[p++] = 0x04;
  p += out.write(kind, p, 'latin1');
  out[p++] = 0;
  out.writeInt32LE(arrayLength, p);
  p += 4;
  for (let i = 0; i < docs.length; i++) {
    out[p++] = 0x03;
    p += out.write(String(i), p, 'latin1');
    out[p++] = 0;
    p += docs[i].copy(out, p);
  }
  out[p++] = 0; // end of the array
  out[p++] = 0x12;
  p += out.write('id\0', p, 'latin1');
  out.writeInt32LE(id.low, p);
  out.writeInt32LE(id.high, p + 4);
  p += 8;
  out[p++] = 0x02;
  p += out.write('ns\0', p, 'latin1');
  out.writeInt32LE(nsLength + 1, p);
  p += 4;
  p += out.write(ns, p, 'utf8');
  out[p++] = 0;
  out[p++] = 0; // end of cursor
  out[p++] = 0x01;
  p += out.write('ok\0', p, 'latin1');
  out.writeDoubleLE(1, p);
  p += 8;
  out[p++] = 0;
  return new RawReply(out);
}

function decimalDigits(i: number): number {
  return i < 10 ? 1 : i < 100 ? 2 : i < 1000 ? 3 : String(i).length;
}
