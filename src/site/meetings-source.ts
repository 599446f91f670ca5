/**
 * Public reads of meetings for the microsite: meetings that were announced (also changed, cancelled or held),
 * never drafts, and public fields only — invitees, phone numbers and organizer ids stay inside; seats left are shown
 * only for open meetings (public sign-up), as a count.
 */
import { Meeting, type MeetingStatus } from '../meetings/models/meeting';
import { renderMarkdown } from '../content/markdown';
import { itemPath } from '../urls';

const PUBLIC_STATUSES: MeetingStatus[] = ['announced', 'changed', 'cancelled', 'held'];
const STATUS_LABELS: Record<string, string> = { announced: '报名中', changed: '时间地点有变更', cancelled: '已取消', held: '已召开' };

const SUMMARY_FIELDS = { title: 1, theme: 1, startsAt: 1, endsAt: 1, venue: 1, address: 1, status: 1, slug: 1, updatedAt: 1, announcedAt: 1 } as const;
const DETAIL_FIELDS = {
  ...SUMMARY_FIELDS,
  description: 1,
  agenda: 1,
  featuredCaseIds: 1,
  featuredDeputyIds: 1,
  rsvpDeadline: 1,
  changes: 1,
  publicSignup: 1,
  capacity: 1,
  acceptedCount: 1,
} as const;

export interface PublicMeetingSummary {
  kind: 'meeting';
  id: string;
  slug: string;
  path: string;
  title: string;
  theme: string;
  startsAt: Date;
  endsAt: Date;
  venue: string;
  address: string;
  status: MeetingStatus;
  statusLabel: string;
  /** The meeting has not ended yet and is not cancelled. */
  upcoming: boolean;
  updatedAt: Date;
  publishedAt?: Date;
}

export interface PublicMeeting extends PublicMeetingSummary {
  html: string;
  agenda: { time?: string; title: string; speaker?: string }[];
  featuredCaseIds: string[];
  featuredDeputyIds: string[];
  rsvpDeadline: Date | null;
  /** The latest reschedule or cancellation, shown as a notice. */
  notice?: { kind: 'rescheduled' | 'cancelled'; at: Date; note: string };
  /** Calendar file (site-relative), for meetings not cancelled. */
  icsPath?: string;
  /** Open meetings (public sign-up): whether the form takes answers now, and the seats (counts only, never names). */
  signup?: { open: boolean; deadline: Date; capacity: number | null; seatsLeft: number | null };
}

function summary(doc: any, now: Date): PublicMeetingSummary {
  return {
    kind: 'meeting',
    id: String(doc._id),
    slug: doc.slug,
    path: itemPath('meeting', doc.slug),
    title: doc.title,
    theme: doc.theme ?? '',
    startsAt: doc.startsAt,
    endsAt: doc.endsAt,
    venue: doc.venue,
    address: doc.address ?? '',
    status: doc.status,
    statusLabel: STATUS_LABELS[doc.status] ?? '',
    upcoming: doc.status !== 'cancelled' && doc.status !== 'held' && doc.endsAt > now,
    updatedAt: doc.updatedAt,
    publishedAt: doc.announcedAt,
  };
}

export async function getPublicMeeting(slug: string, now: Date): Promise<PublicMeeting | null> {
  if (typeof slug !== 'string' || !slug) return null;
  const doc: any = await Meeting.findOne({ slug, status: { $in: PUBLIC_STATUSES } }, DETAIL_FIELDS).lean();
  if (!doc) return null;
  const last = doc.changes?.length ? doc.changes[doc.changes.length - 1] : undefined;
  return {
    ...summary(doc, now),
    html: renderMarkdown(doc.description ?? ''),
    agenda: (doc.agenda ?? []).map((a: any) => ({ time: a.time || undefined, title: a.title, speaker: a.speaker || undefined })),
    featuredCaseIds: (doc.featuredCaseIds ?? []).map(String),
    featuredDeputyIds: (doc.featuredDeputyIds ?? []).map(String),
    rsvpDeadline: doc.rsvpDeadline ?? null,
    notice: last ? { kind: last.kind, at: last.at, note: last.note ?? '' } : undefined,
    icsPath: doc.status === 'cancelled' ? undefined : `/meetings/${encodeURIComponent(doc.slug)}.ics`,
    signup: doc.publicSignup ? signupOf(doc, now) : undefined,
  };
}

function signupOf(doc: any, now: Date): PublicMeeting['signup'] {
  const deadline: Date = doc.rsvpDeadline ?? doc.startsAt;
  const live = doc.status === 'announced' || doc.status === 'changed';
  const capacity: number | null = doc.capacity ?? null;
  return {
    open: live && now.getTime() < deadline.getTime(),
    deadline,
    capacity,
    seatsLeft: capacity === null ? null : Math.max(0, capacity - (doc.acceptedCount ?? 0)),
  };
}

/** Meetings not yet over, soonest first (cancelled ones are left out). */
export async function upcomingMeetings(now: Date, limit = 20): Promise<PublicMeetingSummary[]> {
  const docs = await Meeting.find({ status: { $in: ['announced', 'changed'] }, endsAt: { $gt: now } }, SUMMARY_FIELDS)
    .sort({ startsAt: 1, _id: 1 })
    .limit(limit)
    .lean();
  return docs.map((d) => summary(d, now));
}

/** Meetings that are over, held or cancelled, latest first. */
export async function pastMeetings(now: Date, limit = 20): Promise<PublicMeetingSummary[]> {
  const docs = await Meeting.find(
    { status: { $in: PUBLIC_STATUSES }, $or: [{ endsAt: { $lte: now } }, { status: { $in: ['held', 'cancelled'] } }] },
    SUMMARY_FIELDS,
  )
    .sort({ startsAt: -1, _id: -1 })
    .limit(limit)
    .lean();
  return docs.map((d) => summary(d, now));
}

/** Every public meeting, for the sitemap. */
export async function allPublicMeetings(now: Date, limit = 5000): Promise<PublicMeetingSummary[]> {
  const docs = await Meeting.find({ status: { $in: PUBLIC_STATUSES } }, SUMMARY_FIELDS).sort({ startsAt: -1, _id: -1 }).limit(limit).lean();
  return docs.map((d) => summary(d, now));
}
