/**
 * 专题专栏: partners' campaign columns with their issue dates, what each upcoming issue could take, and which
 * issue ran which items ("ran on …", recorded by an editor or by the partner through its feed key). The media
 * coverage of a month is counted from those records.
 */
import { Types } from 'mongoose';
import { getPublishedSource, listPublishedInScope } from '../content/public-queries';
import { BadRequestError, NotFoundError, ValidationError } from '../errors';
import { Column, ColumnRun, Partner, PARTNER_KIND_LABELS, type ColumnDoc, type ColumnRunDoc, type PartnerDoc, type RunItem } from './models';
import { KIND_LABELS } from './feed-items';
import type { ColumnBody, RunBody } from './schemas';
import { beijingDay } from '../calendar/beijing';

const DAY_MS = 86_400_000;
/** Candidates offered per column: the newest in-scope items that column has not run yet. */
const CANDIDATES = 20;


function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The same day of a later month, or that month's last day (a column on the 31st runs on 30 April). */
function addMonths(start: string, months: number): string {
  const [y, m, d] = start.split('-').map(Number);
  const first = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  return new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), Math.min(d, last))).toISOString().slice(0, 10);
}

/** Issue dates of a column within [from, to] (inclusive), in order. */
export function issueDates(column: Pick<ColumnDoc, 'cadence' | 'startDate' | 'endDate'>, from: string, to: string): string[] {
  const end = column.endDate && column.endDate < to ? column.endDate : to;
  const out: string[] = [];
  for (let n = 0; n < 1000; n++) {
    const date =
      column.cadence === 'weekly' ? addDays(column.startDate, 7 * n)
      : column.cadence === 'biweekly' ? addDays(column.startDate, 14 * n)
      : column.cadence === 'monthly' ? addMonths(column.startDate, n)
      : n === 0 ? column.startDate : undefined;
    if (!date || date > end) break;
    if (date >= from) out.push(date);
  }
  return out;
}

export interface ColumnView {
  id: string;
  partnerId: string;
  name: string;
  slot?: string;
  cadence: ColumnDoc['cadence'];
  startDate: string;
  endDate?: string;
  time?: string;
  note?: string;
  /** The next issue date from today (Beijing), if the column still runs. */
  nextIssue?: string;
}

function columnView(c: ColumnDoc, today: string): ColumnView {
  return {
    id: String(c._id),
    partnerId: String(c.partnerId),
    name: c.name,
    ...(c.slot ? { slot: c.slot } : {}),
    cadence: c.cadence,
    startDate: c.startDate,
    ...(c.endDate ? { endDate: c.endDate } : {}),
    ...(c.time ? { time: c.time } : {}),
    ...(c.note ? { note: c.note } : {}),
    nextIssue: issueDates(c, today, addDays(today, 400))[0],
  };
}

async function livePartner(partnerId: string): Promise<PartnerDoc> {
  const p = await Partner.findOne({ _id: new Types.ObjectId(partnerId), deletedAt: null }).lean();
  if (!p) throw new NotFoundError('未找到该合作媒体');
  return p;
}

async function liveColumn(partnerId: string, columnId: string): Promise<ColumnDoc> {
  const c = await Column.findOne({ _id: new Types.ObjectId(columnId), partnerId: new Types.ObjectId(partnerId), deletedAt: null }).lean();
  if (!c) throw new NotFoundError('未找到该栏目');
  return c;
}

export async function listColumns(partnerId: string, now: Date): Promise<ColumnView[]> {
  await livePartner(partnerId);
  const docs = await Column.find({ partnerId: new Types.ObjectId(partnerId), deletedAt: null }).sort({ startDate: 1, _id: 1 }).lean();
  return docs.map((c) => columnView(c, beijingDay(now)));
}

export async function createColumn(partnerId: string, body: ColumnBody, now: Date): Promise<ColumnView> {
  await livePartner(partnerId);
  const doc = await Column.create({ ...body, partnerId: new Types.ObjectId(partnerId), createdAt: now, updatedAt: now });
  return columnView(doc.toObject(), beijingDay(now));
}

