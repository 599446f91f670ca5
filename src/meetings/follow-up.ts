/**
 * After the meeting: one action drafts the news article about it (theme, featured cases and deputies with
 * links, attendance). The draft is created through the content module's editing service, so it follows the
 * normal review workflow. A second call returns the same draft unless that draft was deleted.
 */
import { Types } from 'mongoose';
import { ConflictError } from '../errors';
import { Article, CaseStudy, Deputy } from '../content/models';
import { DEPUTY_LEVEL_LABELS } from '../content/enums';
import { EditingService } from '../content/workflow/editing';
import { actorFromUser } from '../content/workflow/actor';
import { itemPath } from '../urls';
import { Invitation, Meeting, type MeetingDoc } from './models';
import { findMeeting } from './service';
import { formatLocal } from './time';
import type { MeetingsContext } from './context';
import type { AuthenticatedUser } from '../auth/roles';

async function attendance(m: MeetingDoc): Promise<{ invited: number; accepted: number; declined: number }> {
  const [invited, accepted, declined] = await Promise.all([
    Invitation.countDocuments({ meetingId: m._id }),
    Invitation.countDocuments({ meetingId: m._id, response: 'accepted' }),
    Invitation.countDocuments({ meetingId: m._id, response: 'declined' }),
  ]);
  return { invited, accepted, declined };
}

export async function followUpMarkdown(m: MeetingDoc): Promise<string> {
  const [cases, deputies, figures] = await Promise.all([
    CaseStudy.find({ _id: { $in: m.featuredCaseIds }, deletedAt: null }).select('title slug').lean(),
    Deputy.find({ _id: { $in: m.featuredDeputyIds }, deletedAt: null }).select('name slug level').lean(),
    attendance(m),
  ]);
  const byId = <T extends { _id: Types.ObjectId }>(rows: T[], ids: Types.ObjectId[]) =>
    ids.map((id) => rows.find((r) => r._id.equals(id))).filter((r): r is T => !!r);
  const out: string[] = [];
  out.push(
    `${formatLocal(m.startsAt, 'long').replace(/\s*\d{2}:\d{2}$/, '')}，${m.title}在${m.venue}召开${m.theme ? `，主题为"${m.theme}"` : ''}。`,
    '',
    `会议共邀请 ${figures.invited} 人，${figures.accepted} 人确认参会。`,
    '',
  );
  const caseRows = byId(cases, m.featuredCaseIds);
  if (caseRows.length) {
    out.push('## 交流的典型模式', '');
    for (const c of caseRows) out.push(`- [${c.title}](${itemPath('case', c.slug)})`);
    out.push('');
  }
  const deputyRows = byId(deputies, m.featuredDeputyIds);
  if (deputyRows.length) {
    out.push('## 交流发言的典型代表', '');
    for (const d of deputyRows) out.push(`- [${d.name}](${itemPath('deputy', d.slug)})（${DEPUTY_LEVEL_LABELS[d.level] ?? ''}）`);
    out.push('');
  }
  if (m.agenda.length) {
    out.push('## 会议议程', '');
    for (const a of m.agenda) out.push(`- ${a.title}${a.speaker ? `（${a.speaker}）` : ''}`);
    out.push('');
  }
  out.push('（请补充会议发言要点、交流成效和现场照片。）');
  return out.join('\n');
}

export async function createFollowUpDraft(
  ctx: MeetingsContext,
  id: string,
  user: AuthenticatedUser,
): Promise<{ articleId: string; created: boolean }> {
  const m = await findMeeting(id);
  const now = ctx.clock.now();
  if (m.status === 'draft' || m.status === 'cancelled') {
    throw new ConflictError(m.status === 'draft' ? '会议尚未发布，不能撰写会后报道' : '会议已取消，不能撰写会后报道', 'meeting_not_held');
  }
  if (m.status !== 'held' && m.endsAt.getTime() > now.getTime()) {
    throw new ConflictError('会议尚未结束，结束后再撰写会后报道', 'meeting_not_held');
  }
  if (m.followUpArticleId) {
    const existing = await Article.exists({ _id: m.followUpArticleId, deletedAt: null });
    if (existing) return { articleId: String(m.followUpArticleId), created: false };
  }
  const editing = new EditingService({ clock: ctx.clock, events: ctx.events });
  const article = await editing.create(
    'article',
    {
      title: `${m.title}召开`.slice(0, 200),
      body: await followUpMarkdown(m),
      topics: ['经验交流会'],
      relatedDeputyIds: m.featuredDeputyIds,
      relatedCaseIds: m.featuredCaseIds,
    },
    actorFromUser(user),
    { unassigned: user.role !== 'editor' }, // an organizer's draft is for the editors to finish
  );
  // Two clicks at once: the first link wins; the loser's fresh draft is removed again.
  const linked = await Meeting.updateOne(
    { _id: m._id, followUpArticleId: m.followUpArticleId ?? { $exists: false } },
    { $set: { followUpArticleId: article._id } },
  );
  if (!linked.modifiedCount) {
    await Article.deleteOne({ _id: article._id, status: 'draft' });
    const fresh = await findMeeting(id);
    return { articleId: String(fresh.followUpArticleId), created: false };
  }
  ctx.logger.info({ meetingId: id, articleId: String(article._id) }, 'follow-up draft created');
  return { articleId: String(article._id), created: true };
}
