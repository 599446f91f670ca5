/**
 * One action turns a held activity into a news draft for the normal review workflow: title, summary, photos,
 * region, the group and the deputies present filled in. The activity remembers its draft, so it is made once.
 */
import { Types } from 'mongoose';
import { ConflictError } from '../errors';
import { ContentService } from '../content/service';
import { loadImages } from '../content/public-mappers';
import { actorFromUser } from '../content/workflow/actor';
import { Activity, type ActivityDoc } from './models';
import { ACTIVITY_KIND_LABELS } from './enums';
import { formatBeijing } from '../calendar/beijing';
import type { Actor, ActivitiesContext } from './context';

function markdownOf(a: ActivityDoc, photoUrls: string[]): string {
  const present = a.participants.filter((p) => p.status === 'present').map((p) => p.name);
  const out = [`${formatBeijing(a.startsAt, false)}，${a.groupName}${a.place ? `在${a.place}` : ''}开展${ACTIVITY_KIND_LABELS[a.kind]}活动：${a.subject}。`, ''];
  if (present.length) out.push(`参加活动的代表：${present.join('、')}。`, '');
  if (a.summary) out.push(a.summary, '');
  if (a.outcomes) out.push('## 活动成效', '', a.outcomes, '');
  if (a.householdsReached || a.villagesReached) {
    out.push(`本次活动走访${a.villagesReached ? `${a.villagesReached}个村（社区）` : ''}${a.householdsReached ? `${a.householdsReached}户群众` : ''}。`, '');
  }
  for (const url of photoUrls) out.push(`![${a.subject}](${url})`, '');
  return out.join('\n').trim();
}

export async function makeNewsDraft(ctx: ActivitiesContext, a: ActivityDoc, actor: Actor): Promise<{ articleId: string; activityId: string }> {
  if (a.status !== 'held') throw new ConflictError('只有已开展的活动才能生成新闻稿', 'not_held');
  if (a.newsArticleId) throw new ConflictError('该活动已生成过新闻稿', 'news_draft_exists', { articleId: String(a.newsArticleId) });
  // Claim first, so two clicks make one draft.
  const claim = new Types.ObjectId();
  const claimed = await Activity.updateOne({ _id: a._id, newsArticleId: { $exists: false } }, { $set: { newsArticleId: claim } });
  if (!claimed.modifiedCount) throw new ConflictError('该活动已生成过新闻稿', 'news_draft_exists');
  try {
    const images = await loadImages(a.photoMediaIds);
    const photos = a.photoMediaIds.map((id) => images.get(String(id))?.cover).filter((u): u is string => !!u);
    const content = new ContentService({ clock: ctx.clock, events: ctx.events });
    const title = `${a.groupName}开展${a.subject}活动`;
    const article = await content.create(
      'article',
      {
        title: [...title].slice(0, 200).join(''),
        body: markdownOf(a, photos),
        ...(a.summary ? { digest: [...a.summary].slice(0, 120).join('') } : {}),
        ...(a.photoMediaIds.length ? { coverMediaId: String(a.photoMediaIds[0]) } : {}),
        region: Object.fromEntries(Object.entries(a.region ?? {}).filter(([, v]) => !!v)),
        relatedDeputyIds: a.participants.filter((p) => p.status === 'present').slice(0, 50).map((p) => String(p.deputyId)),
        relatedGroupIds: [String(a.groupId)],
      },
      actorFromUser({ id: actor.id, displayName: actor.displayName, username: actor.username, role: actor.role }),
    );
    const articleId = String(article.id ?? article._id);
    await Activity.updateOne({ _id: a._id }, { $set: { newsArticleId: new Types.ObjectId(articleId) } });
    return { articleId, activityId: String(a._id) };
  } catch (err) {
    await Activity.updateOne({ _id: a._id, newsArticleId: claim }, { $unset: { newsArticleId: 1 } });
    throw err;
  }
}
