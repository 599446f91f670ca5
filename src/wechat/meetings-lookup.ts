/**
 * Upcoming meetings for "会议" replies. The meetings module is built by another team; this is the single place that
 * knows its model. Without the model (module absent) the caller replies with the meetings page link instead.
 */
import mongoose from 'mongoose';
import { itemPath } from '../urls';
import type { CardItem } from './content-lookup';

interface MeetingLike {
  _id: unknown;
  title?: string;
  slug?: string;
  startsAt?: Date;
}

/** Meetings the public sees as current (src/meetings: draft → announced → changed → held | cancelled). */
const CURRENT = ['announced', 'changed'];

/** Announced meetings not over yet, soonest first; or one public (announced/changed/held) meeting by id. */
export async function upcomingPublishedMeetings(now: Date, limit: number, id?: string): Promise<CardItem[] | undefined> {
  const Meeting = mongoose.models.Meeting as mongoose.Model<MeetingLike> | undefined;
  if (!Meeting) return undefined;
  const filter: Record<string, unknown> = id ? { status: { $in: [...CURRENT, 'held'] } } : { status: { $in: CURRENT }, endsAt: { $gt: now } };
  if (id) {
    if (!mongoose.isValidObjectId(id)) return [];
    filter._id = id;
  }
  const docs = await Meeting.find(filter, { title: 1, slug: 1, startsAt: 1 }).sort({ startsAt: 1, _id: 1 }).limit(limit).lean<MeetingLike[]>();
  return docs
    .filter((m) => m.title && m.slug)
    .map((m) => ({
      kind: 'meeting' as const,
      id: String(m._id),
      title: m.title!,
      digest: '',
      path: itemPath('meeting', m.slug!),
      startsAt: m.startsAt,
    }));
}
