/**
 * Keeps the meeting's publishable face (MeetingPage) in step with the meeting and registers kind 'meeting'
 * with the generic workflow, so createPublication({kind: 'meeting', itemId: meetingId}) works like any item.
 */
import { Types } from 'mongoose';
import { registerWorkflowKind } from '../content/workflow/registry';
import { MeetingPage, type MeetingDoc } from './models';
import { formatRange } from './time';
import { toPublicMeeting } from './views';

let registered = false;

export function registerMeetingKind(): void {
  if (registered) return;
  registered = true;
  registerWorkflowKind({ kind: 'meeting', model: MeetingPage, titleField: 'title', bodyField: 'body', label: '会议', editableFields: ['title', 'digest', 'body'] });
}

/** The Markdown the account article and other channels carry. */
export async function meetingMarkdown(m: MeetingDoc): Promise<string> {
  const view = await toPublicMeeting(m);
  const out: string[] = [];
  if (view.notice) out.push(`> **${view.notice.kind === 'cancelled' ? '会议取消' : '会议变更'}**：${view.notice.text}`, '');
  if (m.theme) out.push(`**主题**：${m.theme}`, '');
  out.push(`**时间**：${formatRange(m.startsAt, m.endsAt)}`, '');
  out.push(`**地点**：${m.venue}${m.address ? `（${m.address}）` : ''}`, '');
  if (m.description.trim()) out.push(m.description.trim(), '');
  if (m.agenda.length) {
    out.push('## 会议议程', '');
    for (const a of m.agenda) out.push(`- ${a.time ? `${a.time} ` : ''}${a.title}${a.speaker ? `（${a.speaker}）` : ''}`);
    out.push('');
  }
  if (view.featuredCases.length) {
    out.push('## 交流的典型模式', '');
    for (const c of view.featuredCases) out.push(`- [${c.title}](${c.path})`);
    out.push('');
  }
  if (view.featuredDeputies.length) {
    out.push('## 典型代表', '');
    for (const d of view.featuredDeputies) out.push(`- [${d.title}](${d.path})${d.subtitle ? ` · ${d.subtitle}` : ''}`);
    out.push('');
  }
  return out.join('\n').trim();
}

function digestOf(m: MeetingDoc): string {
  const text = `${formatRange(m.startsAt, m.endsAt)}，${m.venue}${m.theme ? `。主题：${m.theme}` : ''}`;
  return [...text].slice(0, 120).join('');
}

/**
 * Writes the face from the meeting. Created 'approved' (the organizer's announce is the approval);
 * the microsite channel then moves it to 'published'.
 */
export async function syncMeetingPage(m: MeetingDoc, now: Date): Promise<void> {
  await MeetingPage.updateOne(
    { _id: m._id },
    {
      $set: { title: m.title, digest: digestOf(m), body: await meetingMarkdown(m), slug: m.slug, updatedAt: now, updatedBy: m.updatedBy },
      $setOnInsert: { status: 'approved', version: 1, createdAt: now, createdBy: m.createdBy ?? new Types.ObjectId(), viewCount: 0, deletedAt: null },
    },
    { upsert: true },
  );
}
