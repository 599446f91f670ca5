/**
 * Experience-exchange meetings (经验交流会). A meeting has its own lifecycle (draft → announced → changed →
 * held, or cancelled) rather than the content review workflow: it is announced by an organizer, not reviewed.
 */
import mongoose, { Schema, type Types } from 'mongoose';

export const MEETING_STATUSES = ['draft', 'announced', 'changed', 'cancelled', 'held'] as const;
export type MeetingStatus = (typeof MEETING_STATUSES)[number];
/** Statuses in which the meeting is on: invitations valid, reminders due, RSVP open until the deadline. */
export const LIVE_STATUSES: MeetingStatus[] = ['announced', 'changed'];

export const MEETING_STATUS_LABELS: Record<MeetingStatus, string> = {
  draft: '草稿',
  announced: '已发布',
  changed: '已变更',
  cancelled: '已取消',
  held: '已召开',
};

export interface AgendaItem {
  /** Local time of day "HH:mm" (Asia/Shanghai), optional. */
  time?: string;
  title: string;
  speaker?: string;
}

export interface ExtraInvitee {
  name: string;
  /** Mainland mobile, 11 digits. Private. */
  phone: string;
  /** 称谓 used in greetings (记者, 镇长 …): "王记者您好". */
  role?: string;
}

export interface MeetingInvitees {
  deputyIds: Types.ObjectId[];
  groupIds: Types.ObjectId[];
  extras: ExtraInvitee[];
}

/** One reschedule or cancellation, newest last: the public page shows the latest as a notice. */
export interface MeetingChange {
  kind: 'rescheduled' | 'cancelled';
  at: Date;
  by: Types.ObjectId;
  note: string;
  previous?: { startsAt: Date; endsAt: Date; venue: string; address: string };
}

export interface MeetingDoc {
  _id: Types.ObjectId;
  title: string;
  theme: string;
  /** Markdown introduction for the public page. */
  description: string;
  startsAt: Date;
  endsAt: Date;
  venue: string;
  address: string;
  agenda: AgendaItem[];
  featuredCaseIds: Types.ObjectId[];
  featuredDeputyIds: Types.ObjectId[];
  invitees: MeetingInvitees;
  /** null = no limit. */
  capacity: number | null;
  /** null = answers accepted until the meeting starts. */
  rsvpDeadline: Date | null;
  /** Open meeting: anyone may sign up on its public page (sharing seats and wait-list with the invitees). */
  publicSignup: boolean;
  status: MeetingStatus;
  slug: string;
  /** Optimistic concurrency for admin edits. */
  version: number;
  /** ICS SEQUENCE: bumped by every change attendees must learn about (reschedule, cancel). */
  sequence: number;
  /** Seats taken; moved only by conditional updates (see rsvp.ts). */
  acceptedCount: number;
  announcedAt?: Date;
  /** When the current date/time/venue was set (announce or last reschedule): reminders due before it are skipped. */
  scheduleSetAt?: Date;
  cancelledAt?: Date;
  heldAt?: Date;
  changes: MeetingChange[];
  followUpArticleId?: Types.ObjectId;
  createdBy: Types.ObjectId;
  updatedBy: Types.ObjectId;
  createdAt: Date;
  updatedAt: Date;
}

const agendaSchema = new Schema<AgendaItem>(
  {
    time: { type: String, match: /^([01]\d|2[0-3]):[0-5]\d$/ },
    title: { type: String, required: true, trim: true, maxlength: 200 },
    speaker: { type: String, trim: true, maxlength: 100 },
  },
  { _id: false },
);

const extraSchema = new Schema<ExtraInvitee>(
  {
    name: { type: String, required: true, trim: true, maxlength: 50 },
    phone: { type: String, required: true, match: /^1[3-9]\d{9}$/ },
    role: { type: String, trim: true, maxlength: 8 },
  },
  { _id: false },
);

const changeSchema = new Schema<MeetingChange>(
  {
    kind: { type: String, enum: ['rescheduled', 'cancelled'], required: true },
    at: { type: Date, required: true },
    by: { type: Schema.Types.ObjectId, required: true },
    note: { type: String, default: '', maxlength: 500 },
    previous: {
      type: new Schema({ startsAt: Date, endsAt: Date, venue: String, address: String }, { _id: false }),
      default: undefined,
    },
  },
  { _id: false },
);

const meetingSchema = new Schema<MeetingDoc>(
  {
    title: { type: String, required: true, trim: true, maxlength: 100 },
    theme: { type: String, default: '', trim: true, maxlength: 200 },
    description: { type: String, default: '', maxlength: 50_000 },
    startsAt: { type: Date, required: true },
    endsAt: { type: Date, required: true },
    venue: { type: String, required: true, trim: true, maxlength: 100 },
    address: { type: String, default: '', trim: true, maxlength: 200 },
    agenda: { type: [agendaSchema], default: [] },
    featuredCaseIds: { type: [Schema.Types.ObjectId], default: [] },
    featuredDeputyIds: { type: [Schema.Types.ObjectId], default: [] },
    invitees: {
      type: new Schema<MeetingInvitees>(
        {
          deputyIds: { type: [Schema.Types.ObjectId], default: [] },
          groupIds: { type: [Schema.Types.ObjectId], default: [] },
          extras: { type: [extraSchema], default: [] },
        },
        { _id: false },
      ),
      default: () => ({ deputyIds: [], groupIds: [], extras: [] }),
    },
    capacity: { type: Number, default: null, min: 1 },
    rsvpDeadline: { type: Date, default: null },
    publicSignup: { type: Boolean, required: true, default: false },
    status: { type: String, enum: MEETING_STATUSES, required: true, default: 'draft' },
    // GET /meetings/:slug (public page, .ics); unique per meeting.
    slug: { type: String, required: true, unique: true, trim: true, maxlength: 120 },
    version: { type: Number, required: true, default: 1, min: 1 },
    sequence: { type: Number, required: true, default: 0, min: 0 },
    acceptedCount: { type: Number, required: true, default: 0, min: 0 },
    announcedAt: { type: Date },
    scheduleSetAt: { type: Date },
    cancelledAt: { type: Date },
    heldAt: { type: Date },
    changes: { type: [changeSchema], default: [] },
    followUpArticleId: { type: Schema.Types.ObjectId },
    createdBy: { type: Schema.Types.ObjectId, required: true },
    updatedBy: { type: Schema.Types.ObjectId, required: true },
    // Set from the injected clock (tests drive time), not by mongoose.
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, timestamps: false, strict: 'throw', collection: 'meetings' },
);
// Reminder job: live meetings starting within the largest reminder offset (status $in, startsAt range).
meetingSchema.index({ status: 1, startsAt: 1 });
// Admin list without a status filter, latest meetings first.
meetingSchema.index({ startsAt: -1, _id: -1 });

export const Meeting = (mongoose.models.Meeting as mongoose.Model<MeetingDoc>) ?? mongoose.model<MeetingDoc>('Meeting', meetingSchema);