export async function updateColumn(partnerId: string, columnId: string, body: ColumnBody, now: Date): Promise<ColumnView> {
  const c = await liveColumn(partnerId, columnId);
  const unset = Object.fromEntries((['slot', 'endDate', 'time', 'note'] as const).filter((f) => body[f] === undefined).map((f) => [f, 1]));
  await Column.updateOne({ _id: c._id }, { $set: { ...body, updatedAt: now }, ...(Object.keys(unset).length ? { $unset: unset } : {}) });
  return columnView((await Column.findById(c._id).lean())!, beijingDay(now));
}

export async function removeColumn(partnerId: string, columnId: string, now: Date): Promise<void> {
  const c = await liveColumn(partnerId, columnId);
  await Column.updateOne({ _id: c._id }, { $set: { deletedAt: now, updatedAt: now } });
}

export interface RunView {
  id: string;
  columnId: string;
  partnerId: string;
  date: string;
  items: RunItem[];
  note?: string;
  recordedBy: string;
  createdAt: Date;
  updatedAt: Date;
}

function runView(r: ColumnRunDoc): RunView {
  return {
    id: String(r._id),
    columnId: String(r.columnId),
    partnerId: String(r.partnerId),
    date: r.date,
    items: r.items,
    ...(r.note ? { note: r.note } : {}),
    recordedBy: r.recordedBy,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

export async function listRuns(partnerId: string, columnId: string): Promise<RunView[]> {
  const c = await liveColumn(partnerId, columnId);
  return (await ColumnRun.find({ columnId: c._id }).sort({ date: -1 }).lean()).map(runView);
}

/**
 * Records that an issue of the column ran these items (adding to what that issue already has). Items must be
 * published; a partner (`withinScope`) may only name items it takes. A date after today (Beijing) is refused.
 */
export async function recordRun(partnerId: string, columnId: string, body: RunBody, recordedBy: string, now: Date, withinScope: boolean): Promise<RunView> {
  const partner = await livePartner(partnerId);
  const column = await liveColumn(partnerId, columnId);
  if (body.date > beijingDay(now)) throw new BadRequestError('刊播日期不能晚于今天（北京时间）', 'run_date_in_future');
  if (body.date < column.startDate) throw new BadRequestError(`刊播日期早于栏目开始日期（${column.startDate}）`, 'run_date_before_column');
  const items: RunItem[] = [];
  for (const [i, ref] of body.items.entries()) {
    const source = await getPublishedSource(ref.kind, ref.itemId, withinScope ? partner.takes : undefined);
    if (!source) throw new ValidationError('稿件不存在、未发布或不在供稿范围内', [{ field: `body.items.${i}.itemId`, message: 'not a published item this partner takes' }]);
    if (!items.some((x) => x.kind === ref.kind && x.itemId === ref.itemId)) items.push({ kind: ref.kind, itemId: ref.itemId, title: source.item.title });
  }
  const existing = await ColumnRun.findOne({ columnId: column._id, date: body.date }).lean();
  if (existing) {
    const merged = [...existing.items, ...items.filter((n) => !existing.items.some((x) => x.kind === n.kind && x.itemId === n.itemId))];
    await ColumnRun.updateOne({ _id: existing._id }, { $set: { items: merged, updatedAt: now, ...(body.note ? { note: body.note } : {}) } });
  } else {
    try {
      await ColumnRun.create({ columnId: column._id, partnerId: partner._id, date: body.date, items, note: body.note, recordedBy, createdAt: now, updatedAt: now });
    } catch (err) {
      // Two recorders raced for the same issue: the other one created it; add ours to it.
      if ((err as { code?: number }).code !== 11000) throw err;
      return recordRun(partnerId, columnId, body, recordedBy, now, withinScope);
    }
  }
  return runView((await ColumnRun.findOne({ columnId: column._id, date: body.date }).lean())!);
}

export async function removeRun(partnerId: string, columnId: string, runId: string): Promise<void> {
  const c = await liveColumn(partnerId, columnId);
  const res = await ColumnRun.deleteOne({ _id: new Types.ObjectId(runId), columnId: c._id });
  if (!res.deletedCount) throw new NotFoundError('未找到该刊播记录');
}

export interface UpcomingColumn {
  column: ColumnView;
  partner: { id: string; name: string; kind: PartnerDoc['kind']; kindLabel: string };
  /** Issue dates within the window. */
  issues: string[];
  /** Published items the partner takes that this column has not run yet, newest first. */
  candidates: Array<{ kind: string; kindLabel: string; itemId: string; title: string; url: string; publishedAt: Date }>;
  /** The last issue that ran our items. */
  lastRun?: RunView;
}

/** Every column with an issue in the next `days` days (Beijing calendar), with what each could take. */
export async function upcomingColumns(now: Date, days: number, partnerId?: string): Promise<UpcomingColumn[]> {
  const today = beijingDay(now);
  const to = addDays(today, days - 1);
  const filter: Record<string, unknown> = { deletedAt: null, startDate: { $lte: to } };
  if (partnerId) filter.partnerId = new Types.ObjectId(partnerId);
  const columns = await Column.find(filter).sort({ startDate: 1 }).lean();
  const partners = new Map(
    (await Partner.find({ _id: { $in: columns.map((c) => c.partnerId) }, deletedAt: null, active: true }).lean()).map((p) => [String(p._id), p]),
  );
  const out: UpcomingColumn[] = [];
  for (const column of columns) {
    const partner = partners.get(String(column.partnerId));
    const issues = partner ? issueDates(column, today, to) : [];
    if (!partner || !issues.length) continue;
    const runs = await ColumnRun.find({ columnId: column._id }).sort({ date: -1 }).lean();
    const ran = new Set(runs.flatMap((r) => r.items.map((i) => `${i.kind}:${i.itemId}`)));
    const inScope = await listPublishedInScope(partner.takes, CANDIDATES + ran.size);
    const candidates = inScope
      .filter((s) => !ran.has(`${s.item.kind}:${s.item.id}`))
      .slice(0, CANDIDATES)
      .map((s) => ({ kind: s.item.kind, kindLabel: KIND_LABELS[s.item.kind], itemId: s.item.id, title: s.item.title, url: s.item.path, publishedAt: s.item.publishedAt }));
    out.push({
      column: columnView(column, today),
      partner: { id: String(partner._id), name: partner.name, kind: partner.kind, kindLabel: PARTNER_KIND_LABELS[partner.kind] },
      issues,
      candidates,
      ...(runs[0] ? { lastRun: runView(runs[0]) } : {}),
    });
  }
  return out.sort((a, b) => a.issues[0].localeCompare(b.issues[0]));
}

export interface MediaCoverage {
  month: string;
  /** Issues/broadcasts that ran our items. */
  runs: number;
  /** Item placements (an item in two partners' columns counts twice). */
  placements: number;
  /** Distinct items that ran anywhere. */
  items: number;
  byPartner: Array<{ partnerId: string; name: string; kind: string; kindLabel: string; runs: number; placements: number }>;
  byKind: Record<string, number>;
}

/** Media coverage of a calendar month (YYYY-MM, Beijing dates) for the monthly summary. */
export async function mediaCoverage(month: string): Promise<MediaCoverage> {
  const runs = await ColumnRun.find({ date: { $gte: `${month}-01`, $lte: `${month}-31` } }).lean();
  const partners = new Map((await Partner.find({ _id: { $in: runs.map((r) => r.partnerId) } }, { name: 1, kind: 1 }).lean()).map((p) => [String(p._id), p]));
  const byPartner = new Map<string, MediaCoverage['byPartner'][number]>();
  const distinct = new Set<string>();
  const byKind: Record<string, number> = {};
  let placements = 0;
  for (const r of runs) {
    const p = partners.get(String(r.partnerId));
    const row = byPartner.get(String(r.partnerId)) ?? {
      partnerId: String(r.partnerId),
      name: p?.name ?? '（已删除）',
      kind: p?.kind ?? '',
      kindLabel: p ? PARTNER_KIND_LABELS[p.kind] : '',
      runs: 0,
      placements: 0,
    };
    row.runs++;
    row.placements += r.items.length;
    byPartner.set(row.partnerId, row);
    placements += r.items.length;
    for (const i of r.items) {
      distinct.add(`${i.kind}:${i.itemId}`);
      byKind[i.kind] = (byKind[i.kind] ?? 0) + 1;
    }
  }
  return { month, runs: runs.length, placements, items: distinct.size, byPartner: [...byPartner.values()].sort((a, b) => b.placements - a.placements), byKind };
}

export async function partnerColumnsForKey(partner: PartnerDoc, now: Date): Promise<ColumnView[]> {
  return listColumns(String(partner._id), now);
}
