/**
 * Rendered public pages kept in memory, keyed by normalised URL, each entry labelled with tags naming what it
 * shows ('article:<id>', 'list:article', 'home', 'feed', …). Invalidating a tag drops exactly the pages that
 * carry it. A render that started before an invalidation of one of its tags is not stored (it may be stale).
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { EncodedBodies } from './compression';

export interface CachedPage {
  status: number;
  contentType: string;
  body: Buffer;
  /** Whether compressed copies are offered (not for small or binary bodies). */
  compressible: boolean;
  /** The compressed copies made so far, by content coding (each on its first request). */
  encoded: EncodedBodies;
  /** Response headers prepared per representation by the sender (src/site/conditional.ts). */
  headerMemo?: Record<string, string[]>;
  /** The front lane's full header blocks per representation, for the security headers they were built with. */
  laneMemo?: { security: readonly string[]; headers: Record<string, string[]> };
  /** Strong validator: a hash of the exact bytes. */
  etag: string;
  /** Render time, truncated to whole seconds (HTTP dates have no finer resolution). */
  lastModified: Date;
  /** `lastModified` as an HTTP date, formatted once. */
  lastModifiedHttp: string;
  tags: readonly string[];
  /** The item this page is the public face of, for view counting. */
  view?: { kind: string; id: string };
}

export interface PageCacheOptions {
  /** Upper bound on the bytes of cached bodies. */
  maxBytes?: number;
  /** Safety net for pages whose content changes with time alone (upcoming meetings). */
  defaultTtlMs?: number;
}

export function strongEtag(body: Buffer): string {
  return `"${createHash('sha1').update(body).digest('base64url')}"`;
}

export class PageCache {
  private readonly entries: LRUCache<string, CachedPage>;
  private readonly keysByTag = new Map<string, Set<string>>();
  /** Monotonic counter bumped by every invalidation; renders remember the value they started at. */
  private epoch = 0;
  private readonly invalidatedAt = new Map<string, number>();
  private invalidatedAll = 0;

  constructor(options: PageCacheOptions = {}) {
    this.entries = new LRUCache<string, CachedPage>({
      maxSize: options.maxBytes ?? 64 * 1024 * 1024,
      // The compressed copies are made later, on demand: counted up front at half the body (Brotli and gzip
      // copies of a page are each about a fifth to a quarter of it).
      sizeCalculation: (page) => page.body.length + (page.compressible ? Math.ceil(page.body.length / 2) : 0) + 512,
      ttl: options.defaultTtlMs ?? 10 * 60_000,
      // Expiry judged against a clock read at most once a second (lru-cache's default, 1 ms, arms a timer per
      // millisecond of traffic): lifetimes here are a minute or more.
      ttlResolution: 1000,
      // Keep the tag index in step with whatever leaves the cache (eviction, expiry, replacement, deletion).
      dispose: (page, key) => this.unindex(key, page.tags),
    });
  }

  /** Current epoch, to pass back to `set` once the render has finished. */
  begin(): number {
    return this.epoch;
  }

  get(key: string): CachedPage | undefined {
    return this.entries.get(key);
  }

  /** Stores a page unless one of its tags was invalidated after `startedAt`. Returns whether it was stored. */
  set(key: string, page: CachedPage, startedAt: number, ttlMs?: number): boolean {
    if (this.invalidatedAll > startedAt) return false;
    for (const tag of page.tags) if ((this.invalidatedAt.get(tag) ?? -1) > startedAt) return false;
    this.entries.set(key, page, ttlMs ? { ttl: ttlMs } : undefined);
    for (const tag of page.tags) {
      let keys = this.keysByTag.get(tag);
      if (!keys) this.keysByTag.set(tag, (keys = new Set()));
      keys.add(key);
    }
    return true;
  }

  /** Drops every page carrying any of these tags; returns how many pages were dropped. */
  invalidate(tags: Iterable<string>): number {
    const epoch = ++this.epoch;
    const keys = new Set<string>();
    for (const tag of tags) {
      this.invalidatedAt.set(tag, epoch);
      for (const key of this.keysByTag.get(tag) ?? []) keys.add(key);
    }
    for (const key of keys) this.entries.delete(key);
    this.pruneMarks();
    return keys.size;
  }

  clear(): void {
    this.invalidatedAll = ++this.epoch;
    this.entries.clear();
    this.invalidatedAt.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private unindex(key: string, tags: readonly string[]): void {
    for (const tag of tags) {
      const keys = this.keysByTag.get(tag);
      if (!keys) continue;
      keys.delete(key);
      if (keys.size === 0) this.keysByTag.delete(tag);
    }
  }

  /**
   * Invalidation marks only matter to renders still in flight; renders take milliseconds, so once there are
   * many marks the old ones are folded into one "everything before this epoch" mark.
   */
  private pruneMarks(): void {
    if (this.invalidatedAt.size < 10_000) return;
    this.invalidatedAll = this.epoch;
    this.invalidatedAt.clear();
  }
}
