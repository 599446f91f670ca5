/** The monthly publicity summary, one document per month (its id is the month, "2026-03"), so it is never duplicated. */
import mongoose, { Schema } from 'mongoose';

export interface MonthlyReportDoc {
  _id: string;
  month: string;
  /** The month's bounds in Asia/Shanghai, as instants. */
  from: Date;
  to: Date;
  generatedAt: Date;
  /** Items that went live for the first time in the month, per kind. */
  itemsPublished: Record<string, number> & { total: number };
  publications: { total: number; byStatus: Record<string, number> };
  /** Deliveries created in the month, per channel and status. */
  deliveries: Record<string, Record<string, number>>;
  /** The month's stopped deliveries with the provider's reason (at most 50). */
  failures: Array<{ publicationId: string; deliveryId: string; channel: string; status: string; code?: string; providerCode?: string; message?: string }>;
  /**
   * `thisMonth`: views during the month (all kinds, and by kind). The other two are cumulative `viewCount`s: views so
   * far of the items first published this month, and of every published item.
   */
  pageViews: { thisMonth: number; thisMonthByKind: Record<string, number>; itemsPublishedThisMonth: number; allPublishedItems: number };
  reach: {
    sms: Record<string, number>;
    wechat: { published: number; broadcasts: number };
    followers: { start?: number; end?: number; gained?: number; lost?: number } | null;
  };
}

const monthlyReportSchema = new Schema<MonthlyReportDoc>(
  {
    _id: { type: String, required: true },
    month: { type: String, required: true },
    from: Date,
    to: Date,
    generatedAt: Date,
    itemsPublished: Schema.Types.Mixed,
    publications: Schema.Types.Mixed,
    deliveries: Schema.Types.Mixed,
    failures: Schema.Types.Mixed,
    pageViews: Schema.Types.Mixed,
    reach: Schema.Types.Mixed,
  },
  { collection: 'monthly_reports', versionKey: false, minimize: false },
);
// The list is by _id (the month) descending; no other index needed.

export const MonthlyReport =
  (mongoose.models.MonthlyReport as mongoose.Model<MonthlyReportDoc>) ?? mongoose.model<MonthlyReportDoc>('MonthlyReport', monthlyReportSchema);
