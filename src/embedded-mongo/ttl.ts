/** TTL monitor: deletes documents whose indexed date is older than `expireAfterSeconds` (like mongod's, but every second). */
import { TypeBound } from './bson-values';
import type { Engine } from './engine';

export function sweepExpired(engine: Engine, now = Date.now()): number {
  let removed = 0;
  for (const coll of engine.catalog.allCollections()) {
    for (const idx of coll.indexes.values()) {
      if (idx.expireAfterSeconds === undefined || idx.fields.length !== 1 || idx.kind !== 'btree') continue;
      const cutoff = new Date(now - idx.expireAfterSeconds * 1000);
      const low = { key: [new TypeBound(9, false)], inclusive: true };
      const high = { key: [cutoff], inclusive: false };
      // ids first: nothing may be written while the index scan is open
      const expired = [...new Set(Array.from(idx.dirs[0] > 0 ? idx.scan(low, high) : idx.scan(high, low), (e) => e.id))];
      if (expired.length === 0) continue;
      engine.store.transaction(() => {
        for (const id of expired) {
          const rec = coll.records.get(id);
          if (rec) coll.remove(rec);
        }
      });
      removed += expired.length;
    }
  }
  return removed;
}
