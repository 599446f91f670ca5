/**
 * Public sign-up for open meetings (报名): anyone gives a name, a mobile number (kept private: never shown on a
 * page or in the public API) and a work unit, and becomes an attendee like an invitee — same seats, same wait-list,
 * same personal link (only its hash is stored), same reminders. The seat is decided before the record is written,
 * so a refused sign-up leaves nothing behind; the confirmation SMS carries the personal link.
 */
import { BadRequestError, ConflictError } from '../errors';
import { Invitation, type InvitationDoc, type MeetingDoc, type RsvpResponse } from './models';
import { hashToken, newToken } from '../link-tokens';
import { releaseSeat, takeSeat } from './seats';
import { closedReason } from './rsvp';
import { linkInvitations, recipientsOf } from './announce';
import { sendMeetingNotice } from './notify';
import { afterSeatsMoved } from './waitlist';
import type { SignupInput } from './schemas';
import type { MeetingsContext } from './context';
import type { Clock } from '../clock';
import { rateLimit } from '../http/rate-limit';

/** How often one address may sign up (page and API together): enough for a family or an office behind one NAT. */
export function signupRateLimit(clock: Clock) {
  return rateLimit({ clock, windowMs: 15 * 60_000, max: 10 });
}

export interface SignupResult {
  token: string;
  response: Extract<RsvpResponse, 'accepted' | 'waitlisted'>;
}

/** Why a meeting takes no public sign-up now, in words for the reader; undefined when it does. */
export function signupClosedReason(m: MeetingDoc, now: Date): string | undefined {
  if (!m.publicSignup) return '本次会议仅限受邀人员参加，不接受公开报名。';
  return closedReason(m, now);
}

function duplicate(err: unknown): boolean {
  return (err as { code?: number }).code === 11000 || /E11000/.test(String((err as Error)?.message));
}

export async function signUp(ctx: MeetingsContext, m: MeetingDoc, input: SignupInput): Promise<SignupResult> {
  // A field people never see, filled in: a form-filling bot. Refused like bad input, without saying why.
  if (input.website) throw new BadRequestError('提交失败，请刷新页面后重试', 'signup_refused');
  const now = ctx.clock.now();
  const reason = signupClosedReason(m, now);
  if (reason) throw new ConflictError(reason, 'signup_closed');
  if (await Invitation.exists({ meetingId: m._id, phone: input.phone })) throw alreadyRegistered();

  const seated = await takeSeat(m);
  const response: SignupResult['response'] = seated ? 'accepted' : 'waitlisted';
  const token = newToken();
  const doc: Omit<InvitationDoc, '_id'> = {
    meetingId: m._id,
    name: input.name,
    phone: input.phone,
    source: 'public',
    ...(input.unit ? { unit: input.unit } : {}),
    tokenHash: hashToken(token, ctx.config.meetings.rsvpTokenSecret),
    expiresAt: m.endsAt,
    response,
    note: input.note,
    respondedAt: now,
    ...(seated ? {} : { waitlistedAt: now }),
    createdAt: now,
  };
  try {
    await Invitation.create(doc);
  } catch (err) {
    if (seated) await releaseSeat(m._id);
    if (duplicate(err)) throw alreadyRegistered(); // the same number, a moment earlier (a double tap)
    throw err;
  }
  ctx.logger.info({ meetingId: String(m._id), response }, 'public sign-up');
  await confirm(ctx, m, { name: input.name, phone: input.phone, token }, response);
  if (seated) await afterSeatsMoved(ctx, m, false);
  return { token, response };
}

function alreadyRegistered(): ConflictError {
  return new ConflictError('该手机号已报名（或已受邀）参加本次会议，请使用短信中的个人链接查看或修改。', 'already_registered');
}

/** The confirmation SMS with the personal link; the sign-up stands even if queueing it fails (the page shows the link). */
async function confirm(ctx: MeetingsContext, m: MeetingDoc, person: { name: string; phone: string; token: string }, response: SignupResult['response']) {
  const issued = [{ person: { name: person.name, phone: person.phone, source: 'public' as const }, token: person.token }];
  try {
    const { publicationId } = await sendMeetingNotice(ctx, m, {
      notice: response === 'accepted' ? 'signup' : 'waitlist',
      recipients: recipientsOf(ctx, issued),
      dedupeKey: `meeting:${String(m._id)}:signup:${person.phone}`,
      createdBy: 'meetings',
      smsOnly: true,
    });
    await linkInvitations(m, issued, publicationId);
  } catch (err) {
    ctx.logger.error({ err, meetingId: String(m._id) }, 'sign-up confirmation SMS not queued');
  }
}
