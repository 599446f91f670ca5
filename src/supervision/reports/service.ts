/**
 * Periodic reports: made by the schedule once per period (the document id is kind:period and the insert only
 * happens when it is missing, so several instances or a rerun never make two), caught up after downtime (every
 * ended period since the schedule first ran, and the last ended one before it), regenerated as a draft on demand,
 * and issued (draft → issued, frozen).
 */
import mongoose, { Schema, Types } from 'mongoose';
import { ConflictError, NotFoundError, ValidationError } from '../../errors';
import { parsePeriod, type Period } from '../../calendar/periods';
import type { Actor, SupervisionContext } from '../context';
import { gatherReport, type ReportData } from './data';
import { endedPeriods, PERIOD_KEY_OF, REPORT_KINDS, REPORT_LABELS, REPORT_PERIOD, reportId, type ReportKind } from './kinds';
import { SupervisionReport, type ReportDoc } from './model';
import { officialDocument, type DocumentMeta } from './layout';
import type { Config } from '../../config';
import { reportHtml } from './html';
import { collectAfterHeavyWork } from '../../heavy-work';

interface ScheduleStateDoc {
  _id: string;
  since: Date;
}
const ScheduleState =
  (mongoose.models.SupervisionReportSchedule as mongoose.Model<ScheduleStateDoc>) ??
  mongoose.model<ScheduleStateDoc>('SupervisionReportSchedule', new Schema<ScheduleStateDoc>({ _id: String, since: Date }, { versionKey: false, collection: 'supervision_report_schedule' }));

export interface ReportSummary {
  id: string;
  kind: ReportKind;
  kindLabel: string;
  period: string;
  periodLabel: string;
  title: string;
  status: ReportDoc['status'];
  source: ReportDoc['source'];
  revision: number;
  generatedAt: Date;
  docNumber: string | null;
  issuedAt: Date | null;
  issuedByName: string | null;
  newsArticleId: string | null;
}

export const summaryOf = (r: ReportDoc): ReportSummary => ({
  id: r._id,
  kind: r.kind,
  kindLabel: REPORT_LABELS[r.kind],
  period: r.period,
  periodLabel: r.data.period.label,
  title: r.data.title,
  status: r.status,
  source: r.source,
  revision: r.revision,
  generatedAt: r.generatedAt,
  docNumber: r.docNumber,
  issuedAt: r.issuedAt,
  issuedByName: r.issuedByName,
  newsArticleId: r.newsArticleId ? String(r.newsArticleId) : null,
});

export function periodFor(kind: ReportKind, key: string, field = 'params.period'): Period {
  if (!PERIOD_KEY_OF[kind].test(key)) throw new ValidationError('期间与报告种类不符', [{ field, message: `${REPORT_LABELS[kind]}的期间形如${{ monthly: '2030-05', quarterly: '2030-Q2', half: '2030-H1', annual: '2030' }[kind]}` }]);
  return parsePeriod(key)!;
}

/** Makes every scheduled report that is due and missing; returns the ids made. */
export async function makeDueReports(ctx: SupervisionContext): Promise<string[]> {
  const now = ctx.clock.now();
  await ScheduleState.updateOne({ _id: 'schedule' }, { $setOnInsert: { since: now } }, { upsert: true });
  const { since } = (await ScheduleState.findById('schedule').lean())!;
  const made: string[] = [];
  for (const kind of REPORT_KINDS) {
    const ended = endedPeriods(kind, now, 3 * 366);
    const due = ended.filter((p, i) => p.end.getTime() > since.getTime() || i === ended.length - 1 || ended[i + 1].end.getTime() > since.getTime());
    for (const period of due) {
      const id = reportId(kind, period.key);
      if (await SupervisionReport.exists({ _id: id })) continue;
      const data = await gatherReport(ctx.config, ctx.clock, kind, period);
      collectAfterHeavyWork();
      const res = await SupervisionReport.updateOne(
        { _id: id },
        { $setOnInsert: { kind, period: period.key, status: 'draft', source: 'schedule', revision: 1, data, generatedAt: ctx.clock.now(), generatedBy: null, docNumber: null, issuedAt: null, issuedBy: null, issuedByName: null, newsArticleId: null } },
        { upsert: true },
      ).catch((err) => {
        if ((err as { code?: number }).code === 11000) return { upsertedCount: 0 };
        throw err;
      });
      if (res.upsertedCount) made.push(id);
    }
  }
  if (made.length) ctx.logger.info({ made }, 'supervision reports generated');
  return made;
}

