/**
 * Inspection rounds (每季一督查, and 回头看 revisits): a committee visits a county on a date and reaches some of its
 * townships. The committee defaults to the one supervising the county that day. Townships reached here count for
 * the coverage's "supervision covers every township" (registered with the coverage module).
 */
import { Types } from 'mongoose';
import { z } from 'zod';
import { ConflictError, NotFoundError, ValidationError, type FieldProblem } from '../errors';
import { townshipsWithGroups } from '../content/roster';
import { parsePeriod, periodContaining, PERIOD_PATTERN, type Period } from '../calendar/periods';
import { committeeOf, findCommittee } from './committees';
import { InspectionRound, Problem, ROUND_KINDS, type InspectionRoundDoc } from './models';
import type { Actor, SupervisionContext } from './context';

const day = z.union([z.iso.datetime({ offset: true }).transform((s) => new Date(s)), z.iso.date().transform((d) => new Date(`${d}T00:00:00+08:00`))]);
const townships = z.array(z.string().trim().min(1).max(50)).min(1, '至少一个乡镇').max(100);

export const roundBody = z
  .object({
    kind: z.enum(ROUND_KINDS).default('inspection'),
    county: z.string().trim().min(1, '必填').max(50),
    date: day,
    townships,
    /** Default: the quarter containing the date. */
    period: z.string().regex(PERIOD_PATTERN, '期间：2030、2030-H1、2030-Q2 或 2030-06').optional(),
    committeeId: z.string().regex(/^[0-9a-f]{24}$/i, '编号有误').optional(),
    note: z.string().trim().max(5000).default(''),
  })
  .strict();
export const roundPatch = z.object({ version: z.number().int().min(1), date: day.optional(), townships: townships.optional(), note: z.string().trim().max(5000).optional() }).strict();
export const roundQuery = z
  .object({
    county: z.string().trim().min(1).max(50).optional(),
    period: z.string().regex(PERIOD_PATTERN, '期间：2030、2030-H1、2030-Q2 或 2030-06').optional(),
    kind: z.enum(ROUND_KINDS).optional(),
    committeeId: z.string().regex(/^[0-9a-f]{24}$/i).optional(),
  })
  .strict();

export interface RoundView {
  id: string;
  kind: InspectionRoundDoc['kind'];
  period: string;
  committeeId: string;
  committeeName: string;
  county: string;
  date: Date;
  townships: string[];
  note: string;
  version: number;
  problemCount?: number;
}

export const roundView = (r: InspectionRoundDoc): RoundView => ({
  id: String(r._id),
  kind: r.kind,
  period: r.period,
  committeeId: String(r.committeeId),
  committeeName: r.committeeName,
  county: r.county,
  date: r.date,
  townships: r.townships,
  note: r.note,
  version: r.version,
});

async function checkPlace(ctx: SupervisionContext, county: string, date: Date, names: string[]): Promise<void> {
  const problems: FieldProblem[] = [];
  if (date.getTime() > ctx.clock.now().getTime()) problems.push({ field: 'body.date', message: '督查日期不能在将来' });
  const known = new Set((await townshipsWithGroups({ level: 'county', name: county })).map((t) => t.township));
  if (!known.size) problems.push({ field: 'body.county', message: '该县（市、区）没有代表小组' });
  else names.forEach((t, i) => !known.has(t) && problems.push({ field: `body.townships.${i}`, message: `“${t}”不是${county}有代表小组的乡镇` }));
  if (new Set(names).size !== names.length) problems.push({ field: 'body.townships', message: '乡镇重复' });
  if (problems.length) throw new ValidationError('督查记录有误', problems);
}

