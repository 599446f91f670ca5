/**
 * The SMS notice of a planned activity to the members it invites, through the publishing pipeline (kind
 * 'activity', template `activity_notice`). Members without a usable mobile number are reported, not dropped silently.
 */
import { Types } from 'mongoose';
import { ConflictError } from '../errors';
import { createPublication, type AudienceRecipient } from '../publishing';
import { registerWorkflowKind } from '../content/workflow/registry';
import { deputyPhones } from '../content/roster';
import { Activity, ActivityNotice, type ActivityDoc } from './models';
import { ACTIVITY_KIND_LABELS } from './enums';
import { formatBeijing, beijingParts } from '../calendar/beijing';
import type { Actor, ActivitiesContext } from './context';

let registered = false;
export function registerActivityNoticeKind(): void {
  if (registered) return;
  registered = true;
  registerWorkflowKind({ kind: 'activity', model: ActivityNotice, titleField: 'title', bodyField: 'body', label: '小组活动通知', editableFields: ['title', 'digest', 'body'] });
}

/** Cuts a template value to the provider's per-parameter limit. */
function param(text: string, max = 20): string {
  const chars = [...text.trim()];
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
}

function shortTime(at: Date): string {
  const p = beijingParts(at);
  return `${p.month}月${p.day}日 ${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
}

export interface NoticeReport {
  publicationId: string | null;
  notified: number;
  unreachable: Array<{ deputyId: string; name: string; reason: string }>;
}

const MOBILE = /^(?:\+?86)?1[3-9]\d{9}$/;

export async function sendActivityNotice(ctx: ActivitiesContext, a: ActivityDoc, actor: Actor): Promise<NoticeReport> {
  if (a.status !== 'planned') throw new ConflictError('只有计划中的活动才发送通知', 'not_planned');
  const phones = await deputyPhones(a.participants.map((p) => String(p.deputyId)));
  const recipients: AudienceRecipient[] = [];
  const unreachable: NoticeReport['unreachable'] = [];
  for (const p of a.participants) {
    const phone = (phones.get(String(p.deputyId)) ?? []).map((n) => n.replace(/[\s-]/g, '')).find((n) => MOBILE.test(n));
    if (phone) recipients.push({ phone, name: p.name, params: { name: param(p.name, 10) } });
    else unreachable.push({ deputyId: String(p.deputyId), name: p.name, reason: '代表档案中没有可用的手机号' });
  }
  if (!recipients.length) return { publicationId: null, notified: 0, unreachable };
  const now = ctx.clock.now();
  const title = `${a.groupName}：${a.subject}`;
  await ActivityNotice.updateOne(
    { _id: a._id },
    {
      $set: {
        title: param(title, 200),
        digest: param(`${formatBeijing(a.startsAt)}，${a.place}`, 120),
        body: `${ACTIVITY_KIND_LABELS[a.kind]}：${a.subject}\n\n时间：${formatBeijing(a.startsAt)}\n\n地点：${a.place}`,
        updatedAt: now,
        updatedBy: new Types.ObjectId(actor.id),
      },
      $setOnInsert: { status: 'approved', version: 1, slug: `activity-${String(a._id)}`, createdAt: now, createdBy: new Types.ObjectId(actor.id), viewCount: 0, deletedAt: null },
    },
    { upsert: true },
  );
  const { publication } = await createPublication({
    kind: 'activity',
    itemId: String(a._id),
    channels: ['sms'],
    sms: {
      notification: 'activity_notice',
      params: { group: param(a.groupName), subject: param(a.subject), time: shortTime(a.startsAt), place: param(a.place || '小组活动室') },
      recipients,
    },
    createdBy: actor.id,
    dedupeKey: `activity:${String(a._id)}:notice:${a.version}`,
  });
  const publicationId = String(publication._id);
  await Activity.updateOne({ _id: a._id }, { $set: { noticePublicationId: publicationId } });
  ctx.logger.info({ activityId: String(a._id), publicationId, notified: recipients.length }, 'activity notice queued');
  return { publicationId, notified: recipients.length, unreachable };
}
