/**
 * One spreadsheet import of suggestions. Its rows are written with `origin.importId` while the batch is `writing`;
 * a failure deletes them and marks it `failed`, and a batch left `writing` by a crash is undone at the next start
 * or import (`rolled_back`): an import lands whole or not at all.
 */
import mongoose, { Schema, type Types } from 'mongoose';

export interface ImportBatchDoc {
  _id: Types.ObjectId;
  status: 'writing' | 'done' | 'failed' | 'rolled_back';
  fileName: string;
  rows: number;
  startedAt: Date;
  finishedAt?: Date;
  by: Types.ObjectId;
}

const batchSchema = new Schema<ImportBatchDoc>(
  {
    status: { type: String, required: true },
    fileName: { type: String, default: '' },
    rows: { type: Number, required: true },
    startedAt: { type: Date, required: true },
    finishedAt: Date,
    by: { type: Schema.Types.ObjectId, required: true },
  },
  { collection: 'suggestion_imports' },
);
batchSchema.index({ status: 1, startedAt: 1 });

export const ImportBatch =
  (mongoose.models.SuggestionImportBatch as mongoose.Model<ImportBatchDoc>) ?? mongoose.model<ImportBatchDoc>('SuggestionImportBatch', batchSchema);