export async function createRound(ctx: SupervisionContext, input: z.infer<typeof roundBody>, actor: Actor): Promise<RoundView> {
  await checkPlace(ctx, input.county, input.date, input.townships);
  const committee = input.committeeId ? await findCommittee(input.committeeId).catch(() => null) : await committeeOf(input.county, input.date);
  if (!committee) {
    throw new ValidationError('没有找到督查的委室', [
      input.committeeId ? { field: 'body.committeeId', message: '委室不存在' } : { field: 'body.committeeId', message: `${input.county}在该日没有联系委室，请指定委室` },
    ]);
  }
  const period = input.period ?? periodContaining('quarter', input.date).key;
  const p = parsePeriod(period)!;
  if (input.date < p.start || input.date >= p.end) throw new ValidationError('督查日期不在所属期间内', [{ field: 'body.period', message: `${p.label}不包含督查日期` }]);
  const now = ctx.clock.now();
  const doc: InspectionRoundDoc = {
    _id: new Types.ObjectId(),
    kind: input.kind,
    period,
    committeeId: committee._id,
    committeeName: committee.name,
    county: input.county,
    date: input.date,
    townships: input.townships,
    note: input.note,
    createdBy: new Types.ObjectId(actor.id),
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  await InspectionRound.create(doc);
  return { ...roundView(doc), problemCount: 0 };
}

export async function findRound(id: string): Promise<InspectionRoundDoc> {
  const r = await InspectionRound.findById(new Types.ObjectId(id)).lean<InspectionRoundDoc>();
  if (!r) throw new NotFoundError('督查记录不存在');
  return r;
}

export async function updateRound(ctx: SupervisionContext, id: string, input: z.infer<typeof roundPatch>): Promise<RoundView> {
  const r = await findRound(id);
  if (r.version !== input.version) throw new ConflictError('该督查记录已被他人修改，请刷新后再试', 'version_conflict', { version: r.version });
  const date = input.date ?? r.date;
  await checkPlace(ctx, r.county, date, input.townships ?? r.townships);
  const p = parsePeriod(r.period)!;
  if (date < p.start || date >= p.end) throw new ValidationError('督查日期不在所属期间内', [{ field: 'body.date', message: `${p.label}不包含该日期` }]);
  const set = { ...input, date, updatedAt: ctx.clock.now() } as Record<string, unknown>;
  delete set.version;
  const res = await InspectionRound.findOneAndUpdate({ _id: r._id, version: r.version }, { $set: set, $inc: { version: 1 } }, { returnDocument: 'after' }).lean<InspectionRoundDoc>();
  if (!res) throw new ConflictError('该督查记录已被他人修改，请刷新后再试', 'version_conflict');
  return roundView(res);
}

export async function listRounds(q: z.infer<typeof roundQuery>): Promise<RoundView[]> {
  const filter: Record<string, unknown> = {};
  if (q.county) filter.county = q.county;
  if (q.kind) filter.kind = q.kind;
  if (q.committeeId) filter.committeeId = new Types.ObjectId(q.committeeId);
  if (q.period) {
    const p = parsePeriod(q.period)!;
    filter.date = { $gte: p.start, $lt: p.end };
  }
  const rounds = await InspectionRound.find(filter).sort({ date: -1 }).limit(500).lean<InspectionRoundDoc[]>();
  const counts = await Problem.aggregate<{ _id: Types.ObjectId; n: number }>([{ $match: { roundId: { $in: rounds.map((r) => r._id) } } }, { $group: { _id: '$roundId', n: { $sum: 1 } } }]);
  const byRound = new Map(counts.map((c) => [String(c._id), c.n]));
  return rounds.map((r) => ({ ...roundView(r), problemCount: byRound.get(String(r._id)) ?? 0 }));
}

export async function deleteRound(id: string): Promise<void> {
  const r = await findRound(id);
  if (await Problem.exists({ roundId: r._id })) throw new ConflictError('该督查记录已登记问题，不能删除', 'round_has_problems');
  await InspectionRound.deleteOne({ _id: r._id });
}

/** Townships (county|township) reached by an inspection round in the period, within some counties. */
export async function townshipsInspected(period: Period, counties: string[]): Promise<Set<string>> {
  const rows = await InspectionRound.aggregate<{ _id: { c: string; t: string } }>([
    { $match: { county: { $in: counties }, date: { $gte: period.start, $lt: period.end } } },
    { $unwind: '$townships' },
    { $group: { _id: { c: '$county', t: '$townships' } } },
  ]);
  return new Set(rows.map((r) => `${r._id.c}|${r._id.t}`));
}
