/**
 * Page views per Asia/Shanghai calendar month, added with each batched flush of the view counter, so the
 * monthly summary can say how many views a month had (items' viewCount only ever grows).
 */
import mongoose, { Schema } from 'mongoose';

export interface PageViewMonthDoc {
  /** "YYYY-MM" in Asia/Shanghai. */
  _id: string;
  total: number;
  byKind: Record<string, number>;
}

const pageViewMonthSchema = new Schema<PageViewMonthDoc>(
  {
    _id: { type: String, required: true },
    total: { type: Number, default: 0 },
    byKind: { type: Schema.Types.Mixed, default: {} },
  },
  { collection: 'page_view_months', versionKey: false, minimize: false },
);

export const PageViewMonth =
  (mongoose.models.PageViewMonth as mongoose.Model<PageViewMonthDoc>) ??
  mongoose.model<PageViewMonthDoc>('PageViewMonth', pageViewMonthSchema);
