/**
 * Attendance counted per group and period (each month 'YYYY-MM' and each year 'YYYY', Asia/Shanghai), one document
 * per group and period holding each member's counts. Rewritten from `activity_attendance` for the groups and years
 * an activity write touches (rollups.ts), so a city's year is 600 documents to read instead of ~450,000
 * attendance rows to group.
 */
import mongoose, { Schema, type Types } from 'mongoose';

export interface MemberCounts {
  deputyId: Types.ObjectId;
  level: 'city' | 'county' | 'township';
  /** Held activities of the group the deputy was on the roll of. */
  held: number;
  present: number;
  excused: number;
  absent: number;
}

export interface AttendanceRollupDoc {
  /** `${period}|${groupId}` */
  _id: string;
  period: string;
  groupId: Types.ObjectId;
  city?: string;
  county?: string;
  township?: string;
  /** Activities the group held in the period. */
  held: number;
  members: MemberCounts[];
}

const memberSchema = new Schema<MemberCounts>(
  {
    deputyId: { type: Schema.Types.ObjectId, required: true },
    level: { type: String, required: true },
    held: { type: Number, required: true },
    present: { type: Number, required: true },
    excused: { type: Number, required: true },
    absent: { type: Number, required: true },
  },
  { _id: false },
);

const rollupSchema = new Schema<AttendanceRollupDoc>(
  {
    _id: { type: String, required: true },
    period: { type: String, required: true },
    groupId: { type: Schema.Types.ObjectId, required: true },
    city: { type: String },
    county: { type: String },
    township: { type: String },
    held: { type: Number, required: true },
    members: { type: [memberSchema], default: [] },
  },
  { versionKey: false, strict: 'throw', collection: 'activity_attendance_rollups' },
);
// Coverage and funds of one period at each level.
rollupSchema.index({ period: 1, city: 1 });
rollupSchema.index({ period: 1, county: 1 });
rollupSchema.index({ period: 1, township: 1 });
// A group's periods (funds per group, refresh).
rollupSchema.index({ groupId: 1, period: 1 });

export const AttendanceRollup =
  (mongoose.models.AttendanceRollup as mongoose.Model<AttendanceRollupDoc>) ??
  mongoose.model<AttendanceRollupDoc>('AttendanceRollup', rollupSchema);
