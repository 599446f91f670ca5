/**
 * Answering an invitation through its personal link. Seats are counted on the meeting itself and moved only
 * by conditional updates: a seat is taken with `acceptedCount < capacity` in the filter, so however many people
 * answer at the same moment, the seat after the last is refused. Then the invitation flips from the state we
 * read; if someone else (the same person in another tab) changed it first, the seat goes back and we retry.
 */
import { AppError, ConflictError, NotFoundError } from '../errors';
import { Invitation, LIVE_STATUSES, Meeting, RSVP_RESPONSE_LABELS, type InvitationDoc, type MeetingDoc, type RsvpResponse } from './models';
import { hashToken, TOKEN_PATTERN } from '../link-tokens';
import { formatLocal } from './time';
import { toPublicMeeting, type PublicMeeting } from './views';
import type { RsvpInput } from './schemas';
import type { MeetingsContext } from './context';

export interface RsvpState {
  meeting: PublicMeeting;
  invitee: { name: string; response: RsvpResponse; responseLabel: string; note: string; respondedAt?: Date };
  /** Whether the answer can still be given or changed. */
  open: boolean;
  /** Why it cannot (deadline passed, cancelled, held), in words for the invitee. */
  closedReason?: string;
  /** Effective deadline: the RSVP deadline, or the start of the meeting. */
  deadline: Date;
  deadlineText: string;
}

export class RsvpLinkError extends AppError {}

async function load(ctx: MeetingsContext, token: string): Promise<{ invitation: InvitationDoc; meeting: MeetingDoc }> {
  const invalid = () => new RsvpLinkError(404, 'rsvp_link_invalid', '链接无效：请核对短信中的链接是否完整');
  if (typeof token !== 'string' || !TOKEN_PATTERN.test(token)) throw invalid();
  const invitation = await Invitation.findOne({ tokenHash: hashToken(token, ctx.config.meetings.rsvpTokenSecret) }).lean<InvitationDoc>();
  if (!invitation) throw invalid();
  if (invitation.expiresAt.getTime() <= ctx.clock.now().getTime()) {
    throw new RsvpLinkError(410, 'rsvp_link_expired', '会议已结束，此报名链接已失效');
  }
  const meeting = await Meeting.findById(invitation.meetingId).lean<MeetingDoc>();
  if (!meeting) throw invalid();
  return { invitation, meeting };
}

export function deadlineOf(m: MeetingDoc): Date {
  return m.rsvpDeadline ?? m.startsAt;
}

function closedReason(m: MeetingDoc, now: Date): string | undefined {
  if (m.status === 'cancelled') return '本次会议已取消，无需回复。';
  if (m.status === 'held') return '会议已经召开，报名已结束。';
  if (!LIVE_STATUSES.includes(m.status)) return '会议尚未发布。';
  const deadline = deadlineOf(m);
  if (now.getTime() >= deadline.getTime()) return `报名已于 ${formatLocal(deadline, 'long')} 截止，回复不能再修改。如有变动请联系会议组织方。`;
  return undefined;
}

async function stateOf(ctx: MeetingsContext, invitation: InvitationDoc, meeting: MeetingDoc): Promise<RsvpState> {
  const reason = closedReason(meeting, ctx.clock.now());
  const deadline = deadlineOf(meeting);
  return {
    meeting: await toPublicMeeting(meeting, { withFeatured: false }),
    invitee: {
      name: invitation.name,
      response: invitation.response,
      responseLabel: RSVP_RESPONSE_LABELS[invitation.response],
      note: invitation.note,
      respondedAt: invitation.respondedAt,
    },
    open: !reason,
    ...(reason ? { closedReason: reason } : {}),
    deadline,
    deadlineText: formatLocal(deadline, 'long'),
  };
}

export async function viewRsvp(ctx: MeetingsContext, token: string): Promise<RsvpState> {
  const { invitation, meeting } = await load(ctx, token);
  return stateOf(ctx, invitation, meeting);
}

/** Takes one seat if any is left; false when full. Throws when the meeting stopped taking answers. */
async function takeSeat(meeting: MeetingDoc): Promise<boolean> {
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

async function releaseSeat(meetingId: MeetingDoc['_id']): Promise<void> {
  await Meeting.updateOne({ _id: meetingId, acceptedCount: { $gt: 0 } }, { $inc: { acceptedCount: -1 } });
}

export async function respond(ctx: MeetingsContext, token: string, input: RsvpInput): Promise<RsvpState> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const { invitation, meeting } = await load(ctx, token);
    const now = ctx.clock.now();
    const reason = closedReason(meeting, now);
    if (reason) throw new ConflictError(reason, 'rsvp_closed');
    const note = input.note ?? invitation.note;
    const was = invitation.response;

    const seatNeeded = input.response === 'accepted' && was !== 'accepted';
    if (seatNeeded && !(await takeSeat(meeting))) {
      throw new ConflictError('很抱歉，名额已满，无法再报名参加。', 'meeting_full');
    }
    const flipped = await Invitation.findOneAndUpdate(
      { _id: invitation._id, response: was },
      { $set: { response: input.response, note, respondedAt: now } },
      { returnDocument: 'after', lean: true },
    );
    if (!flipped) {
      // The same invitation changed in between (another tab): undo our seat and decide again on fresh state.
      if (seatNeeded) await releaseSeat(meeting._id);
      continue;
    }
    if (was === 'accepted' && input.response !== 'accepted') await releaseSeat(meeting._id);
    ctx.logger.info({ meetingId: String(meeting._id), invitationId: String(invitation._id), from: was, to: input.response }, 'rsvp answered');
    const fresh = (await Meeting.findById(meeting._id).lean<MeetingDoc>()) ?? meeting;
    return stateOf(ctx, flipped as InvitationDoc, fresh);
  }
  throw new ConflictError('回复过于频繁，请稍后再试', 'rsvp_busy');
}

/** Ensures the token names an invitation to this meeting (for the .ics link on the confirmation page). */
export async function meetingOfToken(ctx: MeetingsContext, token: string): Promise<MeetingDoc> {
  const { meeting } = await load(ctx, token);
  if (!meeting) throw new NotFoundError();
  return meeting;
}
