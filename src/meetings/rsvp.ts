/**
 * Answering an invitation (or a public sign-up) through its personal link. Seats are counted on the meeting
 * itself and moved only by conditional updates: a seat is taken with `acceptedCount < capacity` in the filter, so
 * however many people answer at the same moment, the seat after the last is refused — and that person goes on the
 * wait-list instead (waitlist.ts gives freed seats out in turn). Then the invitation flips from the state we read;
 * if someone else (the same person in another tab) changed it first, the seat goes back and we retry.
 */
import { AppError, ConflictError, NotFoundError } from '../errors';
import { Invitation, LIVE_STATUSES, Meeting, RSVP_RESPONSE_LABELS, type InvitationDoc, type MeetingDoc, type RsvpResponse } from './models';
import { hashToken, TOKEN_PATTERN } from '../link-tokens';
import { formatLocal } from './time';
import { afterSeatsMoved } from './waitlist';
import { releaseSeat, takeSeat } from './seats';
import { toPublicMeeting, type PublicMeeting } from './views';
import type { RsvpInput } from './schemas';
import type { MeetingsContext } from './context';

export interface RsvpState {
  meeting: PublicMeeting;
  invitee: { name: string; response: RsvpResponse; responseLabel: string; note: string; respondedAt?: Date; promotedAt?: Date };
  /** Place on the wait-list (1 = next to get a seat), when waitlisted. */
  waitlistPosition?: number;
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

export function closedReason(m: MeetingDoc, now: Date): string | undefined {
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
  const waitlistPosition =
    invitation.response === 'waitlisted' && invitation.waitlistedAt
      ? 1 +
        (await Invitation.countDocuments({
          meetingId: meeting._id,
          response: 'waitlisted',
          // The promotion order: by time joined, then by id (people joining in the same millisecond).
          $or: [{ waitlistedAt: { $lt: invitation.waitlistedAt } }, { waitlistedAt: invitation.waitlistedAt, _id: { $lt: invitation._id } }],
        }))
      : undefined;
  return {
    meeting: await toPublicMeeting(meeting, { withFeatured: false }),
    invitee: {
      name: invitation.name,
      response: invitation.response,
      responseLabel: RSVP_RESPONSE_LABELS[invitation.response],
      note: invitation.note,
      respondedAt: invitation.respondedAt,
      promotedAt: invitation.promotedAt,
    },
    ...(waitlistPosition ? { waitlistPosition } : {}),
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

/** The change to write for an answer, given the seat outcome: joining or leaving the wait-list included. */
function answerUpdate(input: RsvpInput, was: RsvpResponse, seated: boolean, note: string, now: Date): { response: RsvpResponse; update: Record<string, unknown> } {
  if (input.response === 'declined') {
    return { response: 'declined', update: { $set: { response: 'declined', note, respondedAt: now }, $unset: { waitlistedAt: 1 } } };
  }
  if (was === 'accepted' || seated) return { response: 'accepted', update: { $set: { response: 'accepted', note, respondedAt: now }, $unset: { waitlistedAt: 1 } } };
  // No seat: join the wait-list, keeping one's place when already on it.
  if (was === 'waitlisted') return { response: 'waitlisted', update: { $set: { note, respondedAt: now } } };
  return { response: 'waitlisted', update: { $set: { response: 'waitlisted', note, respondedAt: now, waitlistedAt: now } } };
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
    const seated = seatNeeded && (await takeSeat(meeting));
    const { response, update } = answerUpdate(input, was, seated, note, now);
    const flipped = await Invitation.findOneAndUpdate({ _id: invitation._id, response: was }, update, { returnDocument: 'after', lean: true });
    if (!flipped) {
      // The same invitation changed in between (another tab): undo our seat and decide again on fresh state.
      if (seated) await releaseSeat(meeting._id);
      continue;
    }
    const freed = was === 'accepted' && response !== 'accepted';
    if (freed) await releaseSeat(meeting._id);
    ctx.logger.info({ meetingId: String(meeting._id), invitationId: String(invitation._id), from: was, to: response }, 'rsvp answered');
    if (freed || seated) await afterSeatsMoved(ctx, meeting, freed);
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
