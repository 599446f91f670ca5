/**
 * The durable record of one reminder (meeting × its start time × offset), inserted BEFORE anything is sent.
 * Its unique index is what keeps restarts and parallel instances from sending a reminder twice.
 */
import mongoose, { Schema, type Types } from 'mongoose';

export const REMINDER_STATUSES = ['sending', 'sent', 'skipped'] as const;
export type ReminderStatus = (typeof REMINDER_STATUSES)[number];

export interface ReminderDoc {
  _id: Types.ObjectId;
  meetingId: Types.ObjectId;
  /** The start time this reminder is about: a reschedule to a new time makes new reminders due. */
  startsAt: Date;
  offsetMs: number;
  dueAt: Date;
  status: ReminderStatus;
  /** Why it was skipped (superseded by a later reminder, schedule announced after it was due, nobody accepted). */
  reason?: string;
  publicationId?: string;
  recipientCount: number;
  createdAt: Date;
  updatedAt: Date;
}

const reminderSchema = new Schema<ReminderDoc>(
  {
    meetingId: { type: Schema.Types.ObjectId, required: true },
    startsAt: { type: Date, required: true },
    offsetMs: { type: Number, required: true },
    dueAt: { type: Date, required: true },
    status: { type: String, enum: REMINDER_STATUSES, required: true },
    reason: { type: String },
    publicationId: { type: String },
    recipientCount: { type: Number, default: 0 },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, strict: 'throw', collection: 'meeting_reminders' },
);
// Claim: one record per (meeting, start time, offset), ever. Also lists a meeting's reminders for the organizer.
reminderSchema.index({ meetingId: 1, startsAt: 1, offsetMs: 1 }, { unique: true });
// Retry of claims whose send did not complete (status 'sending', oldest first).
reminderSchema.index({ status: 1, updatedAt: 1 });

export const Reminder =
  (mongoose.models.MeetingReminder as mongoose.Model<ReminderDoc>) ?? mongoose.model<ReminderDoc>('MeetingReminder', reminderSchema);
