/**
 * Seats of a meeting, counted on the meeting (`acceptedCount`) and moved only by conditional updates, so that
 * invitees, public sign-ups and promotions from the wait-list share one capacity however many act at once.
 */
import { ConflictError } from '../errors';
import { LIVE_STATUSES, Meeting, type MeetingDoc } from './models';

/** Takes one seat if any is left; false when full. Throws when the meeting stopped taking answers. */
export async function takeSeat(meeting: MeetingDoc): Promise<boolean> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = attempt === 0 ? meeting : await Meeting.findById(meeting._id).lean<MeetingDoc>();
    if (!current || !LIVE_STATUSES.includes(current.status)) throw new ConflictError('会议已不再接受报名', 'rsvp_closed');
    const cap = current.capacity ?? null;
    const filter = cap === null
      ? { _id: current._id, status: { $in: LIVE_STATUSES }, capacity: null }
      : { _id: current._id, status: { $in: LIVE_STATUSES }, capacity: cap, acceptedCount: { $lt: cap } };
    const taken = await Meeting.findOneAndUpdate(filter, { $inc: { acceptedCount: 1 } }, { returnDocument: 'after', projection: { _id: 1 }, lean: true });
    if (taken) return true;
    // Refused: either the seats are gone, or the capacity/status changed under us (then look again).
    const now = await Meeting.findById(meeting._id).select('capacity acceptedCount status').lean<MeetingDoc>();
    if (now && LIVE_STATUSES.includes(now.status) && (now.capacity ?? null) === cap && cap !== null && now.acceptedCount >= cap) return false;
  }
  return false;
}

export async function releaseSeat(meetingId: MeetingDoc['_id']): Promise<void> {
  await Meeting.updateOne({ _id: meetingId, acceptedCount: { $gt: 0 } }, { $inc: { acceptedCount: -1 } });
}

