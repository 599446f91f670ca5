/**
 * Moving or cancelling a live meeting. The record changes first (conditionally on the version read), then
 * those who accepted are told through the pipeline; the page shows the change from the record itself.
 * SEQUENCE goes up so calendar programs replace the event they imported.
 */
import { Types } from 'mongoose';
import { ConflictError, ValidationError } from '../errors';
import { Invitation, LIVE_STATUSES, Meeting, type MeetingDoc } from './models';
import { assertConsistent, findMeeting } from './service';
import { sendMeetingNotice } from './notify';
import { withdrawPublications } from '../publishing';
import { syncMeetingPage } from './publishable';
import { toAdminView, type AdminMeetingView } from './views';
import type { RescheduleInput } from './schemas';
import type { Actor, MeetingsContext } from './context';

function assertLive(m: MeetingDoc, version: number): void {
  if (m.status === 'draft') throw new ConflictError('会议尚未发布：直接修改或删除草稿即可', 'meeting_not_announced');
  if (!LIVE_STATUSES.includes(m.status)) throw new ConflictError(`会议${m.status === 'cancelled' ? '已取消' : '已召开'}，不能再变更`, 'meeting_closed');
  if (m.version !== version) throw new ConflictError('会议已被他人修改，请刷新后再试', 'version_conflict', { currentVersion: m.version });
}

export async function rescheduleMeeting(
  ctx: MeetingsContext,
  id: string,
  input: RescheduleInput,
  actor: Actor,
): Promise<AdminMeetingView & { publicationId: string }> {
  const m = await findMeeting(id);
  assertLive(m, input.version);
  const now = ctx.clock.now();
  const next = {
    startsAt: input.startsAt ?? m.startsAt,
    endsAt: input.endsAt ?? (input.startsAt ? new Date(input.startsAt.getTime() + (m.endsAt.getTime() - m.startsAt.getTime())) : m.endsAt),
    venue: input.venue ?? m.venue,
    address: input.address ?? m.address,
    rsvpDeadline: input.rsvpDeadline !== undefined ? input.rsvpDeadline : m.rsvpDeadline,
  };
  // A deadline left after the new start would be meaningless: answers close when the meeting starts.
  if (next.rsvpDeadline && next.rsvpDeadline.getTime() > next.startsAt.getTime() && input.rsvpDeadline === undefined) next.rsvpDeadline = null;
  assertConsistent({ ...next, capacity: m.capacity, acceptedCount: m.acceptedCount });
  if (next.startsAt.getTime() <= now.getTime()) {
    throw new ValidationError('新的开始时间必须在将来', [{ field: 'body.startsAt', message: '时间已过' }]);
  }
  const unchanged =
    next.startsAt.getTime() === m.startsAt.getTime() &&
    next.endsAt.getTime() === m.endsAt.getTime() &&
    next.venue === m.venue &&
    next.address === m.address;
  if (unchanged) throw new ValidationError('时间和地点都没有变化', [{ field: 'body', message: 'nothing changed' }]);

  const updated = await Meeting.findOneAndUpdate(
    { _id: m._id, version: m.version, status: { $in: LIVE_STATUSES } },
    {
      $set: { ...next, status: 'changed', scheduleSetAt: now, updatedAt: now, updatedBy: new Types.ObjectId(actor.id) },
      $push: {
        changes: {
          kind: 'rescheduled',
          at: now,
          by: new Types.ObjectId(actor.id),
          note: input.note,
          previous: { startsAt: m.startsAt, endsAt: m.endsAt, venue: m.venue, address: m.address },
        },
      },
      $inc: { version: 1, sequence: 1 },
    },
    { returnDocument: 'after', lean: true },
  );
  if (!updated) throw new ConflictError('会议已被他人修改，请刷新后再试', 'version_conflict');
  const meeting = updated as MeetingDoc;
  // Links stay valid until the (new) end of the meeting.
  await Invitation.updateMany({ meetingId: m._id }, { $set: { expiresAt: meeting.endsAt } });
  await syncMeetingPage(meeting, now);
  // Reminders (and an older change notice) carry the old time: withdraw what has not gone out yet.
  await withdrawPublications({ kind: 'meeting', itemId: id, notifications: ['reminder', 'change'] }, actor.id, '会议已改期，按旧时间发出的通知已撤回');
  const { publicationId } = await notifyAttendees(ctx, meeting, 'change', input.note, actor);
  ctx.events.emit('item.changed', { kind: 'meeting', id, slug: meeting.slug, reason: 'updated' });
  return { ...toAdminView(meeting), publicationId };
}

