/**
 * Maintained counters behind the rates: one small document per month of registration (Beijing calendar), county
 * and category, holding one row per (township, lead department) with the counts the rates need. Every write of a
 * suggestion (registration, import and its undoing, each handling transition) marks its cell dirty first and
 * recomputes it afterwards from the few suggestions in it (src/aggregates): a crash in between leaves the mark, and
 * the next read or the repair job recomputes the cell. Rates for a period then sum a few hundred cells.
 *
 * "Due" depends on the time asked (unanswered past the deadline), so a row keeps the deadlines of its unanswered
 * handling suggestions and the read compares them with its own `now`.
 */
import mongoose, { Schema, Types } from 'mongoose';
import { defineAggregate } from '../aggregates/aggregate';
import { parsePeriod as parseBeijingPeriod } from '../calendar/periods';
import { HANDLING_STATUSES, SATISFIED_RATINGS, Suggestion, type Category, type SuggestionDoc } from './models';
import { beijingMonth } from '../calendar/beijing';

export interface TallyCounts {
  registered: number;
  assigned: number;
  closed: number;
  rated: number;
  satisfied: number;
  answered: number;
  onTime: number;
}

export interface TallyRow extends TallyCounts {
  township: string | null;
  department: Types.ObjectId | null;
  /** Deadlines of the unanswered suggestions being handled (null: none set, which counts as past). */
  pending: Array<Date | null>;
}

export interface TallyDoc {
  _id: string;
  month: string;
  county: string;
  category: Category;
  rows: TallyRow[];
}

const counts = { registered: Number, assigned: Number, closed: Number, rated: Number, satisfied: Number, answered: Number, onTime: Number };
const tallySchema = new Schema<TallyDoc>(
  {
    _id: String,
    month: String,
    county: String,
    category: String,
    rows: [{ _id: false, township: String, department: Schema.Types.ObjectId, pending: [Date], ...counts }],
  },
  { versionKey: false, collection: 'suggestion_tallies' },
);
// The cells of a period (a month key each), optionally of one county.
tallySchema.index({ month: 1, county: 1 });

export const SuggestionTally = (mongoose.models.SuggestionTally as mongoose.Model<TallyDoc>) ?? mongoose.model<TallyDoc>('SuggestionTally', tallySchema);

type Keyed = Pick<SuggestionDoc, 'registeredAt' | 'category'> & { region: { county: string } };

/** The cell a suggestion is counted in. Registration date, county and category never change after registration. */
export function tallyKeyOf(s: Keyed): string {
  return `${beijingMonth(s.registeredAt)}|${s.region.county}|${s.category}`;
}

function parseKey(key: string): { month: string; county: string; category: Category } | null {
  const [month, county, category] = key.split('|');
  return month && county && category && parseBeijingPeriod(month) ? { month, county, category: category as Category } : null;
}

type Counted = Pick<SuggestionDoc, 'status' | 'assignedAt' | 'lastRating' | 'deadline' | 'leadDepartmentId'> & {
  region?: { township?: string };
  answers?: Array<{ onTime?: boolean }>;
};

/** The counts of the suggestions of one cell, per (township, lead department): the rates' definitions (rates.ts). */
export function tallyRows(docs: Counted[]): TallyRow[] {
  const rows = new Map<string, TallyRow>();
  for (const s of docs) {
    if (s.status === 'merged') continue;
    const township = s.region?.township ?? null;
    const department = s.leadDepartmentId ?? null;
    const id = `${township ?? ''}|${department ? String(department) : ''}`;
    let row = rows.get(id);
    if (!row) {
      row = { township, department, registered: 0, assigned: 0, closed: 0, rated: 0, satisfied: 0, answered: 0, onTime: 0, pending: [] };
      rows.set(id, row);
    }
    const answered = (s.answers?.length ?? 0) > 0;
    row.registered += 1;
    if (s.assignedAt) row.assigned += 1;
    if (s.status === 'closed') row.closed += 1;
    if (s.lastRating) row.rated += 1;
    if (s.lastRating && SATISFIED_RATINGS.includes(s.lastRating)) row.satisfied += 1;
    if (answered) row.answered += 1;
    if (s.answers?.[0]?.onTime === true) row.onTime += 1;
    if (!answered && HANDLING_STATUSES.includes(s.status)) row.pending.push(s.deadline ?? null);
  }
  return [...rows.values()];
}

const COUNTED_FIELDS = 'status assignedAt lastRating deadline leadDepartmentId region.township answers.onTime';

async function recompute(keys: string[]): Promise<void> {
  for (const key of keys) {
    const cell = parseKey(key);
    if (!cell) continue;
    const period = parseBeijingPeriod(cell.month)!;
    const docs = await Suggestion.find({ 'region.county': cell.county, category: cell.category, registeredAt: { $gte: period.start, $lt: period.end } })
      .select(COUNTED_FIELDS)
      .lean<Counted[]>();
    const rows = tallyRows(docs);
    if (rows.length) await SuggestionTally.replaceOne({ _id: key }, { ...cell, rows }, { upsert: true });
    else await SuggestionTally.deleteOne({ _id: key });
  }
}

async function sourceKeys(): Promise<string[]> {
  const docs = await Suggestion.find({ status: { $ne: 'merged' } }).select('registeredAt region.county category').lean<Keyed[]>();
  return [...new Set(docs.map(tallyKeyOf))];
}

export const suggestionTallies = defineAggregate({
  name: 'suggestions.tallies',
  version: 1,
  recompute,
  sourceKeys,
  cellKeys: async () => (await SuggestionTally.find().select('_id').lean()).map((d) => d._id),
});

/** The cells of these months, optionally of one county and category. */
export async function tallyCells(months: string[], filter: { county?: string; category?: Category }): Promise<TallyDoc[]> {
  const query: Record<string, unknown> = { month: { $in: months } };
  if (filter.county) query.county = filter.county;
  if (filter.category) query.category = filter.category;
  return SuggestionTally.find(query).lean<TallyDoc[]>();
}
