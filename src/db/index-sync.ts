/**
 * Keeps each collection's indexes equal to what its mongoose model declares. mongoose's autoIndex only creates:
 * an index a model no longer declares (renamed, re-keyed, given a collation) stays and keeps costing every write,
 * and a unique one keeps refusing writes the model now allows. `npm run db:migrate` runs this; the service only
 * reports the difference at start (dropping indexes is an operator's decision, not a side effect of a restart).
 */
import type mongoose from 'mongoose';

export interface IndexDifference {
  model: string;
  collection: string;
  /** Index names on the server the model does not declare (the `_id_` index is never listed). */
  toDrop: string[];
  /** Declared index keys missing on the server, e.g. `{"region":1,"deletedAt":1}`. */
  toCreate: string[];
}

export interface IndexSyncResult extends IndexDifference {
  dropped: string[];
}

/** The part of a mongoose model index sync uses (any model, whatever its document type). */
export type SyncableModel = Pick<mongoose.Model<unknown>, 'diffIndexes' | 'syncIndexes' | 'modelName' | 'collection'>;

const keyOf = (spec: unknown): string => JSON.stringify((spec as { key?: unknown })?.key ?? spec);

/** What syncing would change, model by model (read-only: one listIndexes per collection). */
export async function diffModelIndexes(models: SyncableModel[]): Promise<IndexDifference[]> {
  const out: IndexDifference[] = [];
  for (const model of models) {
    const { toDrop, toCreate } = await model.diffIndexes();
    if (toDrop.length === 0 && toCreate.length === 0) continue;
    out.push({ model: model.modelName, collection: model.collection.collectionName, toDrop: toDrop.map(String), toCreate: toCreate.map(keyOf) });
  }
  return out;
}

/** Drops indexes the models no longer declare and creates the declared ones that are missing. */
export async function syncModelIndexes(models: SyncableModel[]): Promise<IndexSyncResult[]> {
  const out: IndexSyncResult[] = [];
  for (const model of models) {
    const { toDrop, toCreate } = await model.diffIndexes();
    if (toDrop.length === 0 && toCreate.length === 0) continue;
    const dropped = await model.syncIndexes();
    out.push({ model: model.modelName, collection: model.collection.collectionName, toDrop: toDrop.map(String), toCreate: toCreate.map(keyOf), dropped });
  }
  return out;
}
