/**
 * One invitation per person per meeting, created at announce time. The person answers through a personal
 * link carrying a random token; only its hash is stored, so a database leak does not leak working links.
 */
import mongoose, { Schema, type Types } from 'mongoose';

/** `waitlisted`: wanted to come when every seat was taken; promoted to `accepted` in turn when one frees up. */
export const RSVP_RESPONSES = ['pending', 'accepted', 'waitlisted', 'declined'] as const;
export type RsvpResponse = (typeof RSVP_RESPONSES)[number];
export const RSVP_RESPONSE_LABELS: Record<RsvpResponse, string> = { pending: '未回复', accepted: '参加', waitlisted: '候补', declined: '不参加' };

/** `public`: signed up on the meeting page of an open meeting (no invitation). */
export const INVITEE_SOURCES = ['deputy', 'group', 'extra', 'public'] as const;
export type InviteeSource = (typeof INVITEE_SOURCES)[number];
export const INVITEE_SOURCE_LABELS: Record<InviteeSource, string> = { deputy: '代表', group: '代表小组', extra: '其他人员', public: '公众报名' };

export interface InvitationDoc {
  _id: Types.ObjectId;
  meetingId: Types.ObjectId;
  name: string;
  /** Normalised mainland mobile (11 digits). */
  phone: string;
  source: InviteeSource;
  deputyId?: Types.ObjectId;
  groupId?: Types.ObjectId;
  /** Work unit given at public sign-up (单位), for the organizer's list. */
  unit?: string;
  /** 称谓 of an extra invitee (记者, 镇长 …), for greetings. */
  role?: string;
  /** When the person joined the wait-list: promotion goes by this order. */
  waitlistedAt?: Date;
  /** When a freed seat was given to this person from the wait-list. */
  promotedAt?: Date;
  /** SHA-256 (or HMAC with RSVP_TOKEN_SECRET) of the link token. */
  tokenHash: string;
  /** After this the link shows nothing (the meeting's end; moved along with a reschedule). */
  expiresAt: Date;
  response: RsvpResponse;
  note: string;
  respondedAt?: Date;
  /** The publication whose SMS carried the current link (announce, a newcomer invite, or a resend). */
  publicationId?: string;
  /** Set when the organizer checks the invitee in at the meeting. */
  checkedInAt?: Date;
  checkedInBy?: string;
  createdAt: Date;
}

const invitationSchema = new Schema<InvitationDoc>(
  {
    meetingId: { type: Schema.Types.ObjectId, required: true },
    name: { type: String, required: true, trim: true, maxlength: 50 },
    phone: { type: String, required: true },
    source: { type: String, enum: INVITEE_SOURCES, required: true },
    deputyId: { type: Schema.Types.ObjectId },
    groupId: { type: Schema.Types.ObjectId },
    unit: { type: String, trim: true, maxlength: 100 },
    role: { type: String, trim: true, maxlength: 8 },
    waitlistedAt: { type: Date },
    promotedAt: { type: Date },
    // GET/POST /r/:token and /api/public/rsvp/:token: look up by token hash.
    tokenHash: { type: String, required: true, unique: true },
    expiresAt: { type: Date, required: true },
    response: { type: String, enum: RSVP_RESPONSES, required: true, default: 'pending' },
    note: { type: String, default: '', maxlength: 200 },
    respondedAt: { type: Date },
    publicationId: { type: String },
    checkedInAt: { type: Date },
    checkedInBy: { type: String },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, strict: 'throw', collection: 'meeting_invitations' },
);
// One invitation per phone per meeting (announce retries and people invited twice, e.g. by id and via a group);
// also serves the organizer's RSVP list (by meeting, then phone).
invitationSchema.index({ meetingId: 1, phone: 1 }, { unique: true });
// Attendees of a meeting (reminders, change notices) and the counts by response.
invitationSchema.index({ meetingId: 1, response: 1 });

export const Invitation =
  (mongoose.models.MeetingInvitation as mongoose.Model<InvitationDoc>) ??
  mongoose.model<InvitationDoc>('MeetingInvitation', invitationSchema);
