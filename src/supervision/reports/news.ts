/**
 * An issued report (a half-year bulletin, typically) goes out like any news: one action makes a news draft for the
 * normal review and publishing pipeline, with the report's text and a link to its Word document, which the
 * microsite serves once the report has been turned into news (never a draft or an unpublished report).
 */
import Router from '@koa/router';
import { Types } from 'mongoose';
import { ConflictError } from '../../errors';
import { ContentService } from '../../content/service';
import { actorFromUser } from '../../content/workflow/actor';
import type { AuthenticatedUser } from '../../auth/roles';
import type { AppState } from '../../http/context';
import type { SupervisionContext } from '../context';
import { SupervisionReport, type ReportDoc } from './model';
import { reportBlocks } from './text';
import { REPORT_KINDS, reportId, type ReportKind } from './kinds';
import { reportDocument } from './service';

export const documentPath = (r: Pick<ReportDoc, 'kind' | 'period'>) => `/documents/supervision/${r.kind}/${r.period}.docx`;

function markdownOf(r: ReportDoc): string {
  const out: string[] = [];
  for (const b of reportBlocks(r.data)) {
    if (b.type === 'heading1') out.push(`## ${b.text}`, '');
    else if (b.type === 'heading2') out.push(`### ${b.text}`, '');
    else if (b.type === 'paragraph') out.push(b.text, '');
    else if (b.type === 'table') {
      out.push(`**${b.caption}**`, '', `| ${b.header.join(' | ')} |`, `| ${b.header.map(() => '---').join(' | ')} |`, ...b.rows.map((row) => `| ${row.join(' | ')} |`), '');
    }
  }
  out.push(`[下载文件：${r.data.title}（${r.docNumber}）](${documentPath(r)})`);
  return out.join('\n');
}

export async function makeReportNewsDraft(ctx: SupervisionContext, r: ReportDoc, user: AuthenticatedUser): Promise<{ articleId: string; reportId: string }> {
  if (r.status !== 'issued') throw new ConflictError('报告印发后才能发布为新闻', 'report_not_issued');
  if (r.newsArticleId) throw new ConflictError('该报告已生成过新闻稿', 'news_draft_exists', { articleId: String(r.newsArticleId) });
  const claim = new Types.ObjectId();
  const claimed = await SupervisionReport.updateOne({ _id: r._id, newsArticleId: null }, { $set: { newsArticleId: claim } });
  if (!claimed.modifiedCount) throw new ConflictError('该报告已生成过新闻稿', 'news_draft_exists');
  try {
    const content = new ContentService({ clock: ctx.clock, events: ctx.events });
    const article = await content.create(
      'article',
      { title: [...r.data.title].slice(0, 200).join(''), body: markdownOf(r), digest: `${r.data.period.label}${r.data.title.includes('通报') ? '通报' : '情况'}（${r.docNumber}）`.slice(0, 120), region: { city: r.data.city } },
      actorFromUser({ id: user.id, displayName: user.displayName, username: user.username, role: user.role }),
    );
    const articleId = String(article.id ?? article._id);
    await SupervisionReport.updateOne({ _id: r._id }, { $set: { newsArticleId: new Types.ObjectId(articleId) } });
    return { articleId, reportId: r._id };
  } catch (err) {
    await SupervisionReport.updateOne({ _id: r._id, newsArticleId: claim }, { $set: { newsArticleId: null } });
    throw err;
  }
}

/** The public download of an issued report that has been turned into news. */
export function documentRouter(): Router<AppState> {
  const router = new Router<AppState>();
  router.get('/documents/supervision/:kind/:file', async (ctx) => {
    const m = /^([0-9A-Z-]{4,7})\.docx$/.exec(ctx.params.file);
    if (!m || !REPORT_KINDS.includes(ctx.params.kind as ReportKind)) return;
    const r = await SupervisionReport.findById(reportId(ctx.params.kind as ReportKind, m[1])).lean<ReportDoc>();
    if (!r || r.status !== 'issued' || !r.newsArticleId) return;
    ctx.set('Content-Disposition', `attachment; filename="${r.kind}-${r.period}.docx"; filename*=UTF-8''${encodeURIComponent(`${r.data.title}.docx`)}`);
    ctx.set('Cache-Control', 'public, max-age=3600');
    ctx.type = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
    ctx.body = await reportDocument(r);
  });
  return router;
}
