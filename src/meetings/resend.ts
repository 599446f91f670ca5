/**
 * "Resend invitation": to one person (or a few), or to everyone who has not answered. Only hashes of the links are
 * kept, so a resend issues each person a new link (the old one stops working) and texts it through the pipeline.
 * The new hashes are written first and put back if the texts cannot be queued, so no link is lost half-way.
 */
import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import { ConflictError } from '../errors';
import { Invitation, LIVE_STATUSES, type InvitationDoc } from './models';
import { findMeeting } from './service';
import { hashToken, newToken } from '../link-tokens';
import { recipientsOf, linkInvitations, type Issued } from './announce';
import { sendMeetingNotice } from './notify';
import type { Actor, MeetingsContext } from './context';

export interface ResendReport {
  resent: number;
  publicationId?: string;
  /** Invitations named in the request that were not resent, and why. */
  skipped: Array<{ id: string; reason: string }>;
}

export async function resendInvitations(ctx: MeetingsContext, meetingId: string, input: { invitationIds?: string[] }, actor: Actor): Promise<ResendReport> {
  const m = await findMeeting(meetingId);
  const now = ctx.clock.now();
  if (!LIVE_STATUSES.includes(m.status)) throw new ConflictError('会议已取消或已结束，不能再发送邀请', 'meeting_not_live', { status: m.status });
  if (m.startsAt.getTime() <= now.getTime()) throw new ConflictError('会议已开始，不能再发送邀请', 'meeting_started');

  const skipped: ResendReport['skipped'] = [];
  let targets: InvitationDoc[];
  if (input.invitationIds) {
    const ids = [...new Set(input.invitationIds)];
    const valid = ids.filter((id) => Types.ObjectId.isValid(id));
    targets = await Invitation.find({ meetingId: m._id, _id: { $in: valid } }).lean<InvitationDoc[]>();
    const found = new Set(targets.map((t) => String(t._id)));
    for (const id of ids) if (!found.has(id)) skipped.push({ id, reason: '不是本会议的邀请' });
  } else {
    targets = await Invitation.find({ meetingId: m._id, response: 'pending' }).lean<InvitationDoc[]>(); // all who have not answered
  }
  if (!targets.length) return { resent: 0, skipped };

  const secret = ctx.config.meetings.rsvpTokenSecret;
  const issued: Array<Issued & { invitation: InvitationDoc; tokenHash: string }> = targets.map((invitation) => {
    const token = newToken();
    return { invitation, token, tokenHash: hashToken(token, secret), person: { name: invitation.name, phone: invitation.phone, source: invitation.source, ...(invitation.role ? { role: invitation.role } : {}) } };
  });
  const rotated = [];
  for (const i of issued) {
    const res = await Invitation.updateOne({ _id: i.invitation._id, tokenHash: i.invitation.tokenHash }, { $set: { tokenHash: i.tokenHash } });
    if (res.modifiedCount === 1) rotated.push(i);
    else skipped.push({ id: String(i.invitation._id), reason: '邀请刚被他人重发，请刷新后再试' });
  }
  if (!rotated.length) return { resent: 0, skipped };
  try {
    const { publicationId } = await sendMeetingNotice(ctx, m, {
      notice: 'invitation',
      recipients: recipientsOf(ctx, rotated),
      dedupeKey: `meeting:${meetingId}:invitation-resend:${randomUUID()}`,
      createdBy: actor.id,
      smsOnly: true,
    });
    await linkInvitations(m, rotated, publicationId);
    ctx.logger.info({ meetingId, resent: rotated.length, publicationId }, 'invitations resent');
    return { resent: rotated.length, publicationId, skipped };
  } catch (err) {
    // Nothing was queued: the old links keep working.
    for (const i of rotated) await Invitation.updateOne({ _id: i.invitation._id, tokenHash: i.tokenHash }, { $set: { tokenHash: i.invitation.tokenHash } });
    throw err;
  }
}
