/** Typical working models to replicate (典型模式). */
import mongoose, { Schema, type Types } from 'mongoose';
import { CASE_KINDS, type CaseKind } from '../enums';
import { highlightSchema, type Highlight } from './deputy';
import { publishablePlugin, publishableSchemaOptions, regionPlugin, type PublishableFields, type RegionFields } from './publishable';

export interface CaseStudyDoc extends PublishableFields, RegionFields {
  title: string;
  caseKind: CaseKind;
  /** One-paragraph summary shown on the case page. */
  summary: string;
  digest: string;
  digestAuto: boolean;
  body: string;
  coverMediaId?: Types.ObjectId;
  /** Outcome figures, e.g. { label: '办理代表建议', value: '326件' }. */
  figures: Highlight[];
  topics: string[];
  featured: boolean;
  relatedDeputyIds: Types.ObjectId[];
  relatedGroupIds: Types.ObjectId[];
}

const caseSchema = new Schema<CaseStudyDoc>(
  {
    title: { type: String, required: true, trim: true, maxlength: 200 },
    caseKind: { type: String, enum: CASE_KINDS, required: true },
    summary: { type: String, default: '', maxlength: 2000 },
    digest: { type: String, default: '', maxlength: 120 },
    digestAuto: { type: Boolean, default: true },
    body: { type: String, default: '', maxlength: 200_000 },
    coverMediaId: { type: Schema.Types.ObjectId },
    figures: { type: [highlightSchema], default: [] },
    topics: { type: [String], default: [] },
    featured: { type: Boolean, default: false },
    relatedDeputyIds: { type: [Schema.Types.ObjectId], default: [] },
    relatedGroupIds: { type: [Schema.Types.ObjectId], default: [] },
  },
  { ...publishableSchemaOptions, collection: 'case_studies' },
);
caseSchema.plugin(publishablePlugin);
caseSchema.plugin(regionPlugin);
// Admin and public lists filtered by model kind.
caseSchema.index({ caseKind: 1, deletedAt: 1, updatedAt: -1, _id: -1 });
caseSchema.index({ status: 1, caseKind: 1, deletedAt: 1, publishedAt: -1, _id: -1 });
// relatedFor deputy / group.
caseSchema.index({ relatedDeputyIds: 1, status: 1 });
caseSchema.index({ relatedGroupIds: 1, status: 1 });
// Admin list sorted by title.
caseSchema.index({ deletedAt: 1, title: 1, _id: 1 });

export const CaseStudy = (mongoose.models.CaseStudy as mongoose.Model<CaseStudyDoc>) ?? mongoose.model<CaseStudyDoc>('CaseStudy', caseSchema);
