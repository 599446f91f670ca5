/** What the admin API and the microsite show of an activity. */
import { Types } from 'mongoose';
import { loadImages } from '../content/public-mappers';
import type { PublicImage } from '../content/public-types';
import { Activity, type ActivityDoc } from './models';
import { ACTIVITY_KIND_LABELS, ACTIVITY_STATUS_LABELS, ATTENDANCE_LABELS, type ActivityKind } from './enums';

export interface AdminActivityView {
  id: string;
  groupId: string;
  groupName: string;
  region: ActivityDoc['region'];
  status: ActivityDoc['status'];
  statusLabel: string;
  kind: ActivityKind;
  kindLabel: string;
  subject: string;
  startsAt: Date;
  endsAt: Date | null;
  place: string;
  summary: string;
  outcomes: string;
  photoMediaIds: string[];
  householdsReached: number;
  villagesReached: number;
  participants: Array<{ deputyId: string; name: string; level: string; status: string | null; statusLabel: string | null; reason: string | null }>;
  attendance: { present: number; excused: number; absent: number; total: number };
  guests: ActivityDoc['guests'];
  cancelReason: string | null;
  noticePublicationId: string | null;
  newsArticleId: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export function toAdminView(a: ActivityDoc): AdminActivityView {
  const count = (s: string) => a.participants.filter((p) => p.status === s).length;
  return {
    id: String(a._id),
    groupId: String(a.groupId),
    groupName: a.groupName,
    region: a.region ?? {},
    status: a.status,
    statusLabel: ACTIVITY_STATUS_LABELS[a.status],
    kind: a.kind,
    kindLabel: ACTIVITY_KIND_LABELS[a.kind],
    subject: a.subject,
    startsAt: a.startsAt,
    endsAt: a.endsAt ?? null,
    place: a.place,
    summary: a.summary,
    outcomes: a.outcomes,
    photoMediaIds: a.photoMediaIds.map(String),
    householdsReached: a.householdsReached,
    villagesReached: a.villagesReached,
    participants: a.participants.map((p) => ({
      deputyId: String(p.deputyId),
      name: p.name,
      level: p.level,
      status: p.status ?? null,
      statusLabel: p.status ? ATTENDANCE_LABELS[p.status] : null,
      reason: p.reason ?? null,
    })),
    attendance: { present: count('present'), excused: count('excused'), absent: count('absent'), total: a.participants.length },
    guests: a.guests,
    cancelReason: a.cancelReason ?? null,
    noticePublicationId: a.noticePublicationId ?? null,
    newsArticleId: a.newsArticleId ? String(a.newsArticleId) : null,
    version: a.version,
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
  };
}

/** Public fields only: no roll call of individuals, no guests' names, no phone numbers. */
export interface PublicActivity {
  date: Date;
  kindLabel: string;
  subject: string;
  place: string;
  summary: string;
  outcomes: string;
  deputiesPresent: number;
  householdsReached: number;
  villagesReached: number;
  photos: PublicImage[];
}

/** The group's latest held activities, for its microsite page. */
export async function recentPublicActivities(groupId: string, limit = 10): Promise<PublicActivity[]> {
  if (!Types.ObjectId.isValid(groupId)) return [];
  const rows = await Activity.find({ groupId: new Types.ObjectId(groupId), status: 'held' })
    .sort({ startsAt: -1 })
    .limit(limit)
    .select('kind subject place summary outcomes participants.status householdsReached villagesReached photoMediaIds startsAt')
    .lean<ActivityDoc[]>();
  const images = await loadImages(rows.flatMap((r) => r.photoMediaIds));
  return rows.map((r) => ({
    date: r.startsAt,
    kindLabel: ACTIVITY_KIND_LABELS[r.kind],
    subject: r.subject,
    place: r.place,
    summary: r.summary,
    outcomes: r.outcomes,
    deputiesPresent: r.participants.filter((p) => p.status === 'present').length,
    householdsReached: r.householdsReached,
    villagesReached: r.villagesReached,
    photos: r.photoMediaIds.map((id) => images.get(String(id))).filter((x): x is PublicImage => !!x),
  }));
}
