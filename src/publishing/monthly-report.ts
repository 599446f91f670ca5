/**
 * The monthly publicity summary: generated on the 1st (Asia/Shanghai) for the month before, and at start-up
 * when that month is missing (catch-up after downtime). Stored once per month; generating again keeps the first.
 */
import type { Clock } from '../clock';
import { NotFoundError } from '../errors';
import { hasWorkflowKind, workflowKind } from '../content/workflow/registry';
import { monthlyViews } from '../content/public-queries';
import { Publication } from './models/publication';
import { Delivery } from './models/delivery';
import { MonthlyReport, type MonthlyReportDoc } from './models/monthly-report';
import { beijingMonth, beijingParts, beijingTime } from '../calendar/beijing';

const KINDS = ['article', 'deputy', 'group', 'case', 'meeting'] as const;

/** Follower figures for a period, when the WeChat module provides them. */
export type FollowerCounts = (from: Date, to: Date) => Promise<MonthlyReportDoc['reach']['followers']>;

export function monthBounds(month: string): { from: Date; to: Date } {
  const [y, m] = month.split('-').map(Number);
  return { from: beijingTime(y, m), to: beijingTime(y, m + 1) };
}

/** The Shanghai calendar month before the one containing `at`, as "YYYY-MM". */
export function previousMonth(at: Date): string {
  const { year, month } = beijingParts(at);
  return beijingMonth(beijingTime(year, month - 1));
}

async function buildReport(month: string, now: Date, followerCounts?: FollowerCounts): Promise<MonthlyReportDoc> {
  const { from, to } = monthBounds(month);
  const itemsPublished = { total: 0 } as MonthlyReportDoc['itemsPublished'];
  const views = await monthlyViews(month);
  const pageViews = { thisMonth: views.total, thisMonthByKind: views.byKind, itemsPublishedThisMonth: 0, allPublishedItems: 0 };
  for (const kind of KINDS) {
    if (!hasWorkflowKind(kind)) continue;
    const model = workflowKind(kind).model;
    const fresh = await model.find({ firstPublishedAt: { $gte: from, $lt: to }, deletedAt: null }).select('viewCount').lean<{ viewCount?: number }[]>();
    itemsPublished[kind] = fresh.length;
    itemsPublished.total += fresh.length;
    pageViews.itemsPublishedThisMonth += fresh.reduce((s, d) => s + (d.viewCount ?? 0), 0);
    const live = await model.find({ status: 'published', deletedAt: null }).select('viewCount').lean<{ viewCount?: number }[]>();
    pageViews.allPublishedItems += live.reduce((s, d) => s + (d.viewCount ?? 0), 0);
  }

  const pubs = await Publication.find({ createdAt: { $gte: from, $lt: to } }).select('status').lean();
  const byStatus: Record<string, number> = {};
  for (const p of pubs) byStatus[p.status] = (byStatus[p.status] ?? 0) + 1;

  const deliveries: MonthlyReportDoc['deliveries'] = {};
  const failures: MonthlyReportDoc['failures'] = [];
  // SMS reach per recipient of a batch, as its latest round says: a retry round carries only those who did not
  // get it, so earlier rounds still speak for the others — but nobody is counted twice.
  const smsLatest = new Map<string, { round: number; status: string }>();
  const wechat = { published: 0, broadcasts: 0 };
  const cursor = Delivery.find({ createdAt: { $gte: from, $lt: to } })
    .select('publicationId channel batchIndex round status error supersededBy recipients.recipient recipients.status')
    .lean()
    .cursor();
  const wechatPubIds = new Set<string>();
  for await (const d of cursor) {
    if (d.channel === 'sms') {
      for (const r of d.recipients ?? []) {
        const key = `${String(d.publicationId)}:${d.batchIndex}:${r.recipient}`;
        const prev = smsLatest.get(key);
        if (!prev || (d.round ?? 1) > prev.round) smsLatest.set(key, { round: d.round ?? 1, status: r.status });
      }
    }
    // Superseded rounds are history: deliveries and failures count the round that replaced them.
    if (d.supersededBy) continue;
    const perChannel = (deliveries[d.channel] ??= {});
    perChannel[d.status] = (perChannel[d.status] ?? 0) + 1;
    if ((d.status === 'failed' || d.status === 'unknown') && failures.length < 50) {
      failures.push({
        publicationId: String(d.publicationId),
        deliveryId: String(d._id),
        channel: d.channel,
        status: d.status,
        code: d.error?.code,
        providerCode: d.error?.providerCode,
        message: d.error?.message,
      });
    }
    if (d.channel === 'wechat' && d.status === 'sent') wechatPubIds.add(String(d.publicationId));
  }
  const sms: Record<string, number> = {};
  for (const { status } of smsLatest.values()) sms[status] = (sms[status] ?? 0) + 1;
  if (wechatPubIds.size) {
    const modes = await Publication.find({ _id: { $in: [...wechatPubIds] } }).select('wechat').lean();
    for (const p of modes) {
      if (p.wechat?.mode === 'broadcast') wechat.broadcasts += 1;
      else wechat.published += 1;
    }
  }
  return {
    _id: month,
    month,
    from,
    to,
    generatedAt: now,
    itemsPublished,
    publications: { total: pubs.length, byStatus },
    deliveries,
    failures,
    pageViews,
    reach: { sms, wechat, followers: followerCounts ? await followerCounts(from, to).catch(() => null) : null },
  };
}

/** Generates and stores the month's summary unless it exists; returns the stored one either way. */
export async function generateMonthlyReport(clock: Clock, month: string, followerCounts?: FollowerCounts): Promise<MonthlyReportDoc> {
  const existing = await MonthlyReport.findById(month).lean();
  if (existing) return existing;
  const report = await buildReport(month, clock.now(), followerCounts);
  const { _id, ...fields } = report;
  // Upsert with $setOnInsert: two instances generating at once still leave exactly one document.
  await MonthlyReport.updateOne({ _id }, { $setOnInsert: fields }, { upsert: true }).catch((err) => {
    if ((err as { code?: number }).code !== 11000) throw err;
  });
  return (await MonthlyReport.findById(month).lean())!;
}

export async function listMonthlyReports(): Promise<Array<Pick<MonthlyReportDoc, 'month' | 'generatedAt' | 'itemsPublished' | 'publications'>>> {
  return MonthlyReport.find({}).select('month generatedAt itemsPublished publications').sort({ _id: -1 }).limit(120).lean();
}

export async function getMonthlyReport(month: string): Promise<MonthlyReportDoc> {
  const report = await MonthlyReport.findById(month).lean();
  if (!report) throw new NotFoundError(`${month} 的月度汇总尚未生成`);
  return report;
}

/**
 * The publicity of a month for other modules' reports: the stored summary of an ended month (generated and stored
 * once if missing, as the monthly job would), or the figures so far of a month still running (not stored).
 */
export async function monthlyPublicity(clock: Clock, month: string, followerCounts?: FollowerCounts): Promise<MonthlyReportDoc> {
  if (monthBounds(month).to.getTime() <= clock.now().getTime()) return generateMonthlyReport(clock, month, followerCounts);
  return buildReport(month, clock.now(), followerCounts);
}
