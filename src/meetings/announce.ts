/**
 * Announcing a meeting: the page goes live, the account carries it, and every invitee gets an SMS with a
 * personal RSVP link. Invitations are written before the publication; if queueing fails the meeting returns
 * to draft and its invitations are removed, so a retry starts clean (no half-announced meeting).
 */
import { Types } from 'mongoose';
import { ConflictError, ValidationError } from '../errors';
import { Invitation, Meeting, MeetingPage, type InvitationDoc, type MeetingDoc } from './models';
import { syncMeetingPage } from './publishable';
import { resolveInvitees, type ResolvedInvitee, type Unreachable } from './invitees';
import { hashToken, newToken } from '../link-tokens';
import { greetingParam, rsvpLink, sendMeetingNotice } from './notify';
import { findMeeting } from './service';
import { toAdminView, type AdminMeetingView } from './views';
import type { Actor, MeetingsContext } from './context';

export interface InvitationReport {
  /** Invitations written; their texts go out in the background — whether each arrived is in the RSVP list (`sms`). */
  invited: number;
  alreadyInvited: number;
  /** People who could not be invited (no usable mobile number), for the organizer to follow up. */
  unreachable: Unreachable[];
  publicationId?: string;
}

export interface Issued {
  person: ResolvedInvitee;
  token: string;
}

/** Inserts invitations for people not yet invited to this meeting; returns those inserted with their raw tokens. */
async function issueInvitations(ctx: MeetingsContext, m: MeetingDoc, people: ResolvedInvitee[]): Promise<{ issued: Issued[]; already: number }> {
  const existing = new Set((await Invitation.find({ meetingId: m._id }).select('phone').lean()).map((i) => i.phone));
  const fresh = people.filter((p) => !existing.has(p.phone));
  const now = ctx.clock.now();
  const secret = ctx.config.meetings.rsvpTokenSecret;
  const issued = fresh.map((person) => ({ person, token: newToken() }));
  const docs: Array<Omit<InvitationDoc, '_id'>> = issued.map(({ person, token }) => ({
    meetingId: m._id,
    name: person.name,
    phone: person.phone,
    source: person.source,
    ...(person.role ? { role: person.role } : {}),
    ...(person.deputyId ? { deputyId: person.deputyId } : {}),
    ...(person.groupId ? { groupId: person.groupId } : {}),
    tokenHash: hashToken(token, secret),
    expiresAt: m.endsAt,
    response: 'pending',
    note: '',
    createdAt: now,
  }));
  if (docs.length) {
    try {
      await Invitation.insertMany(docs, { ordered: false });
    } catch (err) {
      // A concurrent invite of the same number wins; keep only the rows that are ours.
      if ((err as { code?: number }).code !== 11000 && !/E11000/.test(String((err as Error).message))) throw err;
    }
  }
  const mine = new Set(
    (await Invitation.find({ tokenHash: { $in: docs.map((d) => d.tokenHash) } }).select('tokenHash').lean()).map((d) => d.tokenHash),
  );
  return { issued: issued.filter((_, i) => mine.has(docs[i].tokenHash)), already: people.length - fresh.length + (fresh.length - mine.size) };
}

/** Remembers which publication carries each invitation's link, so the RSVP list can say whether it arrived. */
export async function linkInvitations(m: MeetingDoc, issued: Issued[], publicationId: string): Promise<void> {
  if (!issued.length) return;
  await Invitation.updateMany({ meetingId: m._id, phone: { $in: issued.map((i) => i.person.phone) } }, { $set: { publicationId } });
}

export function recipientsOf(ctx: MeetingsContext, issued: Issued[]) {
  return issued.map(({ person, token }) => ({
    phone: person.phone,
    name: person.name,
    params: { name: greetingParam(person), link: rsvpLink(ctx.config.publicBaseUrl, token) },
    secret: ['link'],
  }));
}

export async function announceMeeting(ctx: MeetingsContext, id: string, version: number, actor: Actor): Promise<AdminMeetingView & { invitations: InvitationReport }> {
  const m = await findMeeting(id);
  if (m.status !== 'draft') throw new ConflictError('会议已经发布过了', 'already_announced');
  if (m.version !== version) throw new ConflictError('会议已被他人修改，请刷新后再试', 'version_conflict', { currentVersion: m.version });
  const now = ctx.clock.now();
  if (m.startsAt.getTime() <= now.getTime()) {
    throw new ValidationError('会议开始时间已过，不能发布', [{ field: 'startsAt', message: '会议开始时间已过' }]);
  }
  if (m.rsvpDeadline && m.rsvpDeadline.getTime() <= now.getTime()) {
    throw new ValidationError('报名截止时间已过，请先修改', [{ field: 'rsvpDeadline', message: '报名截止时间已过' }]);
  }
  const { people, unreachable } = await resolveInvitees(m.invitees);

  // Claim the announcement: a second click or a second organizer gets a conflict instead of a second send.
  const claimed = await Meeting.findOneAndUpdate(
    { _id: m._id, status: 'draft', version },
    { $set: { status: 'announced', announcedAt: now, scheduleSetAt: now, updatedAt: now, updatedBy: new Types.ObjectId(actor.id) }, $inc: { version: 1 } },
    { returnDocument: 'after', lean: true },
  );
  if (!claimed) throw new ConflictError('会议已被他人修改或已发布，请刷新后再试', 'version_conflict');
  const meeting = claimed as MeetingDoc;
  try {
    await syncMeetingPage(meeting, now);
    const { issued, already } = await issueInvitations(ctx, meeting, people);
    const recipients = recipientsOf(ctx, issued);
    const { publicationId } = await sendMeetingNotice(ctx, meeting, {
      notice: 'invitation',
      recipients,
      dedupeKey: `meeting:${id}:invitation:${meeting.version}`,
      createdBy: actor.id,
      ...(recipients.length ? {} : { noSms: true }),
    });
    await linkInvitations(meeting, issued, publicationId);
    ctx.events.emit('item.changed', { kind: 'meeting', id, slug: meeting.slug, reason: 'published' });
    return { ...toAdminView(meeting), invitations: { invited: issued.length, alreadyInvited: already, unreachable, publicationId } };
  } catch (err) {
    await Invitation.deleteMany({ meetingId: meeting._id });
    await MeetingPage.deleteOne({ _id: meeting._id, status: 'approved' });
    await Meeting.updateOne(
      { _id: meeting._id, status: 'announced', version: meeting.version },
      { $set: { status: 'draft', updatedAt: ctx.clock.now() }, $unset: { announcedAt: 1, scheduleSetAt: 1 }, $inc: { version: 1 } },
    );
    throw err;
  }
}

/** After an edit that added invitees to a live meeting: invite the newcomers (SMS only). */
export async function inviteNewcomers(ctx: MeetingsContext, m: MeetingDoc, actor: Actor): Promise<InvitationReport> {
  const { people, unreachable } = await resolveInvitees(m.invitees);
  const { issued, already } = await issueInvitations(ctx, m, people);
  if (!issued.length) return { invited: 0, alreadyInvited: already, unreachable };
  const { publicationId } = await sendMeetingNotice(ctx, m, {
    notice: 'invitation',
    recipients: recipientsOf(ctx, issued),
    dedupeKey: `meeting:${String(m._id)}:invitation:${m.version}`,
    createdBy: actor.id,
    smsOnly: true,
  });
  await linkInvitations(m, issued, publicationId);
  return { invited: issued.length, alreadyInvited: already, unreachable, publicationId };
}
