/** Generated reports: one document per kind and period (`monthly:2030-05`), so a period never has two. */
import mongoose, { Schema, Types } from 'mongoose';
import { REPORT_KINDS, type ReportKind } from './kinds';
import type { ReportData } from './data';

export interface ReportDoc {
  /** `${kind}:${period}` */
  _id: string;
  kind: ReportKind;
  period: string;
  status: 'draft' | 'issued';
  /** schedule: made by the job; manual: regenerated on demand. */
  source: 'schedule' | 'manual';
  /** 1 for the first generation, +1 for each regeneration of the draft. */
  revision: number;
  data: ReportData;
  generatedAt: Date;
  generatedBy: Types.ObjectId | null;
  /** 文号, given when issued: e.g. 督导通报〔2030〕3号. */
  docNumber: string | null;
  issuedAt: Date | null;
  issuedBy: Types.ObjectId | null;
  issuedByName: string | null;
  newsArticleId: Types.ObjectId | null;
}

const reportSchema = new Schema<ReportDoc>(
  {
    _id: { type: String, required: true },
    kind: { type: String, required: true, enum: REPORT_KINDS },
    period: { type: String, required: true },
    status: { type: String, required: true, enum: ['draft', 'issued'] },
    source: { type: String, required: true, enum: ['schedule', 'manual'] },
    revision: { type: Number, required: true },
    data: { type: Schema.Types.Mixed, required: true },
    generatedAt: { type: Date, required: true },
    generatedBy: { type: Schema.Types.ObjectId, default: null },
    docNumber: { type: String, default: null },
    issuedAt: { type: Date, default: null },
    issuedBy: { type: Schema.Types.ObjectId, default: null },
    issuedByName: { type: String, default: null },
    newsArticleId: { type: Schema.Types.ObjectId, default: null },
  },
  { versionKey: false, collection: 'supervision_reports', minimize: false },
);
reportSchema.index({ kind: 1, period: -1 });

export const SupervisionReport = (mongoose.models.SupervisionReport as mongoose.Model<ReportDoc>) ?? mongoose.model<ReportDoc>('SupervisionReport', reportSchema);
