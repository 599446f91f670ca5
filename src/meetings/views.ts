/** What the API and pages show of a meeting: the organizer's full view and the public's. */
import { getPublishedById } from '../content/public-queries';
import { itemPath } from '../urls';
import { MEETING_STATUS_LABELS, type MeetingDoc, type MeetingStatus } from './models';
import { formatLocal, formatRange } from './time';

export interface AdminMeetingView {
  id: string;
  title: string;
  theme: string;
  description: string;
  startsAt: Date;
  endsAt: Date;
  /** Local Asia/Shanghai renderings, for people reading the JSON. */
  startsAtLocal: string;
  endsAtLocal: string;
  venue: string;
  address: string;
  agenda: MeetingDoc['agenda'];
  featuredCaseIds: string[];
  featuredDeputyIds: string[];
  invitees: { deputyIds: string[]; groupIds: string[]; extras: Array<{ name: string; phone: string; role?: string }> };
  capacity: number | null;
  rsvpDeadline: Date | null;
  publicSignup: boolean;
  status: MeetingStatus;
  statusLabel: string;
  slug: string;
  path: string;
  version: number;
  sequence: number;
  acceptedCount: number;
  announcedAt?: Date;
  cancelledAt?: Date;
  heldAt?: Date;
  changes: Array<{ kind: string; at: Date; note: string; previous?: unknown }>;
  followUpArticleId?: string;
  createdAt: Date;
  updatedAt: Date;
}

export function toAdminView(m: MeetingDoc): AdminMeetingView {
  return {
    id: String(m._id),
    title: m.title,
    theme: m.theme,
    description: m.description,
    startsAt: m.startsAt,
    endsAt: m.endsAt,
    startsAtLocal: formatLocal(m.startsAt, 'input'),
    endsAtLocal: formatLocal(m.endsAt, 'input'),
    venue: m.venue,
    address: m.address,
    agenda: m.agenda.map((a) => ({ time: a.time, title: a.title, speaker: a.speaker })),
    featuredCaseIds: m.featuredCaseIds.map(String),
    featuredDeputyIds: m.featuredDeputyIds.map(String),
    invitees: {
      deputyIds: m.invitees.deputyIds.map(String),
      groupIds: m.invitees.groupIds.map(String),
      extras: m.invitees.extras.map((e) => ({ name: e.name, phone: e.phone, ...(e.role ? { role: e.role } : {}) })),
    },
    capacity: m.capacity ?? null,
    rsvpDeadline: m.rsvpDeadline ?? null,
    publicSignup: m.publicSignup ?? false,
    status: m.status,
    statusLabel: MEETING_STATUS_LABELS[m.status],
    slug: m.slug,
    path: itemPath('meeting', m.slug),
    version: m.version,
    sequence: m.sequence,
    acceptedCount: m.acceptedCount,
    announcedAt: m.announcedAt,
    cancelledAt: m.cancelledAt,
    heldAt: m.heldAt,
    changes: m.changes.map((c) => ({ kind: c.kind, at: c.at, note: c.note, previous: c.previous })),
    followUpArticleId: m.followUpArticleId ? String(m.followUpArticleId) : undefined,
    createdAt: m.createdAt,
    updatedAt: m.updatedAt,
  };
}

/** A featured case or deputy as a link (published items only). */
export interface FeaturedLink {
  id: string;
  title: string;
  path: string;
  digest: string;
  /** Deputies: their level, e.g. 县级人大代表. */
  subtitle?: string;
}

export interface PublicMeeting {
  id: string;
  slug: string;
  path: string;
  title: string;
  theme: string;
  description: string;
  startsAt: Date;
  endsAt: Date;
  /** "2026年12月1日（星期二）14:30—16:30" */
  when: string;
  venue: string;
  address: string;
  agenda: Array<{ time?: string; title: string; speaker?: string }>;
  status: MeetingStatus;
  statusLabel: string;
  capacity: number | null;
  seatsLeft: number | null;
  rsvpDeadline: Date | null;
  rsvpDeadlineText?: string;
  /** The latest change or the cancellation, for a notice at the top of the page. */
  notice?: { kind: 'rescheduled' | 'cancelled'; text: string; at: Date };
  featuredCases: FeaturedLink[];
  featuredDeputies: FeaturedLink[];
  /** Site-relative address of the calendar file. */
  icsPath: string;
}

/** Public face of a meeting (never invitees, phones or counters beyond seats left). Draft meetings have none. */
export async function toPublicMeeting(m: MeetingDoc, options: { withFeatured?: boolean } = {}): Promise<PublicMeeting> {
  const withFeatured = options.withFeatured ?? true;
  const [featuredCases, featuredDeputies] = withFeatured
    ? await Promise.all([
        Promise.all(m.featuredCaseIds.map((id) => getPublishedById('case', String(id)))),
        Promise.all(m.featuredDeputyIds.map((id) => getPublishedById('deputy', String(id)))),
      ])
    : [[], []];
  return {
    id: String(m._id),
    slug: m.slug,
    path: itemPath('meeting', m.slug),
    title: m.title,
    theme: m.theme,
    description: m.description,
    startsAt: m.startsAt,
    endsAt: m.endsAt,
    when: formatRange(m.startsAt, m.endsAt),
    venue: m.venue,
    address: m.address,
    agenda: m.agenda.map((a) => ({ time: a.time, title: a.title, speaker: a.speaker })),
    status: m.status,
    statusLabel: MEETING_STATUS_LABELS[m.status],
    capacity: m.capacity ?? null,
    seatsLeft: m.capacity ? Math.max(0, m.capacity - m.acceptedCount) : null,
    rsvpDeadline: m.rsvpDeadline ?? null,
    rsvpDeadlineText: m.rsvpDeadline ? formatLocal(m.rsvpDeadline, 'long') : undefined,
    notice: noticeOf(m),
    featuredCases: featuredCases.flatMap((c) => (c ? [{ id: c.id, title: c.title, path: c.path, digest: c.digest }] : [])),
    featuredDeputies: featuredDeputies.flatMap((d) =>
      d ? [{ id: d.id, title: d.name, path: d.path, digest: d.digest, subtitle: d.levelLabel }] : [],
    ),
    icsPath: `/api/public/meetings/${String(m._id)}/ics`,
  };
}

export function noticeOf(m: MeetingDoc): PublicMeeting['notice'] {
  const last = m.changes.at(-1);
  if (m.status === 'cancelled') {
    const reason = last?.kind === 'cancelled' && last.note ? `原因：${last.note}` : '';
    return { kind: 'cancelled', text: `本次会议已取消。${reason}`, at: m.cancelledAt ?? last?.at ?? m.updatedAt };
  }
  if (last?.kind === 'rescheduled') {
    const parts: string[] = [];
    if (last.previous && last.previous.startsAt.getTime() !== m.startsAt.getTime()) {
      parts.push(`时间由 ${formatLocal(last.previous.startsAt, 'long')} 改为 ${formatLocal(m.startsAt, 'long')}`);
    }
    if (last.previous && (last.previous.venue !== m.venue || last.previous.address !== m.address)) {
      parts.push(`地点由 ${last.previous.venue} 改为 ${m.venue}`);
    }
    const text = `会议安排已变更：${parts.join('；') || '请以本页信息为准'}。${last.note ? `说明：${last.note}` : ''}`;
    return { kind: 'rescheduled', text, at: last.at };
  }
  return undefined;
}
