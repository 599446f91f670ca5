/**
 * The scoring scheme of a year (考评办法), as data: for each subject (deputy groups, deputies, counties and
 * townships) a list of indicators, each an input computed from the records with a weight (the weights of a
 * subject add up to 100) and, for counts, the target that earns full marks; and how many candidates each award
 * takes. A year's scheme is stored at its first use (a copy of the year before, or the defaults); a past year's
 * scheme cannot be changed, and results keep the scheme they were computed with, so past results never move.
 */
import mongoose, { Schema } from 'mongoose';
import { z } from 'zod';
import { ConflictError, ValidationError } from '../errors';

export const SUBJECTS = ['group', 'deputy', 'unit'] as const;
export type Subject = (typeof SUBJECTS)[number];

/** What each input is, per subject. Rates are 0–1; counts are scored against the indicator's target. */
export const INPUTS = {
  group: { attendanceRate: '代表出席率', activitiesHeld: '开展活动次数', suggestionsRaised: '提出意见建议件数', publicityItems: '宣传报道篇数（新闻、典型代表）' },
  deputy: { attendanceRate: '参加小组活动出席率', activitiesAttended: '参加小组活动次数', suggestionsRaised: '提出意见建议件数' },
  unit: { coverageRate: '“五个全覆盖”平均覆盖率', activitiesPerGroup: '平均每组活动次数', closureRate: '意见建议办结率', satisfactionRate: '意见建议满意率', rectifiedOnTimeRate: '督查问题按期整改率', publicityItems: '宣传报道篇数（新闻、典型代表）' },
} as const;
export type InputKey<S extends Subject> = keyof (typeof INPUTS)[S];
export const COUNT_INPUTS = new Set(['activitiesHeld', 'suggestionsRaised', 'activitiesAttended', 'activitiesPerGroup', 'publicityItems']);

export interface Indicator {
  input: string;
  label: string;
  weight: number;
  /** For counts: the value that earns the full weight (score = weight × min(value / target, 1)). */
  target: number | null;
}

export interface SchemeDoc {
  _id: number;
  year: number;
  indicators: Record<Subject, Indicator[]>;
  /** How many top-scoring candidates each award takes, and the least score a candidate needs. */
  candidates: { groups: number; deputies: number; units: number; minScore: number };
  updatedAt: Date;
}

const schemeSchema = new Schema<SchemeDoc>(
  { _id: Number, year: Number, indicators: Schema.Types.Mixed, candidates: Schema.Types.Mixed, updatedAt: Date },
  { versionKey: false, collection: 'evaluation_schemes', minimize: false },
);
export const Scheme = (mongoose.models.EvaluationScheme as mongoose.Model<SchemeDoc>) ?? mongoose.model<SchemeDoc>('EvaluationScheme', schemeSchema);

const ind = (subject: Subject, input: string, weight: number, target: number | null = null): Indicator => ({ input, label: (INPUTS[subject] as Record<string, string>)[input], weight, target });

export const DEFAULT_INDICATORS: Record<Subject, Indicator[]> = {
  group: [ind('group', 'attendanceRate', 40), ind('group', 'activitiesHeld', 40, 12), ind('group', 'suggestionsRaised', 20, 20)],
  deputy: [ind('deputy', 'attendanceRate', 50), ind('deputy', 'activitiesAttended', 30, 10), ind('deputy', 'suggestionsRaised', 20, 4)],
  unit: [ind('unit', 'coverageRate', 40), ind('unit', 'activitiesPerGroup', 15, 12), ind('unit', 'closureRate', 15), ind('unit', 'satisfactionRate', 10), ind('unit', 'rectifiedOnTimeRate', 20)],
};
export const DEFAULT_CANDIDATES = { groups: 10, deputies: 30, units: 3, minScore: 80 };

const indicatorInput = z.object({ input: z.string(), weight: z.number().min(0).max(100), target: z.number().positive().max(10_000).nullable().optional() }).strict();
export const schemeBody = z
  .object({
    indicators: z.object({ group: z.array(indicatorInput).min(1).max(10), deputy: z.array(indicatorInput).min(1).max(10), unit: z.array(indicatorInput).min(1).max(10) }).strict(),
    candidates: z.object({ groups: z.number().int().min(0).max(500), deputies: z.number().int().min(0).max(2000), units: z.number().int().min(0).max(100), minScore: z.number().min(0).max(100) }).strict(),
  })
  .strict();

export function validateScheme(input: z.infer<typeof schemeBody>): Record<Subject, Indicator[]> {
  const problems: Array<{ field: string; message: string }> = [];
  const out = {} as Record<Subject, Indicator[]>;
  for (const subject of SUBJECTS) {
    const list = input.indicators[subject];
    const known = INPUTS[subject] as Record<string, string>;
    list.forEach((x, i) => {
      if (!known[x.input]) problems.push({ field: `body.indicators.${subject}.${i}.input`, message: `可选：${Object.keys(known).join('、')}` });
      if (COUNT_INPUTS.has(x.input) && !x.target) problems.push({ field: `body.indicators.${subject}.${i}.target`, message: '次数、件数类指标须设满分目标值' });
    });
    if (new Set(list.map((x) => x.input)).size !== list.length) problems.push({ field: `body.indicators.${subject}`, message: '指标重复' });
    const sum = list.reduce((s, x) => s + x.weight, 0);
    if (Math.abs(sum - 100) > 1e-9) problems.push({ field: `body.indicators.${subject}`, message: `权重合计须为100（现为${sum}）` });
    out[subject] = list.map((x) => ({ input: x.input, label: known[x.input] ?? x.input, weight: x.weight, target: COUNT_INPUTS.has(x.input) ? (x.target ?? null) : null }));
  }
  if (problems.length) throw new ValidationError('考评办法有误', problems);
  return out;
}

/** The scheme of a year, stored at first use from the year before (or the defaults). */
export async function schemeOf(year: number, now: Date): Promise<SchemeDoc> {
  const found = await Scheme.findById(year).lean<SchemeDoc>();
  if (found) return found;
  const before = await Scheme.findOne({ _id: { $lt: year } }).sort({ _id: -1 }).lean<SchemeDoc>();
  const doc = { year, indicators: before?.indicators ?? DEFAULT_INDICATORS, candidates: before?.candidates ?? DEFAULT_CANDIDATES, updatedAt: now };
  await Scheme.updateOne({ _id: year }, { $setOnInsert: doc }, { upsert: true }).catch((err) => {
    if ((err as { code?: number }).code !== 11000) throw err;
  });
  return (await Scheme.findById(year).lean<SchemeDoc>())!;
}

export async function setScheme(year: number, currentYear: number, input: z.infer<typeof schemeBody>, now: Date): Promise<SchemeDoc> {
  if (year < currentYear) throw new ConflictError('往年的考评办法不能修改', 'past_year');
  const indicators = validateScheme(input);
  await Scheme.updateOne({ _id: year }, { $set: { year, indicators, candidates: input.candidates, updatedAt: now } }, { upsert: true });
  return (await Scheme.findById(year).lean<SchemeDoc>())!;
}
