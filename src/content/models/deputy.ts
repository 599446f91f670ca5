/** Typical (exemplary) deputy profiles (典型代表). Phone numbers are private: never selected unless asked for. */
import mongoose, { Schema, type Types } from 'mongoose';
import { DEPUTY_LEVELS, type DeputyLevel } from '../enums';
import { publishablePlugin, publishableSchemaOptions, regionPlugin, type PublishableFields, type RegionFields } from './publishable';

/** A short fact with a number, e.g. { label: '带动脱贫户', value: '32户' }. */
export interface Highlight {
  label: string;
  value: string;
}

export const highlightSchema = new Schema<Highlight>(
  {
    label: { type: String, required: true, trim: true, maxlength: 40 },
    value: { type: String, required: true, trim: true, maxlength: 40 },
  },
  { _id: false },
);

export interface DeputyDoc extends PublishableFields, RegionFields {
  name: string;
  level: DeputyLevel;
  groupId?: Types.ObjectId;
  occupation?: string;
  organisation?: string;
  photoMediaId?: Types.ObjectId;
  digest: string;
  digestAuto: boolean;
  /** Markdown story of the deputy's deeds. */
  story: string;
  highlights: Highlight[];
  topics: string[];
  featured: boolean;
  /** A leader of the city or county "four bodies" (市县"四大家"领导: Party committee, congress, government, CPPCC). */
  leader: boolean;
  /** Private: for notifications only. `select: false` keeps them out of every query that does not ask by name. */
  phones: string[];
}

const deputySchema = new Schema<DeputyDoc>(
  {
    name: { type: String, required: true, trim: true, maxlength: 50 },
    level: { type: String, enum: DEPUTY_LEVELS, required: true },
    groupId: { type: Schema.Types.ObjectId },
    occupation: { type: String, trim: true, maxlength: 100 },
    organisation: { type: String, trim: true, maxlength: 100 },
    photoMediaId: { type: Schema.Types.ObjectId },
    digest: { type: String, default: '', maxlength: 120 },
    digestAuto: { type: Boolean, default: true },
    story: { type: String, default: '', maxlength: 200_000 },
    highlights: { type: [highlightSchema], default: [] },
    topics: { type: [String], default: [] },
    featured: { type: Boolean, default: false },
    leader: { type: Boolean, default: false },
    phones: { type: [String], default: [], select: false },
  },
  { ...publishableSchemaOptions, collection: 'deputies' },
);
deputySchema.plugin(publishablePlugin);
deputySchema.plugin(regionPlugin);
// Admin list filtered by level.
deputySchema.index({ level: 1, deletedAt: 1, updatedAt: -1, _id: -1 });
// Public list by level, featured first pages.
deputySchema.index({ status: 1, level: 1, deletedAt: 1, publishedAt: -1, _id: -1 });
deputySchema.index({ status: 1, featured: 1, deletedAt: 1, publishedAt: -1, _id: -1 });
// Members of a group (group page, relatedFor).
deputySchema.index({ groupId: 1, status: 1 });
// Admin list sorted by name.
deputySchema.index({ deletedAt: 1, name: 1, _id: 1 });

export const Deputy = (mongoose.models.Deputy as mongoose.Model<DeputyDoc>) ?? mongoose.model<DeputyDoc>('Deputy', deputySchema);