export async function regenerateDraft(ctx: SupervisionContext, kind: ReportKind, key: string, actor: Actor): Promise<ReportDoc> {
  const period = periodFor(kind, key);
  if (period.start.getTime() > ctx.clock.now().getTime()) throw new ValidationError('期间尚未开始', [{ field: 'params.period', message: `${period.label}尚未开始` }]);
  const id = reportId(kind, period.key);
  const existing = await SupervisionReport.findById(id).select('status revision').lean();
  if (existing?.status === 'issued') throw new ConflictError('该报告已印发，不能重新生成', 'report_issued');
  const data = await gatherReport(ctx.config, ctx.clock, kind, period);
  collectAfterHeavyWork();
  const fields = { data, source: 'manual', generatedAt: ctx.clock.now(), generatedBy: new Types.ObjectId(actor.id) };
  const res = await SupervisionReport.findOneAndUpdate(
    { _id: id, status: 'draft' },
    { $set: fields, $inc: { revision: 1 }, $setOnInsert: { kind, period: period.key, status: 'draft', docNumber: null, issuedAt: null, issuedBy: null, issuedByName: null, newsArticleId: null } },
    { upsert: true, returnDocument: 'after' },
  )
    .lean<ReportDoc>()
    .catch((err) => {
      if ((err as { code?: number }).code === 11000) throw new ConflictError('该报告已印发，不能重新生成', 'report_issued');
      throw err;
    });
  return res!;
}

export async function findReport(id: string): Promise<ReportDoc> {
  const r = await SupervisionReport.findById(id).lean<ReportDoc>();
  if (!r) throw new NotFoundError('报告不存在');
  return r;
}

export async function listReports(q: { kind?: ReportKind; status?: ReportDoc['status']; year?: number }): Promise<ReportSummary[]> {
  const filter: Record<string, unknown> = {};
  if (q.kind) filter.kind = q.kind;
  if (q.status) filter.status = q.status;
  if (q.year) filter.period = { $regex: `^${q.year}` };
  return (await SupervisionReport.find(filter).sort({ period: -1, kind: 1 }).limit(200).lean<ReportDoc[]>()).map(summaryOf);
}

export async function issueReport(ctx: SupervisionContext, id: string, input: { docNumber: string; revision: number }, actor: Actor): Promise<ReportDoc> {
  const r = await findReport(id);
  if (r.status === 'issued') throw new ConflictError('该报告已印发', 'report_issued');
  if (r.revision !== input.revision) throw new ConflictError('报告已重新生成，请查看最新稿后再印发', 'version_conflict', { revision: r.revision });
  const period = parsePeriod(r.period)!;
  if (period.end.getTime() > ctx.clock.now().getTime()) throw new ConflictError(`${period.label}尚未结束，不能印发`, 'period_not_ended');
  if (await SupervisionReport.exists({ docNumber: input.docNumber, _id: { $ne: id } })) throw new ConflictError('文号已被使用', 'duplicate_doc_number');
  const res = await SupervisionReport.findOneAndUpdate(
    { _id: id, status: 'draft', revision: input.revision },
    { $set: { status: 'issued', docNumber: input.docNumber, issuedAt: ctx.clock.now(), issuedBy: new Types.ObjectId(actor.id), issuedByName: actor.displayName } },
    { returnDocument: 'after' },
  ).lean<ReportDoc>();
  if (!res) throw new ConflictError('报告状态已变化，请刷新', 'version_conflict');
  return res;
}

function metaOf(r: ReportDoc): DocumentMeta {
  return { issuer: `${r.data.city}人大常委会`, docNumber: r.docNumber, date: r.issuedAt ?? r.generatedAt, draft: r.status !== 'issued' };
}

/** Dates come back from the database as Dates, but older snapshots or JSON may hold strings: normalise. */
function dataOf(r: ReportDoc): ReportData {
  const d = r.data;
  return { ...d, period: { ...d.period, start: new Date(d.period.start), end: new Date(d.period.end) }, asOf: new Date(d.asOf) };
}

// The renderers (echarts and sharp, docx, pdfkit and fontkit: tens of MB) load with the first report, not at start
// (require: a dynamic import of our own modules would bypass the TypeScript hooks of tests and scripts).
/* eslint-disable @typescript-eslint/no-require-imports */
const renderers = {
  charts: () => require('./charts') as typeof import('./charts'),
  docx: () => require('./docx') as typeof import('./docx'),
  pdf: () => require('./pdf') as typeof import('./pdf'),
};
/* eslint-enable @typescript-eslint/no-require-imports */

function renderCharts(data: ReportData) {
  return renderers.charts().renderCharts(data);
}

export async function reportDocument(r: ReportDoc): Promise<Buffer> {
  const data = dataOf(r);
  const { reportDocx } = renderers.docx();
  try {
    return await reportDocx(officialDocument(data, metaOf(r)), await renderCharts(data), data.city);
  } finally {
    collectAfterHeavyWork();
  }
}

export async function reportPdfDocument(config: Config, r: ReportDoc): Promise<Buffer> {
  const data = dataOf(r);
  const meta = metaOf(r);
  const { reportPdf } = renderers.pdf();
  try {
    return await reportPdf(config, officialDocument(data, meta), await renderCharts(data), data.city, meta.date);
  } finally {
    collectAfterHeavyWork();
  }
}

export async function reportPage(r: ReportDoc): Promise<string> {
  const data = dataOf(r);
  return reportHtml(data, await renderCharts(data), metaOf(r));
}

export { REPORT_PERIOD };
