/**
 * Attendance of held activities, one row per member per activity, with the group's place and the deputy's level
 * copied in, so the database counts it by place and period without joins.
 */
import mongoose, { Schema, type Types } from 'mongoose';
import { ATTENDANCE_STATUSES, type AttendanceStatus } from '../enums';

export interface AttendanceDoc {
  _id: Types.ObjectId;
  activityId: Types.ObjectId;
  groupId: Types.ObjectId;
  deputyId: Types.ObjectId;
  level: 'city' | 'county' | 'township';
  status: AttendanceStatus;
  date: Date;
  city?: string;
  county?: string;
  township?: string;
}

const attendanceSchema = new Schema<AttendanceDoc>(
  {
    activityId: { type: Schema.Types.ObjectId, required: true },
    groupId: { type: Schema.Types.ObjectId, required: true },
    deputyId: { type: Schema.Types.ObjectId, required: true },
    level: { type: String, enum: ['city', 'county', 'township'], required: true },
    status: { type: String, enum: ATTENDANCE_STATUSES, required: true },
    date: { type: Date, required: true },
    city: { type: String },
    county: { type: String },
    township: { type: String },
  },
  { versionKey: false, strict: 'throw', collection: 'activity_attendance' },
);
// One row per member per activity; also the rows of one activity (rewritten on correction).
attendanceSchema.index({ activityId: 1, deputyId: 1 }, { unique: true });
// A deputy's attendance in a period (funds of one deputy).
attendanceSchema.index({ deputyId: 1, date: 1 });
// A group's attendance in a period (rollup refresh).
attendanceSchema.index({ groupId: 1, date: 1 });
// Raw attendance of a county in a period (detail exports; the benchmark's plain count of the same rows).
attendanceSchema.index({ county: 1, date: 1 });

export const Attendance =
  (mongoose.models.ActivityAttendance as mongoose.Model<AttendanceDoc>) ?? mongoose.model<AttendanceDoc>('ActivityAttendance', attendanceSchema);
