/**
 * An ordered multiset stored as a list of bounded chunks: O(log n) search and O(√n)-ish inserts,
 * with appends at either end (ascending ObjectIds, timestamps) costing O(1). This is the B-tree
 * stand-in every index is built on.
 */
const MAX_CHUNK = 512;

export class SortedList<T> {
  private chunks: T[][] = [];
  private count = 0;

  constructor(private readonly cmp: (a: T, b: T) => number) {}

  get size(): number {
    return this.count;
  }

  clear(): void {
    this.chunks = [];
    this.count = 0;
  }

  /** Replaces the contents with `items` (sorted here), much faster than inserting one by one. */
  bulkLoad(items: T[]): void {
    items.sort(this.cmp);
    this.chunks = [];
    for (let i = 0; i < items.length; i += MAX_CHUNK / 2) this.chunks.push(items.slice(i, i + MAX_CHUNK / 2));
    this.count = items.length;
  }

  insert(item: T): void {
    this.count++;
    const chunks = this.chunks;
    if (chunks.length === 0) {
      chunks.push([item]);
      return;
    }
    // fast path: append at the end
    const lastChunk = chunks[chunks.length - 1];
    let ci: number;
    if (this.cmp(item, lastChunk[lastChunk.length - 1]) >= 0) ci = chunks.length - 1;
    else ci = this.chunkFor((x) => this.cmp(x, item) > 0);
    const chunk = chunks[ci];
    let lo = 0, hi = chunk.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cmp(chunk[mid], item) <= 0) lo = mid + 1;
      else hi = mid;
    }
    if (lo === chunk.length) chunk.push(item);
    else chunk.splice(lo, 0, item);
    if (chunk.length > MAX_CHUNK) chunks.splice(ci + 1, 0, chunk.splice(MAX_CHUNK / 2));
  }

  /** Removes one element comparing equal to `item`; returns whether one was found. */
  remove(item: T): boolean {
    const pos = this.lowerBound((x) => this.cmp(x, item) >= 0);
    if (!pos) return false;
    const chunk = this.chunks[pos.c];
    if (this.cmp(chunk[pos.i], item) !== 0) return false;
    chunk.splice(pos.i, 1);
    if (chunk.length === 0) this.chunks.splice(pos.c, 1);
    this.count--;
    return true;
  }

  /** Index of the first chunk whose last element satisfies the monotone predicate (or the last chunk). */
  private chunkFor(pred: (x: T) => boolean): number {
    let lo = 0, hi = this.chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = this.chunks[mid];
      if (pred(c[c.length - 1])) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** Position of the first element for which the monotone predicate (false…false true…true) holds. */
  lowerBound(pred: (x: T) => boolean): { c: number; i: number } | undefined {
    if (this.chunks.length === 0) return undefined;
    const c = this.chunkFor(pred);
    const chunk = this.chunks[c];
    let lo = 0, hi = chunk.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (pred(chunk[mid])) hi = mid;
      else lo = mid + 1;
    }
    if (lo === chunk.length) return undefined;
    return { c, i: lo };
  }

  /** Position of the last element for which the monotone predicate (true…true false…false) holds. */
  private upperBoundLast(pred: (x: T) => boolean): { c: number; i: number } | undefined {
    const first = this.lowerBound((x) => !pred(x));
    if (!first) {
      if (this.chunks.length === 0) return undefined;
      const c = this.chunks.length - 1;
      const i = this.chunks[c].length - 1;
      return pred(this.chunks[c][i]) ? { c, i } : undefined;
    }
    if (first.i > 0) return { c: first.c, i: first.i - 1 };
    if (first.c > 0) return { c: first.c - 1, i: this.chunks[first.c - 1].length - 1 };
    return undefined;
  }

  /**
   * Iterates elements from the first one where `atOrAfterStart` holds while `beforeEnd` holds,
   * ascending; or, reversed, from the last element where `beforeEnd` holds back while `atOrAfterStart` holds.
   */
  *scan(atOrAfterStart: (x: T) => boolean, beforeEnd: (x: T) => boolean, reverse = false): Generator<T> {
    if (!reverse) {
      const pos = this.lowerBound(atOrAfterStart);
      if (!pos) return;
      for (let c = pos.c, i = pos.i; c < this.chunks.length; c++, i = 0) {
        const chunk = this.chunks[c];
        for (; i < chunk.length; i++) {
          if (!beforeEnd(chunk[i])) return;
          yield chunk[i];
        }
      }
    } else {
      const pos = this.upperBoundLast(beforeEnd);
      if (!pos) return;
      for (let c = pos.c, i = pos.i; c >= 0; c--, i = c >= 0 ? this.chunks[c].length - 1 : 0) {
        const chunk = this.chunks[c];
        for (; i >= 0; i--) {
          if (!atOrAfterStart(chunk[i])) return;
          yield chunk[i];
        }
      }
    }
  }

  *[Symbol.iterator](): Generator<T> {
    for (const chunk of this.chunks) yield* chunk;
  }
}
