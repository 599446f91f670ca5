/**
 * 督办 reminders: an SMS to the lead department's contact for a suggestion past its deadline, by a liaison from the
 * overdue list or by the daily job. At most one a day (Beijing calendar) per suggestion: the day is claimed by one
 * conditional update that also writes the record and the audit entry, and only then is the SMS queued, so two
 * instances or a person racing the job send one. A contact without a mobile number is recorded as unreachable.
 */
import { Types } from 'mongoose';
import { ConflictError } from '../errors';
import { normalizeChinaMobile } from '../channels/sms/phone';
import { maskPhone } from '../phone-mask';
import { clipText } from '../text-clip';
import { formatBeijing } from '../calendar/beijing';
import { Department, HANDLING_STATUSES, Suggestion, type Reminder, type SuggestionDoc } from './models';
import { beijingDay, beijingParts } from '../calendar/beijing';
import { loadSuggestion } from './transition';
import { sendNoticeSms } from './notices';
import type { Actor, SuggestionsContext } from './context';

/** The job sends reminders in office hours only (08:00–20:00 Beijing): a restart at night must not text anyone. */
export function inOfficeHours(at: Date): boolean {
  const { hour } = beijingParts(at);
  return hour >= 8 && hour < 20;
}

export interface ReminderResult {
  id: string;
  receiptNo?: string;
  reminded: boolean;
  /** Why not: not_overdue, already_reminded_today, no_mobile (recorded without an SMS). */
  reason?: string;
  reminder?: Reminder;
}

export async function remindDepartment(sc: SuggestionsContext, id: string, actor: Actor): Promise<ReminderResult> {
  const now = sc.clock.now();
  const day = beijingDay(now);
  const s = await loadSuggestion(id);
  if (!HANDLING_STATUSES.includes(s.status) || !s.deadline || s.deadline.getTime() >= now.getTime() || !s.leadDepartmentId) {
    throw new ConflictError('该建议未超过答复期限，无需督办', 'not_overdue', { status: s.status, deadline: s.deadline });
  }
  const department = await Department.findById(s.leadDepartmentId).lean();
  const phone = department ? normalizeChinaMobile(department.contactPhone) : undefined;
  const reminder: Reminder = {
    at: now,
    day,
    departmentId: s.leadDepartmentId,
    ...(department ? { phoneMasked: maskPhone(department.contactPhone) } : {}),
    ...(phone ? {} : { unreachable: department ? '联系人电话不是手机号，未发短信，请电话督办' : '承办单位已不在名录中' }),
    by: new Types.ObjectId(actor.id),
    byName: actor.displayName,
  };
  const claimed = await Suggestion.findOneAndUpdate(
    { _id: s._id, status: { $in: HANDLING_STATUSES }, deadline: { $lt: now }, 'reminders.day': { $ne: day } },
    {
      $push: {
        reminders: reminder,
        history: { action: 'remind', from: s.status, to: s.status, at: now, by: reminder.by, byName: actor.displayName, note: `督办短信：${department?.name ?? ''}${phone ? '' : `（${reminder.unreachable}）`}` },
      },
    },
    { returnDocument: 'after' },
  ).lean();
  if (!claimed) {
    const fresh = await loadSuggestion(id);
    if ((fresh.reminders ?? []).some((r) => r.day === day)) {
      throw new ConflictError('今天已督办过该建议，每件每天最多发送一次督办短信', 'already_reminded_today');
    }
    throw new ConflictError('该建议未超过答复期限，无需督办', 'not_overdue');
  }
  if (!phone || !department) return { id, receiptNo: s.receiptNo, reminded: false, reason: 'no_mobile', reminder };
  const publicationId = await sendReminderSms(claimed, department.name, department.contactName, phone, actor, now, day);
  await Suggestion.updateOne({ _id: s._id, 'reminders.day': day }, { $set: { 'reminders.$.publicationId': publicationId } });
  sc.logger.info({ suggestionId: id, publicationId }, 'overdue reminder queued');
  return { id, receiptNo: s.receiptNo, reminded: true, reminder: { ...reminder, publicationId } };
}

function sendReminderSms(s: SuggestionDoc, name: string, contact: string, phone: string, actor: Actor, now: Date, day: string): Promise<string> {
  return sendNoticeSms(
    s,
    actor,
    now,
    {
      notification: 'suggestion_overdue',
      params: {
        department: clipText(name, 20),
        title: clipText(s.text.replace(/\s+/g, ' '), 20),
        receipt: s.receiptNo ?? '',
        deadline: s.deadline ? formatBeijing(s.deadline, false) : '',
      },
      recipients: [{ phone, name: contact, params: { name: clipText(contact, 10) } }],
    },
    `suggestion:${String(s._id)}:overdue:${day}`,
  );
}

/** Reminds every overdue suggestion (of a county, when given) not yet reminded today. */
export async function remindAllOverdue(sc: SuggestionsContext, actor: Actor, filter: { county?: string; ids?: string[] } = {}): Promise<{ reminded: number; unreachable: number; skipped: number; results: ReminderResult[] }> {
  const now = sc.clock.now();
  const query: Record<string, unknown> = { status: { $in: HANDLING_STATUSES }, deadline: { $lt: now }, 'reminders.day': { $ne: beijingDay(now) } };
  if (filter.county) query['region.county'] = filter.county;
  if (filter.ids) query._id = { $in: filter.ids.map((i) => new Types.ObjectId(i)) };
  const due = await Suggestion.find(query).select('_id').sort({ deadline: 1, _id: 1 }).lean();
  const results: ReminderResult[] = [];
  let skipped = 0;
  for (const { _id } of due) {
    try {
      results.push(await remindDepartment(sc, String(_id), actor));
    } catch (err) {
      // Answered or reminded by someone meanwhile.
      if (!(err instanceof ConflictError)) throw err;
      skipped += 1;
    }
  }
  return { reminded: results.filter((r) => r.reminded).length, unreachable: results.filter((r) => !r.reminded).length, skipped, results };
}
