/**
 * The wait-list: people who wanted to come when every seat was taken (invitees answering "参加" and public
 * sign-ups alike) get freed seats in the order they joined, and an SMS saying so. Promotion runs right after a
 * seat frees (a decline, a cancelled sign-up, a larger capacity) and, as a safety net for a crash in between,
 * every minute from the scheduler. It is idempotent: each seat is taken by a conditional update before the
 * invitation flips from `waitlisted`, so two instances promoting at once never give one seat twice.
 */
import { Invitation, LIVE_STATUSES, Meeting, type InvitationDoc, type MeetingDoc } from './models';
import { releaseSeat, takeSeat } from './seats';
import { greetingParam, sendMeetingNotice } from './notify';
import type { MeetingsContext } from './context';

/** Upper bound of promotions in one pass (a capacity raised by hundreds finishes on the next passes). */
const MAX_PER_PASS = 200;

function promotable(m: MeetingDoc | null, now: Date): m is MeetingDoc {
  return !!m && LIVE_STATUSES.includes(m.status) && m.startsAt.getTime() > now.getTime();
}

/** Gives free seats to the wait-list in order; returns how many were promoted. */
export async function promoteWaitlist(ctx: MeetingsContext, meetingId: MeetingDoc['_id']): Promise<number> {
  let promoted = 0;
  for (let pass = 0; pass < MAX_PER_PASS; pass++) {
    const now = ctx.clock.now();
    const m = await Meeting.findById(meetingId).lean<MeetingDoc>();
    if (!promotable(m, now)) break;
    if (m.capacity !== null && m.acceptedCount >= m.capacity) break;
    const next = await Invitation.findOne({ meetingId, response: 'waitlisted' }).sort({ waitlistedAt: 1, _id: 1 }).lean<InvitationDoc>();
    if (!next) break;
    let seated: boolean;
    try {
      seated = await takeSeat(m);
    } catch {
      break; // the meeting stopped taking answers in between
    }
    if (!seated) break;
    const flipped = await Invitation.findOneAndUpdate(
      { _id: next._id, response: 'waitlisted' },
      { $set: { response: 'accepted', promotedAt: now }, $unset: { waitlistedAt: 1 } },
      { returnDocument: 'after', lean: true },
    );
    if (!flipped) {
      await releaseSeat(m._id); // they declined or were promoted elsewhere meanwhile: the seat goes to the next
      continue;
    }
    promoted += 1;
    ctx.logger.info({ meetingId: String(m._id), invitationId: String(next._id) }, 'promoted from the wait-list');
    try {
      await sendMeetingNotice(ctx, m, {
        notice: 'promotion',
        recipients: [{ phone: next.phone, name: next.name, params: { name: greetingParam(next) } }],
        dedupeKey: `meeting:${String(m._id)}:promotion:${String(next._id)}:${now.getTime()}`,
        createdBy: 'meetings',
        smsOnly: true,
      });
    } catch (err) {
      // The seat is theirs either way; the page behind their link says so.
      ctx.logger.error({ err, meetingId: String(m._id), invitationId: String(next._id) }, 'promotion SMS not queued');
    }
  }
  return promoted;
}

/** After seats moved: give any freed seat to the wait-list, and let the public page show the new count. */
export async function afterSeatsMoved(ctx: MeetingsContext, m: MeetingDoc, freed: boolean): Promise<void> {
  if (freed) await promoteWaitlist(ctx, m._id);
  if (m.capacity !== null) ctx.events.emit('item.changed', { kind: 'meeting', id: String(m._id), slug: m.slug, reason: 'updated' });
}

/** The scheduler's safety net: every live meeting with people waiting and seats free. */
export async function sweepWaitlists(ctx: MeetingsContext): Promise<number> {
  const now = ctx.clock.now();
  const waiting = await Invitation.distinct('meetingId', { response: 'waitlisted', expiresAt: { $gt: now } });
  if (!waiting.length) return 0;
  const meetings = await Meeting.find({ _id: { $in: waiting }, status: { $in: LIVE_STATUSES }, startsAt: { $gt: now } })
    .select('_id slug capacity acceptedCount')
    .lean<MeetingDoc[]>();
  let promoted = 0;
  for (const m of meetings) {
    if (m.capacity !== null && m.acceptedCount >= m.capacity) continue;
    const n = await promoteWaitlist(ctx, m._id);
    if (n) ctx.events.emit('item.changed', { kind: 'meeting', id: String(m._id), slug: m.slug, reason: 'updated' });
    promoted += n;
  }
  return promoted;
}
