/**
 * Published content as replies read it, kept in memory for a few seconds: a burst of callbacks asking for the latest
 * news, a menu list or the same search reads the database once, not once per message. An item's change (published,
 * edited, withdrawn, deleted) drops everything at once on this instance and within about a second on the others
 * (cache-version.ts); CONTENT_CACHE_MS bounds what a missed announcement, or a write that bypasses the content
 * workflow, can leave stale.
 */
import { LRUCache } from 'lru-cache';
import type { ContentLookup } from './content-lookup';

export const CONTENT_CACHE_MS = 5_000;
/** How often the caches' expiry clock is read (see lru-cache's ttlResolution). */
export const EXPIRY_RESOLUTION_MS = 1_000;

export interface CachedContentLookup extends ContentLookup {
  /** Forgets every cached answer (an item's public face changed). */
  invalidate(): void;
}

export function cachedContent(lookup: ContentLookup, ttlMs = CONTENT_CACHE_MS): CachedContentLookup {
  // Bounded: searches are keyed by what citizens type; the entries are small lists of cards. Expiry reads a clock
  // kept per second (lru-cache's default arms a timer for every millisecond of traffic); entries may live up to a
  // second past ttlMs, which only bounds what a missed invalidation leaves stale.
  const cache = new LRUCache<string, Promise<unknown>>({ max: 2_000, ttl: ttlMs, ttlResolution: EXPIRY_RESOLUTION_MS });
  let generation = 0;

  function remember<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = cache.get(key) as Promise<T> | undefined;
    if (hit) return hit;
    const started = generation;
    const loading = load();
    // Shared by concurrent callers; a failure is not kept, nor an answer loaded before an invalidation.
    cache.set(key, loading);
    loading.then(
      () => {
        if (started !== generation && cache.get(key) === loading) cache.delete(key);
      },
      () => {
        if (cache.get(key) === loading) cache.delete(key);
      },
    );
    return loading;
  }

  return {
    latest: (kind, limit) => remember(`latest\u0000${kind}\u0000${limit}`, () => lookup.latest(kind, limit)),
    publishedById: (kind, id) => remember(`item\u0000${kind}\u0000${id}`, () => lookup.publishedById(kind, id)),
    search: (text, limit) => remember(`search\u0000${limit}\u0000${text}`, () => lookup.search(text, limit)),
    // Upcoming from "now", kept per minute of the service clock: a meeting that has just begun may stay listed for a minute.
    upcomingMeetings: (now, limit) => remember(`meetings\u0000${limit}\u0000${Math.floor(now.getTime() / 60_000)}`, () => lookup.upcomingMeetings(now, limit)),
    invalidate() {
      generation += 1;
      cache.clear();
    },
  };
}
