/**
 * Every message about a meeting leaves through the publishing pipeline (never a channel directly):
 * this file is the one place that builds those publications. SMS parameters stay short because provider
 * templates limit each parameter's length (a link is `${PUBLIC_BASE_URL}/r/<22 characters>`).
 */
import { createPublication, registerAudienceResolver, type AudienceRecipient } from '../publishing';
import type { ChannelName, SmsNotificationKind } from '../channels/types';
import { Invitation, type InviteeSource, type MeetingDoc } from './models';
import { salutation } from './salutation';
import { formatLocal } from './time';
import type { MeetingsContext } from './context';

export type MeetingNotice = Extract<SmsNotificationKind, 'invitation' | 'reminder' | 'change' | 'cancellation' | 'signup' | 'waitlist' | 'promotion'>;

const PARAM_MAX = 20;

/** Cuts a template value to the provider's per-parameter limit. */
export function smsParam(text: string, max = PARAM_MAX): string {
  const chars = [...text.trim()];
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
}

/** Shared template values: title, time (12月1日 14:30), venue. */
export function meetingSmsParams(m: MeetingDoc): Record<string, string> {
  return { title: smsParam(m.title), time: formatLocal(m.startsAt, 'short'), venue: smsParam(m.venue) };
}

/** The 称呼 parameter: 王代表 for deputies, 王记者 for an invitee with a role, the full name otherwise. */
export function greetingParam(p: { name: string; source: InviteeSource; role?: string }): string {
  return smsParam(salutation({ name: p.name, role: p.role, deputy: p.source === 'deputy' || p.source === 'group' }), 10);
}

export function rsvpLink(publicBaseUrl: string, token: string): string {
  return `${publicBaseUrl}/r/${token}`;
}

/** Accepted invitees of a meeting, read when the publication starts (so late answers count). */
export async function meetingAttendees(meetingId: string): Promise<AudienceRecipient[]> {
  const rows = await Invitation.find({ meetingId, response: 'accepted' }).select('name phone source role').lean();
  return rows.map((r) => ({ phone: r.phone, name: r.name, params: { name: greetingParam(r) } }));
}

/** Plugs the meeting audiences into the pipeline (by name: publishing does not import meetings). */
export function registerMeetingAudiences(): void {
  registerAudienceResolver('meetingAttendees', async (args) => meetingAttendees(String((args as { meetingId?: unknown })?.meetingId ?? '')));
  registerAudienceResolver('meetingInvitees', async (args) => {
    const rows = await Invitation.find({ meetingId: String((args as { meetingId?: unknown })?.meetingId ?? '') })
      .select('name phone source role')
      .lean();
    return rows.map((r) => ({ phone: r.phone, name: r.name, params: { name: greetingParam(r) } }));
  });
}

function channelsFor(ctx: MeetingsContext, notice: MeetingNotice): ChannelName[] {
  // The page changes with announce / change / cancel; the account carries those too when one is configured.
  // Reminders are personal: SMS only.
  if (notice === 'reminder') return ['sms'];
  return ['microsite', ...(ctx.config.wechat.appId ? (['wechat'] as const) : []), 'sms'];
}

export interface NoticeRequest {
  notice: MeetingNotice;
  /** Explicit recipients with personal params (invitations); otherwise the meeting's attendees at send time. */
  recipients?: AudienceRecipient[];
  extraParams?: Record<string, string>;
  dedupeKey: string;
  createdBy: string;
  /** Leave the page and account alone (e.g. inviting people added after the announcement). */
  smsOnly?: boolean;
  /** No SMS (an announcement without invitees): page and account only. */
  noSms?: boolean;
}

export async function sendMeetingNotice(ctx: MeetingsContext, m: MeetingDoc, req: NoticeRequest): Promise<{ publicationId: string; created: boolean }> {
  const meetingId = String(m._id);
  const { publication, created } = await createPublication({
    kind: 'meeting',
    itemId: meetingId,
    channels: req.smsOnly ? ['sms'] : channelsFor(ctx, req.notice).filter((c) => !req.noSms || c !== 'sms'),
    audience: req.recipients ? {} : { resolvers: { meetingAttendees: { meetingId } } },
    sms: {
      notification: req.notice,
      params: { ...meetingSmsParams(m), ...req.extraParams },
      ...(req.recipients ? { recipients: req.recipients } : {}),
    },
    wechat: { mode: 'publish' },
    createdBy: req.createdBy,
    dedupeKey: req.dedupeKey,
  });
  ctx.logger.info({ meetingId, notice: req.notice, publicationId: String(publication._id), created }, 'meeting notice queued');
  return { publicationId: String(publication._id), created };
}
