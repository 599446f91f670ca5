/** Deputy groups (代表小组): about 15 deputies of mixed levels, an activity room, and activity records. */
import mongoose, { Schema, type Types } from 'mongoose';
import { DEPUTY_LEVELS, type DeputyLevel } from '../enums';
import { publishablePlugin, publishableSchemaOptions, regionPlugin, type PublishableFields, type RegionFields } from './publishable';

export interface GroupMember {
  name: string;
  /** Linked profile when the member has one. */
  deputyId?: Types.ObjectId;
  level?: DeputyLevel;
  /** E.g. 组长, 联络员. */
  role?: string;
  occupation?: string;
}

export interface GroupActivity {
  _id: Types.ObjectId;
  date: Date;
  theme: string;
  participants: string;
  outcomes: string;
}

const memberSchema = new Schema<GroupMember>(
  {
    name: { type: String, required: true, trim: true, maxlength: 50 },
    deputyId: { type: Schema.Types.ObjectId },
    level: { type: String, enum: DEPUTY_LEVELS },
    role: { type: String, trim: true, maxlength: 30 },
    occupation: { type: String, trim: true, maxlength: 100 },
  },
  { _id: false },
);

const activitySchema = new Schema<GroupActivity>({
  date: { type: Date, required: true },
  theme: { type: String, required: true, trim: true, maxlength: 200 },
  participants: { type: String, default: '', maxlength: 1000 },
  outcomes: { type: String, default: '', maxlength: 5000 },
});

export interface DeputyGroupDoc extends PublishableFields, RegionFields {
  name: string;
  digest: string;
  digestAuto: boolean;
  /** Markdown introduction. */
  body: string;
  coverMediaId?: Types.ObjectId;
  roomAddress?: string;
  members: GroupMember[];
  activities: GroupActivity[];
  topics: string[];
  featured: boolean;
}

const groupSchema = new Schema<DeputyGroupDoc>(
  {
    name: { type: String, required: true, trim: true, maxlength: 100 },
    digest: { type: String, default: '', maxlength: 120 },
    digestAuto: { type: Boolean, default: true },
    body: { type: String, default: '', maxlength: 200_000 },
    coverMediaId: { type: Schema.Types.ObjectId },
    roomAddress: { type: String, trim: true, maxlength: 200 },
    members: { type: [memberSchema], default: [] },
    activities: { type: [activitySchema], default: [] },
    topics: { type: [String], default: [] },
    featured: { type: Boolean, default: false },
  },
  { ...publishableSchemaOptions, collection: 'deputy_groups' },
);
groupSchema.plugin(publishablePlugin);
groupSchema.plugin(regionPlugin);
// Groups a deputy belongs to (relatedFor deputy).
groupSchema.index({ 'members.deputyId': 1, status: 1 });
// Admin list sorted by name.
groupSchema.index({ deletedAt: 1, name: 1, _id: 1 });

export const DeputyGroup =
  (mongoose.models.DeputyGroup as mongoose.Model<DeputyGroupDoc>) ?? mongoose.model<DeputyGroupDoc>('DeputyGroup', groupSchema);
