/**
 * One deputy-group activity (代表小组活动): a plan announced ahead, or the record of what happened, with its roll
 * call. Attendance of held activities is also written, one row per member, to `activity_attendance` (attendance.ts)
 * so coverage and funds are counted by the database.
 */
import mongoose, { Schema, type Types } from 'mongoose';
import { ACTIVITY_KINDS, ACTIVITY_STATUSES, ATTENDANCE_STATUSES, type ActivityKind, type ActivityStatus, type AttendanceStatus } from '../enums';

export interface Participant {
  deputyId: Types.ObjectId;
  /** Name and level at the time of the activity (the profile may change later). */
  name: string;
  level: 'city' | 'county' | 'township';
  /** Unset while the activity is only planned. */
  status?: AttendanceStatus;
  /** Why an excused member was away (请假事由). */
  reason?: string;
}

export interface Guest {
  name: string;
  /** E.g. 镇党委书记, 县融媒体中心记者. */
  title?: string;
}

export interface ActivityRegion {
  city?: string;
  county?: string;
  township?: string;
}

export interface ActivityDoc {
  _id: Types.ObjectId;
  groupId: Types.ObjectId;
  /** Copied from the group when the activity is written: coverage counts by the group's place. */
  groupName: string;
  region: ActivityRegion;
  status: ActivityStatus;
  kind: ActivityKind;
  subject: string;
  startsAt: Date;
  endsAt?: Date;
  place: string;
  /** What was done (Markdown-free plain text). */
  summary: string;
  /** What came of it. */
  outcomes: string;
  photoMediaIds: Types.ObjectId[];
  householdsReached: number;
  villagesReached: number;
  participants: Participant[];
  guests: Guest[];
  /** `${groupId}|${startsAt ISO}` while planned or held: one activity per group per start time (unique). */
  slotKey?: string;
  cancelReason?: string;
  heldRecordedAt?: Date;
  noticePublicationId?: string;
  newsArticleId?: Types.ObjectId;
  version: number;
  createdBy: Types.ObjectId;
  updatedBy: Types.ObjectId;
  createdAt: Date;
  updatedAt: Date;
}

const participantSchema = new Schema<Participant>(
  {
    deputyId: { type: Schema.Types.ObjectId, required: true },
    name: { type: String, required: true, maxlength: 50 },
    level: { type: String, enum: ['city', 'county', 'township'], required: true },
    status: { type: String, enum: ATTENDANCE_STATUSES },
    reason: { type: String, maxlength: 200 },
  },
  { _id: false },
);

const guestSchema = new Schema<Guest>(
  { name: { type: String, required: true, trim: true, maxlength: 50 }, title: { type: String, trim: true, maxlength: 100 } },
  { _id: false },
);

const activitySchema = new Schema<ActivityDoc>(
  {
    groupId: { type: Schema.Types.ObjectId, required: true },
    groupName: { type: String, required: true, maxlength: 100 },
    region: { type: new Schema({ city: String, county: String, township: String }, { _id: false }), default: () => ({}) },
    status: { type: String, enum: ACTIVITY_STATUSES, required: true },
    kind: { type: String, enum: ACTIVITY_KINDS, required: true },
    subject: { type: String, required: true, trim: true, maxlength: 200 },
    startsAt: { type: Date, required: true },
    endsAt: { type: Date },
    place: { type: String, default: '', trim: true, maxlength: 200 },
    summary: { type: String, default: '', maxlength: 10_000 },
    outcomes: { type: String, default: '', maxlength: 10_000 },
    photoMediaIds: { type: [Schema.Types.ObjectId], default: [] },
    householdsReached: { type: Number, default: 0, min: 0 },
    villagesReached: { type: Number, default: 0, min: 0 },
    participants: { type: [participantSchema], default: [] },
    guests: { type: [guestSchema], default: [] },
    // Duplicate guard (see ActivityDoc.slotKey); cleared when a plan is cancelled.
    slotKey: { type: String, unique: true, sparse: true },
    cancelReason: { type: String, maxlength: 500 },
    heldRecordedAt: { type: Date },
    noticePublicationId: { type: String },
    newsArticleId: { type: Schema.Types.ObjectId },
    version: { type: Number, required: true, default: 1, min: 1 },
    createdBy: { type: Schema.Types.ObjectId, required: true },
    updatedBy: { type: Schema.Types.ObjectId, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, strict: 'throw', collection: 'activities' },
);
// A group's activities, newest first (admin list by group, microsite group page, coverage of guarantees).
activitySchema.index({ groupId: 1, startsAt: -1 });
// Admin lists and coverage by place and time, at each administrative level.
activitySchema.index({ 'region.county': 1, startsAt: -1 });
activitySchema.index({ 'region.township': 1, startsAt: -1 });
activitySchema.index({ startsAt: -1, _id: -1 });
// Plans ahead in a period (coverage: groups with a schedule).
activitySchema.index({ status: 1, startsAt: 1 });

export const Activity = (mongoose.models.Activity as mongoose.Model<ActivityDoc>) ?? mongoose.model<ActivityDoc>('Activity', activitySchema);