export async function cancelMeeting(
  ctx: MeetingsContext,
  id: string,
  input: { version: number; reason: string },
  actor: Actor,
): Promise<AdminMeetingView & { publicationId: string }> {
  const m = await findMeeting(id);
  assertLive(m, input.version);
  const now = ctx.clock.now();
  const updated = await Meeting.findOneAndUpdate(
    { _id: m._id, version: m.version, status: { $in: LIVE_STATUSES } },
    {
      $set: { status: 'cancelled', cancelledAt: now, updatedAt: now, updatedBy: new Types.ObjectId(actor.id) },
      $push: { changes: { kind: 'cancelled', at: now, by: new Types.ObjectId(actor.id), note: input.reason } },
      $inc: { version: 1, sequence: 1 },
    },
    { returnDocument: 'after', lean: true },
  );
  if (!updated) throw new ConflictError('会议已被他人修改，请刷新后再试', 'version_conflict');
  const meeting = updated as MeetingDoc;
  await syncMeetingPage(meeting, now);
  // Nothing about the meeting may go out after its cancellation but the cancellation itself.
  await withdrawPublications({ kind: 'meeting', itemId: id, notifications: ['invitation', 'reminder', 'change'] }, actor.id, '会议已取消，未发出的通知已撤回');
  const { publicationId } = await notifyAttendees(ctx, meeting, 'cancellation', input.reason, actor);
  ctx.events.emit('item.changed', { kind: 'meeting', id, slug: meeting.slug, reason: 'updated' });
  return { ...toAdminView(meeting), publicationId };
}

/** After the meeting: marks it held (RSVP closes, the follow-up article can be drafted). */
export async function markHeld(ctx: MeetingsContext, id: string, version: number, actor: Actor): Promise<AdminMeetingView> {
  const m = await findMeeting(id);
  assertLive(m, version);
  const now = ctx.clock.now();
  if (m.startsAt.getTime() > now.getTime()) throw new ConflictError('会议尚未开始，不能标记为已召开', 'meeting_not_started');
  const updated = await Meeting.findOneAndUpdate(
    { _id: m._id, version: m.version, status: { $in: LIVE_STATUSES } },
    { $set: { status: 'held', heldAt: now, updatedAt: now, updatedBy: new Types.ObjectId(actor.id) }, $inc: { version: 1 } },
    { returnDocument: 'after', lean: true },
  );
  if (!updated) throw new ConflictError('会议已被他人修改，请刷新后再试', 'version_conflict');
  await syncMeetingPage(updated as MeetingDoc, now);
  ctx.events.emit('item.changed', { kind: 'meeting', id, slug: m.slug, reason: 'updated' });
  return toAdminView(updated as MeetingDoc);
}

/** The SMS templates carry no free text (approved wording); the note shows on the page and the account article. */
async function notifyAttendees(ctx: MeetingsContext, m: MeetingDoc, notice: 'change' | 'cancellation', _note: string, actor: Actor) {
  const attendees = await Invitation.countDocuments({ meetingId: m._id, response: 'accepted' });
  return sendMeetingNotice(ctx, m, {
    notice,
    dedupeKey: `meeting:${String(m._id)}:${notice}:${m.sequence}`,
    createdBy: actor.id,
    ...(attendees ? {} : { noSms: true }),
  });
}
