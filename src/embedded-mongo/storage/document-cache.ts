/**
 * The bounded document cache: recently used documents, deserialized, shared by every collection of an engine
 * and bounded by an estimate of their memory (DB_CACHE_MB). Everything else stays on disk.
 */
import { LRUCache } from 'lru-cache';
import type { DocRecord } from './collection';

/** A deserialized document takes roughly this many times its BSON size in the JS heap, plus fixed overhead. */
const HEAP_FACTOR = 3;
const OVERHEAD = 200;

export class DocumentCache {
  private readonly lru: LRUCache<string, DocRecord>;

  constructor(readonly maxBytes: number) {
    this.lru = new LRUCache<string, DocRecord>({
      maxSize: Math.max(1, maxBytes),
      sizeCalculation: (rec) => rec.raw.length * HEAP_FACTOR + OVERHEAD,
    });
  }

  get(key: string): DocRecord | undefined {
    return this.lru.get(key);
  }

  set(key: string, rec: DocRecord): void {
    if (rec.raw.length * HEAP_FACTOR + OVERHEAD > this.maxBytes) return; // bigger than the whole cache
    this.lru.set(key, rec);
  }

  delete(key: string): void {
    this.lru.delete(key);
  }

  get bytes(): number {
    return this.lru.calculatedSize;
  }

  get entries(): number {
    return this.lru.size;
  }
}
