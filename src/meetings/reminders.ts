/**
 * Reminders to those who accepted, at configurable offsets before the start (default 24 h and 2 h).
 * Runs every minute under the scheduler's lease. For each live meeting starting within the largest offset it
 * looks at which reminders are due; the record of a reminder is inserted (unique per meeting × start × offset)
 * BEFORE the publication is created, and the publication carries a dedupe key: restarts and parallel instances
 * cannot send one twice. After downtime only the most recent due reminder goes out, and only while the meeting
 * has not started. Cancelled meetings are not live, so they get none.
 */
import type { Types } from 'mongoose';
import { Invitation, LIVE_STATUSES, Meeting, Reminder, type MeetingDoc, type ReminderDoc } from './models';
import { publicationOutcomes } from '../publishing';
import { sendMeetingNotice } from './notify';
import type { MeetingsContext } from './context';

export const REMINDER_JOB = 'meetings.reminders';

/** A claim whose send did not complete (process died) is retried after this long. */
const STALE_CLAIM_MS = 2 * 60_000;

export interface ReminderRunResult {
  sent: number;
  skipped: number;
}

function isDuplicate(err: unknown): boolean {
  return (err as { code?: number }).code === 11000;
}

export async function runReminders(ctx: MeetingsContext): Promise<ReminderRunResult> {
  const now = ctx.clock.now();
  const offsets = [...new Set(ctx.config.meetings.reminderOffsetsMs)].sort((a, b) => b - a);
  if (!offsets.length) return { sent: 0, skipped: 0 };
  const result = { sent: 0, skipped: 0 };

  const meetings = await Meeting.find({
    status: { $in: LIVE_STATUSES },
    startsAt: { $gt: now, $lte: new Date(now.getTime() + offsets[0]) },
  }).lean<MeetingDoc[]>();

  for (const m of meetings) {
    const due = offsets.filter((o) => m.startsAt.getTime() - o <= now.getTime());
    if (!due.length) continue;
    const latest = due[due.length - 1]; // the smallest due offset: the one closest to now
    for (const offsetMs of due) {
      const dueAt = new Date(m.startsAt.getTime() - offsetMs);
      const skipReason =
        offsetMs !== latest
          ? 'superseded'
          : m.scheduleSetAt && dueAt.getTime() < m.scheduleSetAt.getTime()
            ? 'schedule_set_after_due'
            : undefined;
      try {
        if (skipReason) {
          await Reminder.create({ meetingId: m._id, startsAt: m.startsAt, offsetMs, dueAt, status: 'skipped', reason: skipReason, createdAt: now, updatedAt: now });
          result.skipped += 1;
          continue;
        }
        const claim = await Reminder.create({ meetingId: m._id, startsAt: m.startsAt, offsetMs, dueAt, status: 'sending', createdAt: now, updatedAt: now });
        if (await send(ctx, m, claim.toObject())) result.sent += 1;
        else result.skipped += 1;
      } catch (err) {
        if (isDuplicate(err)) continue; // recorded already: sent, skipped, or being sent by another instance
        ctx.logger.error({ err, meetingId: String(m._id), offsetMs }, 'meeting reminder failed');
      }
    }
  }
  result.sent += await retryStaleClaims(ctx, now);
  return result;
}

/** Creates the publication for a claimed reminder; marks the record. False when nobody had accepted. */
async function send(ctx: MeetingsContext, m: MeetingDoc, claim: ReminderDoc): Promise<boolean> {
  const attendees = await Invitation.countDocuments({ meetingId: m._id, response: 'accepted' });
  const now = ctx.clock.now();
  if (!attendees) {
    await Reminder.updateOne({ _id: claim._id }, { $set: { status: 'skipped', reason: 'no_attendees', updatedAt: now } });
    return false;
  }
  const { publicationId } = await sendMeetingNotice(ctx, m, {
    notice: 'reminder',
    dedupeKey: `meeting:${String(m._id)}:reminder:${m.startsAt.getTime()}:${claim.offsetMs}`,
    createdBy: 'meetings',
  });
  await Reminder.updateOne(
    { _id: claim._id },
    { $set: { status: 'sent', publicationId, recipientCount: attendees, updatedAt: now } },
  );
  return true;
}

/** Claims left in 'sending' by a process that died between claim and publication: finish them (the dedupe key makes it safe). */
async function retryStaleClaims(ctx: MeetingsContext, now: Date): Promise<number> {
  const stale = await Reminder.find({ status: 'sending', updatedAt: { $lte: new Date(now.getTime() - STALE_CLAIM_MS) } })
    .limit(100)
    .lean<ReminderDoc[]>();
  let sent = 0;
  for (const claim of stale) {
    const m = await Meeting.findById(claim.meetingId as Types.ObjectId).lean<MeetingDoc>();
    const stillDue = m && LIVE_STATUSES.includes(m.status) && m.startsAt.getTime() === claim.startsAt.getTime() && m.startsAt.getTime() > now.getTime();
    if (!stillDue) {
      await Reminder.updateOne({ _id: claim._id, status: 'sending' }, { $set: { status: 'skipped', reason: 'no_longer_due', updatedAt: now } });
      continue;
    }
    try {
      if (await send(ctx, m, claim)) sent += 1;
    } catch (err) {
      ctx.logger.error({ err, reminderId: String(claim._id) }, 'meeting reminder retry failed');
    }
  }
  return sent;
}

/** The meeting's reminders; one whose messages a cancellation or a move withdrew before they went out shows 'withdrawn'. */
export async function listReminders(meetingId: Types.ObjectId) {
  const rows = await Reminder.find({ meetingId }).sort({ startsAt: 1, offsetMs: -1 }).lean<ReminderDoc[]>();
  const outcomes = await publicationOutcomes(rows.map((r) => r.publicationId).filter((id): id is string => Boolean(id)));
  return rows.map((r) => {
    const outcome = r.publicationId ? outcomes.get(r.publicationId) : undefined;
    return outcome?.withdrawn ? { ...viewOf(r), status: 'withdrawn' as const, reason: outcome.reason } : viewOf(r);
  });
}

function viewOf(r: ReminderDoc) {
  return {
    startsAt: r.startsAt,
    offsetMs: r.offsetMs,
    dueAt: r.dueAt,
    status: r.status as ReminderDoc['status'] | 'withdrawn',
    reason: r.reason,
    publicationId: r.publicationId,
    recipientCount: r.recipientCount,
  };
}
