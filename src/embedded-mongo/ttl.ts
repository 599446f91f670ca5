/** TTL monitor: deletes documents whose indexed date is older than `expireAfterSeconds` (like mongod's, but every second). */
import { TypeBound } from './bson-values';
import type { Engine } from './engine';
import type { DocRecord } from './storage/collection';

export function sweepExpired(engine: Engine, now = Date.now()): number {
  let removed = 0;
  for (const coll of engine.catalog.allCollections()) {
    for (const idx of coll.indexes.values()) {
      if (idx.expireAfterSeconds === undefined || idx.fields.length !== 1 || idx.kind !== 'btree') continue;
      const cutoff = new Date(now - idx.expireAfterSeconds * 1000);
      const low = { key: [new TypeBound(9, false)], inclusive: true };
      const high = { key: [cutoff], inclusive: false };
      const expired = new Map<string, DocRecord>();
      for (const e of idx.dirs[0] > 0 ? idx.scan(low, high) : idx.scan(high, low)) {
        const rec = coll.records.get(e.id);
        if (rec) expired.set(e.id, rec);
      }
      if (expired.size === 0) continue;
      engine.store.transaction(() => {
        for (const rec of expired.values()) if (coll.records.get(rec.id) === rec) coll.remove(rec);
      });
      removed += expired.size;
    }
  }
  return removed;
}
