/** The organizer's view of answers: live counts and the list, and the same list as a CSV file. */
import { stringify } from 'csv-stringify/sync';
import { INVITEE_SOURCE_LABELS, Invitation, RSVP_RESPONSE_LABELS, RSVP_RESPONSES, type InvitationDoc, type MeetingDoc, type RsvpResponse } from './models';
import { smsRecipientDeliveries, type RecipientDelivery } from '../publishing';
import { formatLocal } from './time';
import { Types } from 'mongoose';
import { ConflictError, NotFoundError } from '../errors';

/** Where an invitee's invitation text stands, in the organizer's words. */
export const INVITATION_SMS_STATES = ['waiting', 'sent', 'delivered', 'not_delivered', 'unknown'] as const;
export type InvitationSmsState = (typeof INVITATION_SMS_STATES)[number];
export const INVITATION_SMS_LABELS: Record<InvitationSmsState, string> = {
  waiting: '待发送',
  sent: '已发送',
  delivered: '已送达',
  not_delivered: '未送达',
  unknown: '结果未知',
};

export interface InvitationSms {
  state: InvitationSmsState;
  label: string;
  /** Why it has not arrived (or waits), when known. */
  reason?: string;
}

function smsOf(r: InvitationDoc, deliveries: Map<string, Map<string, RecipientDelivery>>): InvitationSms {
  const d = r.publicationId ? deliveries.get(r.publicationId)?.get(`+86${r.phone}`) : undefined;
  const state: InvitationSmsState = !r.publicationId
    ? 'not_delivered'
    : !d
      ? deliveries.has(r.publicationId) ? 'not_delivered' : 'waiting'
      : d.status === 'queued' || d.status === 'deferred'
        ? 'waiting'
        : d.status === 'sent' || d.status === 'delivered' || d.status === 'unknown'
          ? d.status
          : 'not_delivered';
  const reason = d?.errorMessage ?? (state === 'not_delivered' && !d ? (r.publicationId ? '未列入发送（号码可能已退订短信）' : '没有发出邀请短信') : undefined);
  return { state, label: INVITATION_SMS_LABELS[state], ...(reason ? { reason } : {}) };
}

export interface RsvpRow {
  id: string;
  name: string;
  phone: string;
  source: InvitationDoc['source'];
  sourceLabel: string;
  deputyId?: string;
  groupId?: string;
  unit?: string;
  response: RsvpResponse;
  responseLabel: string;
  note: string;
  respondedAt?: Date;
  /** Whether the invitation text (with the personal link) arrived; resend it with POST …/invitations/resend. */
  sms: InvitationSms;
  checkedInAt?: Date;
}

export interface RsvpSummary {
  counts: Record<RsvpResponse, number> & { invited: number; checkedIn: number };
  /** Invitation texts by state: `not_delivered` and `unknown` ones can be resent. */
  smsCounts: Record<InvitationSmsState, number>;
  capacity: number | null;
  /** Seats taken according to the seat counter (equals counts.accepted unless a write was interrupted). */
  seatsTaken: number;
  seatsLeft: number | null;
  items: RsvpRow[];
}

const ORDER: Record<RsvpResponse, number> = { accepted: 0, waitlisted: 1, pending: 2, declined: 3 };

export async function listRsvps(m: MeetingDoc, filter: { response?: RsvpResponse } = {}): Promise<RsvpSummary> {
  const rows = await Invitation.find({ meetingId: m._id }).sort({ phone: 1 }).lean<InvitationDoc[]>();
  const counts = { invited: rows.length, pending: 0, accepted: 0, waitlisted: 0, declined: 0, checkedIn: 0 } as RsvpSummary['counts'];
  for (const r of rows) {
    counts[r.response] += 1;
    if (r.checkedInAt) counts.checkedIn += 1;
  }
  const deliveries = await smsRecipientDeliveries(rows.map((r) => r.publicationId).filter((id): id is string => Boolean(id)));
  const smsById = new Map(rows.map((r) => [String(r._id), smsOf(r, deliveries)]));
  const smsCounts = Object.fromEntries(INVITATION_SMS_STATES.map((k) => [k, 0])) as Record<InvitationSmsState, number>;
  for (const v of smsById.values()) smsCounts[v.state] += 1;
  const items = rows
    .filter((r) => !filter.response || r.response === filter.response)
    // The wait-list in its promotion order; the others by when they answered.
    .sort((a, b) => ORDER[a.response] - ORDER[b.response] || (a.waitlistedAt?.getTime() ?? 0) - (b.waitlistedAt?.getTime() ?? 0) || (a.respondedAt?.getTime() ?? 0) - (b.respondedAt?.getTime() ?? 0))
    .map((r) => ({
      id: String(r._id),
      name: r.name,
      phone: r.phone,
      source: r.source,
      sourceLabel: INVITEE_SOURCE_LABELS[r.source],
      deputyId: r.deputyId ? String(r.deputyId) : undefined,
      groupId: r.groupId ? String(r.groupId) : undefined,
      unit: r.unit || undefined,
      response: r.response,
      responseLabel: RSVP_RESPONSE_LABELS[r.response],
      note: r.note,
      respondedAt: r.respondedAt,
      sms: smsById.get(String(r._id))!,
      checkedInAt: r.checkedInAt,
    }));
  return {
    counts,
    smsCounts,
    capacity: m.capacity ?? null,
    seatsTaken: m.acceptedCount,
    seatsLeft: m.capacity ? Math.max(0, m.capacity - m.acceptedCount) : null,
    items,
  };
}

/** Spreadsheet programs run cells starting with these as formulas; a leading apostrophe keeps them text. */
function safeCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

// 单位 last: spreadsheets built on the earlier columns keep working.
export const CSV_HEADER = ['姓名', '手机号', '来源', '回复', '备注', '回复时间', '邀请短信', '单位'];

/** UTF-8 with a BOM so that Excel and WPS open the Chinese text correctly. */
export function rsvpCsv(summary: RsvpSummary): string {
  const records = summary.items.map((r) => [
    safeCell(r.name),
    r.phone,
    r.sourceLabel,
    r.responseLabel,
    safeCell(r.note),
    r.respondedAt ? formatLocal(r.respondedAt, 'input') : '',
    r.sms.label,
    safeCell(r.unit ?? ''),
  ]);
  return stringify([CSV_HEADER, ...records], { bom: true, record_delimiter: 'windows' });
}

export { RSVP_RESPONSES };

/**
 * Checks an invitee in at the meeting (or undoes it). Only for announced, changed or held meetings: a draft has no
 * invitees yet and a cancelled one no attendance.
 */
export async function setCheckIn(m: MeetingDoc, invitationId: string, present: boolean, by: string, now: Date): Promise<RsvpRow> {
  if (!['announced', 'changed', 'held'].includes(m.status)) {
    throw new ConflictError(m.status === 'cancelled' ? '会议已取消，不能签到' : '会议尚未发布，不能签到', 'meeting_not_live');
  }
  const update = present ? { $set: { checkedInAt: now, checkedInBy: by } } : { $unset: { checkedInAt: 1, checkedInBy: 1 } };
  const updated = await Invitation.findOneAndUpdate({ _id: new Types.ObjectId(invitationId), meetingId: m._id }, update, { returnDocument: 'after' }).lean<InvitationDoc>();
  if (!updated) throw new NotFoundError('该会议没有这位受邀人');
  const row = (await listRsvps(m)).items.find((r) => r.id === invitationId);
  return row!;
}
