/**
 * Attendance counted per deputy, group and period (each month 'YYYY-MM' and each year 'YYYY', Asia/Shanghai).
 * Rewritten from `activity_attendance` for the deputies and periods an activity write touches (rollups.ts), so a
 * city's year is ~9,000 rows to read instead of ~400,000 attendance rows to group.
 */
import mongoose, { Schema, type Types } from 'mongoose';

export interface AttendanceRollupDoc {
  /** `${period}|${deputyId}|${groupId}` */
  _id: string;
  period: string;
  deputyId: Types.ObjectId;
  groupId: Types.ObjectId;
  level: 'city' | 'county' | 'township';
  city?: string;
  county?: string;
  township?: string;
  /** Held activities of the group the deputy was on the roll of. */
  held: number;
  present: number;
  excused: number;
  absent: number;
}

const rollupSchema = new Schema<AttendanceRollupDoc>(
  {
    _id: { type: String, required: true },
    period: { type: String, required: true },
    deputyId: { type: Schema.Types.ObjectId, required: true },
    groupId: { type: Schema.Types.ObjectId, required: true },
    level: { type: String, required: true },
    city: { type: String },
    county: { type: String },
    township: { type: String },
    held: { type: Number, required: true },
    present: { type: Number, required: true },
    excused: { type: Number, required: true },
    absent: { type: Number, required: true },
  },
  { versionKey: false, strict: 'throw', collection: 'activity_attendance_rollups' },
);
// Coverage and funds of one period at each level.
rollupSchema.index({ period: 1, city: 1 });
rollupSchema.index({ period: 1, county: 1 });
rollupSchema.index({ period: 1, township: 1 });
// A group's figures (funds per group).
rollupSchema.index({ groupId: 1, period: 1 });
// A deputy's figures (funds per deputy).
rollupSchema.index({ deputyId: 1, period: 1 });

export const AttendanceRollup =
  (mongoose.models.AttendanceRollup as mongoose.Model<AttendanceRollupDoc>) ??
  mongoose.model<AttendanceRollupDoc>('AttendanceRollup', rollupSchema);
