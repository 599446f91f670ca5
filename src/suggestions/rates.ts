/**
 * The figures the campaign is judged by, computed from the suggestions registered in a period (never typed in):
 * summed from the maintained tallies (tallies.ts), or by one aggregation over the suggestions themselves while the
 * tallies are not built. Definitions (also in the README):
 *   交办率 = assigned / registered      assigned: ever given to a lead department
 *   办结率 = closed / assigned          closed: in state 办结
 *   满意率 = (满意 + 基本满意) / rated   by the latest rating of each suggestion
 *   按时答复率 = first answer by the deadline / due   due: answered, or still unanswered past its deadline now
 * Merged duplicates are not counted: they live on in the suggestion they were merged into.
 */
import { Types } from 'mongoose';
import { Department, HANDLING_STATUSES, SATISFIED_RATINGS, Suggestion, type Category } from './models';
import { parsePeriod as parseBeijingPeriod } from '../calendar/periods';
import type { Period } from './periods';
import { suggestionTallies, tallyCells } from './tallies';

export const RATE_GROUPINGS = ['county', 'township', 'department', 'category'] as const;
export type RateGrouping = (typeof RATE_GROUPINGS)[number];

const GROUP_KEYS: Record<RateGrouping, string> = {
  county: '$region.county',
  township: '$region.township',
  department: '$leadDepartmentId',
  category: '$category',
};

export interface Counts {
  registered: number;
  assigned: number;
  closed: number;
  rated: number;
  satisfied: number;
  due: number;
  onTime: number;
}

export interface Rates {
  assignmentRate: number | null;
  closureRate: number | null;
  satisfactionRate: number | null;
  onTimeRate: number | null;
}

export interface RateRow {
  key: string | null;
  label: string;
  counts: Counts;
  rates: Rates;
}

const flag = (condition: unknown) => ({ $cond: [condition, 1, 0] });
const ratio = (n: number, d: number) => (d ? Math.round((n / d) * 10_000) / 10_000 : null);

function ratesOf(c: Counts): Rates {
  return {
    assignmentRate: ratio(c.assigned, c.registered),
    closureRate: ratio(c.closed, c.assigned),
    satisfactionRate: ratio(c.satisfied, c.rated),
    onTimeRate: ratio(c.onTime, c.due),
  };
}

export interface RateQuery {
  period: Period;
  by?: RateGrouping;
  county?: string;
  category?: Category;
}

export interface RateReport {
  period: { label: string; from: Date; to: Date };
  by?: RateGrouping;
  totals: RateRow;
  groups: RateRow[];
}

type GroupCounts = { _id: unknown } & Counts;

export async function computeRates(q: RateQuery, now: Date): Promise<RateReport> {
  const months = parseBeijingPeriod(q.period.label)?.months;
  if (!months || !(await suggestionTallies.fresh())) return computeRatesFromRecords(q, now);
  const cells = await tallyCells(months, { county: q.county, category: q.category });
  const groups = new Map<string, GroupCounts>();
  for (const cell of cells) {
    for (const row of cell.rows) {
      const key = !q.by ? null : q.by === 'county' ? cell.county : q.by === 'category' ? cell.category : q.by === 'township' ? row.township : row.department;
      const id = key === null || key === undefined ? '' : String(key);
      let g = groups.get(id);
      if (!g) {
        g = { _id: key ?? null, registered: 0, assigned: 0, closed: 0, rated: 0, satisfied: 0, due: 0, onTime: 0 };
        groups.set(id, g);
      }
      g.registered += row.registered;
      g.assigned += row.assigned;
      g.closed += row.closed;
      g.rated += row.rated;
      g.satisfied += row.satisfied;
      g.onTime += row.onTime;
      g.due += row.answered + row.pending.filter((d) => d === null || d.getTime() < now.getTime()).length;
    }
  }
  return shapeRates(q, [...groups.values()]);
}

/** The same figures by one aggregation over the suggestions themselves (before the tallies are built; tests, benches). */
export async function computeRatesFromRecords(q: RateQuery, now: Date): Promise<RateReport> {
  const match: Record<string, unknown> = { registeredAt: { $gte: q.period.from, $lt: q.period.to }, status: { $ne: 'merged' } };
  if (q.county) match['region.county'] = q.county;
  if (q.category) match.category = q.category;
  const answered = { $gt: [{ $size: { $ifNull: ['$answers', []] } }, 0] };
  const overdueUnanswered = { $and: [{ $in: ['$status', HANDLING_STATUSES] }, { $lt: ['$deadline', now] }] };
  // One $group straight over the matched documents: no intermediate $project documents to build.
  const rows = await Suggestion.aggregate<GroupCounts>([
    { $match: match },
    {
      $group: {
        _id: q.by ? GROUP_KEYS[q.by] : null,
        registered: { $sum: 1 },
        assigned: { $sum: flag({ $ifNull: ['$assignedAt', false] }) },
        closed: { $sum: flag({ $eq: ['$status', 'closed'] }) },
        rated: { $sum: flag({ $ifNull: ['$lastRating', false] }) },
        satisfied: { $sum: flag({ $in: [{ $ifNull: ['$lastRating', ''] }, SATISFIED_RATINGS] }) },
        due: { $sum: flag({ $or: [answered, overdueUnanswered] }) },
        onTime: { $sum: flag({ $eq: [{ $arrayElemAt: ['$answers.onTime', 0] }, true] }) },
      },
    },
  ]);
  return shapeRates(q, rows);
}

async function shapeRates(q: RateQuery, rows: GroupCounts[]): Promise<RateReport> {
  const zero: Counts = { registered: 0, assigned: 0, closed: 0, rated: 0, satisfied: 0, due: 0, onTime: 0 };
  const totals = { ...zero };
  const labels = q.by === 'department' ? await departmentNames(rows.map((r) => r._id)) : new Map<string, string>();
  const groups: RateRow[] = rows.map(({ _id, ...counts }) => {
    for (const k of Object.keys(zero) as (keyof Counts)[]) totals[k] += counts[k];
    const key = _id === null || _id === undefined ? null : String(_id);
    const label = key === null ? (q.by === 'department' ? '未交办' : '未填写') : (labels.get(key) ?? key);
    return { key, label, counts: { ...zero, ...counts }, rates: ratesOf({ ...zero, ...counts }) };
  });
  // Ties by code point, not locale collation: the same order on every machine.
  groups.sort((a, b) => b.counts.registered - a.counts.registered || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  return {
    period: { label: q.period.label, from: q.period.from, to: q.period.to },
    ...(q.by ? { by: q.by } : {}),
    totals: { key: null, label: q.county ?? '全市', counts: totals, rates: ratesOf(totals) },
    groups: q.by ? groups : [],
  };
}

async function departmentNames(ids: unknown[]): Promise<Map<string, string>> {
  const valid = ids.filter((id): id is Types.ObjectId => id instanceof Types.ObjectId);
  const found = await Department.find({ _id: { $in: valid } }).select('name').lean();
  return new Map(found.map((d) => [String(d._id), d.name]));
}
