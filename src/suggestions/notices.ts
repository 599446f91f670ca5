/**
 * SMS about a suggestion, through the publishing pipeline (kind 'suggestion'): deputies are told when it is assigned
 * (交办) and when it is answered (答复, with each deputy's personal satisfaction link); the lead department's contact
 * gets the 督办 reminder (see reminders.ts). People without a usable mobile number are counted, never dropped silently.
 */
import { Types } from 'mongoose';
import { createPublication, type AudienceRecipient } from '../publishing';
import { registerWorkflowKind } from '../content/workflow/registry';
import { deputiesByIds, deputyPhones } from '../content/roster';
import { normalizeChinaMobile } from '../channels/sms/phone';
import type { SmsNotificationKind } from '../channels/types';
import { hashToken, newToken } from '../link-tokens';
import { absoluteUrl } from '../urls';
import { clipText } from '../text-clip';
import { formatBeijing } from '../calendar/beijing';
import { Department, SatisfactionLink, Suggestion, SuggestionNotice, type DeputyNotice, type SuggestionDoc } from './models';
import type { Actor, SuggestionsContext } from './context';

let registered = false;
export function registerSuggestionNoticeKind(): void {
  if (registered) return;
  registered = true;
  registerWorkflowKind({ kind: 'suggestion', model: SuggestionNotice, titleField: 'title', bodyField: 'body', label: '意见建议通知', editableFields: ['title', 'digest', 'body'] });
}

export const satisfactionPath = (token: string) => `/s/${token}`;

export async function departmentName(id: Types.ObjectId | undefined): Promise<string> {
  if (!id) return '';
  const d = await Department.findById(id).select('name').lean();
  return d?.name ?? '';
}

/** The item the pipeline sends: created approved, refreshed with the suggestion's words each time. */
async function noticeItem(s: SuggestionDoc, actor: Actor, now: Date): Promise<void> {
  await SuggestionNotice.updateOne(
    { _id: s._id },
    {
      $set: { title: clipText(`意见建议 ${s.receiptNo ?? String(s._id)}`, 200), digest: clipText(s.text, 120), body: s.text, updatedAt: now, updatedBy: new Types.ObjectId(actor.id) },
      $setOnInsert: { status: 'approved', version: 1, slug: `suggestion-${String(s._id)}`, createdAt: now, createdBy: new Types.ObjectId(actor.id), viewCount: 0, deletedAt: null },
    },
    { upsert: true },
  );
}

export async function sendNoticeSms(
  s: SuggestionDoc,
  actor: Actor,
  now: Date,
  sms: { notification: SmsNotificationKind; params: Record<string, string>; recipients: AudienceRecipient[] },
  dedupeKey: string,
): Promise<string> {
  await noticeItem(s, actor, now);
  const { publication } = await createPublication({ kind: 'suggestion', itemId: String(s._id), channels: ['sms'], sms, createdBy: actor.id, dedupeKey });
  return String(publication._id);
}

interface ReachableDeputy {
  id: string;
  name: string;
  phone: string;
}

async function reachableDeputies(s: SuggestionDoc): Promise<{ reachable: ReachableDeputy[]; unreachable: number }> {
  const ids = s.deputyIds.map(String);
  const [people, phones] = await Promise.all([deputiesByIds(ids), deputyPhones(ids)]);
  const reachable: ReachableDeputy[] = [];
  let unreachable = 0;
  for (const id of ids) {
    const person = people.get(id);
    const phone = (phones.get(id) ?? []).map((n) => normalizeChinaMobile(n)).find((n): n is string => !!n);
    if (person && phone) reachable.push({ id, name: person.name, phone });
    else unreachable += 1;
  }
  return { reachable, unreachable };
}

async function recordNotice(s: SuggestionDoc, notice: DeputyNotice): Promise<DeputyNotice> {
  await Suggestion.updateOne({ _id: s._id }, { $push: { notices: notice } });
  return notice;
}

const shortTitle = (s: SuggestionDoc) => clipText(s.text.replace(/\s+/g, ' '), 20);

/** 交办: the deputies hear which department handles it and by when. */
export async function notifyAssigned(sc: SuggestionsContext, s: SuggestionDoc, actor: Actor): Promise<DeputyNotice> {
  const now = sc.clock.now();
  const { reachable, unreachable } = await reachableDeputies(s);
  let publicationId: string | null = null;
  if (reachable.length) {
    publicationId = await sendNoticeSms(
      s,
      actor,
      now,
      {
        notification: 'suggestion_assigned',
        params: {
          title: shortTitle(s),
          receipt: s.receiptNo ?? '',
          department: clipText(await departmentName(s.leadDepartmentId), 20),
          deadline: s.deadline ? formatBeijing(s.deadline, false) : '',
        },
        recipients: reachable.map((d) => ({ phone: d.phone, name: d.name, params: { name: clipText(d.name, 10) } })),
      },
      `suggestion:${String(s._id)}:assigned:${s.round}`,
    );
  }
  return recordNotice(s, { kind: 'assigned', round: s.round, at: now, publicationId, notified: reachable.length, unreachable });
}

/**
 * 答复: each deputy gets a personal link to read the answer and rate it. Sending again (a resend, or the daily job
 * catching up after a crash) gives every deputy a fresh token: the link sent before stops working.
 */
export async function sendSatisfactionLinks(sc: SuggestionsContext, s: SuggestionDoc, actor: Actor): Promise<DeputyNotice> {
  const now = sc.clock.now();
  const { reachable, unreachable } = await reachableDeputies(s);
  const expiresAt = new Date(now.getTime() + sc.config.suggestions.linkDays * 86_400_000);
  const recipients: AudienceRecipient[] = [];
  for (const d of reachable) {
    const token = newToken();
    await SatisfactionLink.updateOne(
      { suggestionId: s._id, round: s.round, deputyId: new Types.ObjectId(d.id) },
      { $set: { deputyName: d.name, tokenHash: hashToken(token, sc.config.suggestions.tokenSecret), expiresAt, usedAt: null, createdAt: now } },
      { upsert: true },
    );
    recipients.push({ phone: d.phone, name: d.name, params: { name: clipText(d.name, 10), link: absoluteUrl(sc.config.publicBaseUrl, satisfactionPath(token)) }, secret: ['link'] });
  }
  let publicationId: string | null = null;
  if (recipients.length) {
    const sentBefore = (s.notices ?? []).filter((n) => n.kind === 'answered' && n.round === s.round).length;
    publicationId = await sendNoticeSms(
      s,
      actor,
      now,
      {
        notification: 'suggestion_answered',
        params: { title: shortTitle(s), department: clipText(await departmentName(s.leadDepartmentId), 20) },
        recipients,
      },
      `suggestion:${String(s._id)}:answered:${s.round}:${sentBefore + 1}`,
    );
  }
  return recordNotice(s, { kind: 'answered', round: s.round, at: now, publicationId, notified: reachable.length, unreachable });
}
