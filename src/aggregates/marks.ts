/**
 * Dirty marks for maintained aggregates: a writer marks the keys (cells) it is about to change *before* it writes the
 * source, and settles them after recomputing those cells. A crash in between leaves the mark, so the figures are never
 * stale without anyone knowing: readers and the repair job recompute marked cells.
 *
 * One document per (aggregate, key) that has marks in flight, deleted once none remain: the collection holds only the
 * dirty cells. `last` is the newest mark's token (unique), so a recompute can tell whether another writer marked the
 * key while it was computing (then it computes again rather than clearing a mark its result may not reflect).
 * Marks carry wall-clock time: their age is about process liveness (a writer that died), like leases.
 */
import mongoose, { Schema, Types } from 'mongoose';

interface PendingMark {
  t: Types.ObjectId;
  at: Date;
}

export interface AggregateMarkDoc {
  _id: string;
  aggregate: string;
  key: string;
  last: Types.ObjectId;
  pending: PendingMark[];
}

const markSchema = new Schema<AggregateMarkDoc>(
  {
    _id: { type: String, required: true },
    aggregate: { type: String, required: true },
    key: { type: String, required: true },
    last: { type: Schema.Types.ObjectId, required: true },
    pending: [{ _id: false, t: Schema.Types.ObjectId, at: Date }],
  },
  { versionKey: false, collection: 'aggregate_marks' },
);
// The dirty cells of one aggregate (every read of it asks; normally none).
markSchema.index({ aggregate: 1 });

export const AggregateMark =
  (mongoose.models.AggregateMark as mongoose.Model<AggregateMarkDoc>) ?? mongoose.model<AggregateMarkDoc>('AggregateMark', markSchema);

const markId = (aggregate: string, key: string) => `${aggregate}|${key}`;

/** Marks the keys dirty; returns the token that settles them. */
export async function markDirty(aggregate: string, keys: string[]): Promise<Types.ObjectId> {
  const token = new Types.ObjectId();
  const unique = [...new Set(keys)];
  if (!unique.length) return token;
  const at = new Date();
  await AggregateMark.bulkWrite(
    unique.map((key) => ({
      updateOne: {
        filter: { _id: markId(aggregate, key) },
        update: { $set: { aggregate, key, last: token }, $push: { pending: { t: token, at } } },
        upsert: true,
      },
    })),
    { ordered: false },
  );
  return token;
}

/** The marked keys of an aggregate, with their newest token. */
export async function dirtyMarks(aggregate: string, keys?: string[]): Promise<Map<string, AggregateMarkDoc>> {
  const filter = keys ? { _id: { $in: keys.map((k) => markId(aggregate, k)) } } : { aggregate };
  const rows = await AggregateMark.find(filter).lean<AggregateMarkDoc[]>();
  return new Map(rows.map((r) => [r.key, r]));
}

/**
 * Removes marks from keys whose newest token is still the one read before recomputing (`seen`): nobody marked them
 * meanwhile, so the cell written reflects every write whose mark is removed. `which` picks the marks to remove.
 * Returns the keys where someone else marked meanwhile (recompute again).
 */
async function clear(aggregate: string, seen: Map<string, AggregateMarkDoc>, which: (m: PendingMark) => boolean): Promise<string[]> {
  const raced: string[] = [];
  for (const [key, doc] of seen) {
    const remove = doc.pending.filter(which).map((m) => m.t);
    if (!remove.length) continue;
    const res = await AggregateMark.updateOne({ _id: doc._id, last: doc.last }, { $pull: { pending: { t: { $in: remove } } } });
    if (res.matchedCount === 0) {
      raced.push(key);
      continue;
    }
    await AggregateMark.deleteOne({ _id: doc._id, last: doc.last, pending: { $size: 0 } });
  }
  return raced;
}

const ATTEMPTS = 4;

/**
 * After the writer's own write: recompute the keys it marked and remove its mark. If another writer marks a key while
 * this computes, it computes that key again (a few times at most; after that the mark stays for the next reader).
 */
export async function settle(aggregate: string, keys: string[], token: Types.ObjectId, recompute: (keys: string[]) => Promise<void>): Promise<void> {
  let todo = [...new Set(keys)];
  for (let attempt = 0; todo.length && attempt < ATTEMPTS; attempt++) {
    const seen = await dirtyMarks(aggregate, todo);
    await recompute(todo);
    todo = await clear(aggregate, seen, (m) => m.t.equals(token));
  }
}

/**
 * Recomputes every marked key of the aggregate and removes the marks older than `inFlightMs` (writers that died
 * between their mark and their recompute). Younger marks stay: their writers are still running and will settle them.
 * Returns how many keys were recomputed.
 */
export async function heal(aggregate: string, recompute: (keys: string[]) => Promise<void>, inFlightMs: number): Promise<number> {
  const seen = await dirtyMarks(aggregate);
  if (!seen.size) return 0;
  const keys = [...seen.keys()];
  await recompute(keys);
  const before = Date.now() - inFlightMs;
  await clear(aggregate, seen, (m) => m.at.getTime() <= before);
  return keys.length;
}
