/**
 * Supervision visits (督导): a supervising committee of the congress visits a county and reaches some of its
 * townships on a date. Kept small and in its own collection, so the supervision capability (assignments,
 * inspections, problem lists) can grow from it.
 */
import mongoose, { Schema, Types } from 'mongoose';
import { z } from 'zod';
import { ValidationError } from '../errors';
import { townshipsWithGroups } from '../content/roster';
import type { Clock } from '../clock';
import type { Period } from '../calendar/periods';

export interface SupervisionVisitDoc {
  _id: Types.ObjectId;
  date: Date;
  /** E.g. 市人大常委会代表工作委员会. */
  committee: string;
  county: string;
  townships: string[];
  note: string;
  createdBy: Types.ObjectId;
  createdAt: Date;
}

const visitSchema = new Schema<SupervisionVisitDoc>(
  {
    date: { type: Date, required: true },
    committee: { type: String, required: true, trim: true, maxlength: 100 },
    county: { type: String, required: true, trim: true, maxlength: 50 },
    townships: { type: [String], default: [] },
    note: { type: String, default: '', maxlength: 2000 },
    createdBy: { type: Schema.Types.ObjectId, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, strict: 'throw', collection: 'supervision_visits' },
);
// Visits of a county in a period (coverage, the list).
visitSchema.index({ county: 1, date: -1 });
visitSchema.index({ date: -1 });

export const SupervisionVisit =
  (mongoose.models.SupervisionVisit as mongoose.Model<SupervisionVisitDoc>) ?? mongoose.model<SupervisionVisitDoc>('SupervisionVisit', visitSchema);

const dateInput = z.union([z.iso.datetime({ offset: true }).transform((s) => new Date(s)), z.iso.date().transform((d) => new Date(`${d}T00:00:00+08:00`))]);

export const visitBody = z
  .object({
    date: dateInput,
    committee: z.string().trim().min(1, 'required').max(100),
    county: z.string().trim().min(1, 'required').max(50),
    townships: z.array(z.string().trim().min(1).max(50)).min(1, 'at least one township').max(100),
    note: z.string().trim().max(2000).optional(),
  })
  .strict();
export type VisitBody = z.infer<typeof visitBody>;

export interface VisitView {
  id: string;
  date: Date;
  committee: string;
  county: string;
  townships: string[];
  note: string;
}

const toView = (v: SupervisionVisitDoc): VisitView => ({ id: String(v._id), date: v.date, committee: v.committee, county: v.county, townships: v.townships, note: v.note });

export async function recordVisit(clock: Clock, input: VisitBody, userId: string): Promise<VisitView> {
  const problems = [];
  if (input.date.getTime() > clock.now().getTime()) problems.push({ field: 'body.date', message: '督导日期不能在将来' });
  const known = new Set((await townshipsWithGroups({ level: 'county', name: input.county })).map((t) => t.township));
  if (!known.size) problems.push({ field: 'body.county', message: '该县（市、区）没有代表小组' });
  else input.townships.forEach((t, i) => !known.has(t) && problems.push({ field: `body.townships.${i}`, message: `“${t}”不是${input.county}有代表小组的乡镇` }));
  if (new Set(input.townships).size !== input.townships.length) problems.push({ field: 'body.townships', message: '乡镇重复' });
  if (problems.length) throw new ValidationError('督导记录有误', problems);
  const doc: SupervisionVisitDoc = {
    _id: new Types.ObjectId(),
    date: input.date,
    committee: input.committee,
    county: input.county,
    townships: input.townships,
    note: input.note ?? '',
    createdBy: new Types.ObjectId(userId),
    createdAt: clock.now(),
  };
  await SupervisionVisit.create(doc);
  return toView(doc);
}

export async function listVisits(filter: { county?: string; period?: Period }): Promise<VisitView[]> {
  const q: Record<string, unknown> = {};
  if (filter.county) q.county = filter.county;
  if (filter.period) q.date = { $gte: filter.period.start, $lt: filter.period.end };
  return (await SupervisionVisit.find(q).sort({ date: -1 }).limit(500).lean<SupervisionVisitDoc[]>()).map(toView);
}

/** Another source of townships reached (the supervision module's inspection rounds), as "county|township" keys. */
export type TownshipsReachedProvider = (period: Period, counties: string[]) => Promise<Set<string>>;
let extraReached: TownshipsReachedProvider | null = null;

/** Called by the supervision module at start; a second registration replaces the first. */
export function registerTownshipsReachedProvider(next: TownshipsReachedProvider | null): void {
  extraReached = next;
}

/** Townships (county|township) reached by a visit or an inspection round in the period, within the counties of a place. */
export async function townshipsReached(period: Period, counties: string[]): Promise<Set<string>> {
  const [visited, inspected] = await Promise.all([visitedTownships(period, counties), extraReached ? extraReached(period, counties) : new Set<string>()]);
  return new Set([...visited, ...inspected]);
}

async function visitedTownships(period: Period, counties: string[]): Promise<Set<string>> {
  const county = { $in: counties };
  const rows = await SupervisionVisit.aggregate<{ _id: { c: string; t: string } }>([
    { $match: { county, date: { $gte: period.start, $lt: period.end } } },
    { $unwind: '$townships' },
    { $group: { _id: { c: '$county', t: '$townships' } } },
  ]);
  return new Set(rows.map((r) => `${r._id.c}|${r._id.t}`));
}

export async function deleteVisit(id: string): Promise<boolean> {
  return (await SupervisionVisit.deleteOne({ _id: new Types.ObjectId(id) })).deletedCount === 1;
}
