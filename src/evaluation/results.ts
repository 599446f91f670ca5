/**
 * Stored results of a year: computed on demand from the records under the year's scheme (a snapshot of it is kept
 * with them), with the manual adjustments, which survive recomputation. One document per year.
 */
import mongoose, { Schema } from 'mongoose';
import { z } from 'zod';
import { NotFoundError, ValidationError } from '../errors';
import type { Config } from '../config';
import type { Clock } from '../clock';
import { schemeOf, SUBJECTS, type SchemeDoc, type Subject } from './scheme';
import { computeScores, rankByLevel, type Adjustment, type ScoreRow } from './compute';

export interface ResultDoc {
  _id: number;
  year: number;
  scheme: SchemeDoc;
  computedAt: Date;
  computedByName: string;
  results: Record<Subject, ScoreRow[]>;
  adjustments: Adjustment[];
}

const resultSchema = new Schema<ResultDoc>(
  { _id: Number, year: Number, scheme: Schema.Types.Mixed, computedAt: Date, computedByName: String, results: Schema.Types.Mixed, adjustments: Schema.Types.Mixed },
  { versionKey: false, collection: 'evaluation_results', minimize: false },
);
export const EvaluationResult = (mongoose.models.EvaluationResult as mongoose.Model<ResultDoc>) ?? mongoose.model<ResultDoc>('EvaluationResult', resultSchema);

export const AWARDS: Record<Subject, string> = { group: '先进代表小组', deputy: '代表履职先进个人', unit: '县乡人大工作先进单位' };

export async function computeYear(config: Config, clock: Clock, year: number, byName: string): Promise<ResultDoc> {
  const scheme = await schemeOf(year, clock.now());
  const existing = await EvaluationResult.findById(year).lean<ResultDoc>();
  const adjustments = existing?.adjustments ?? [];
  const results = await computeScores(config, scheme, adjustments);
  const doc = { year, scheme, computedAt: clock.now(), computedByName: byName, results, adjustments };
  await EvaluationResult.updateOne({ _id: year }, { $set: doc }, { upsert: true });
  return { _id: year, ...doc };
}

export async function findResults(year: number): Promise<ResultDoc> {
  const r = await EvaluationResult.findById(year).lean<ResultDoc>();
  if (!r) throw new NotFoundError(`${year}年的考评结果尚未计算`);
  return r;
}

export const adjustmentBody = z
  .object({
    subject: z.enum(SUBJECTS),
    id: z.string().trim().min(1).max(60),
    /** Points added (or taken off with a negative number); 0 removes the adjustment. */
    points: z.number().min(-30).max(30),
    reason: z.string().trim().min(1, '调整分数须写明理由').max(500),
  })
  .strict();

export async function adjust(year: number, input: z.infer<typeof adjustmentBody>, user: { id: string; displayName: string }, now: Date): Promise<ScoreRow> {
  const r = await findResults(year);
  const rows = r.results[input.subject];
  if (!rows.some((x) => x.id === input.id)) throw new ValidationError('考评对象不存在', [{ field: 'body.id', message: '该对象不在本年度考评结果中' }]);
  const others = r.adjustments.filter((a) => !(a.subject === input.subject && a.id === input.id));
  const adjustments = input.points === 0 ? others : [...others, { ...input, by: user.id, byName: user.displayName, at: now }];
  const take = { group: r.scheme.candidates.groups, deputy: r.scheme.candidates.deputies, unit: r.scheme.candidates.units }[input.subject];
  const reranked = rankByLevel(rows, adjustments.filter((a) => a.subject === input.subject), take, r.scheme.candidates.minScore);
  await EvaluationResult.updateOne({ _id: year }, { $set: { adjustments, [`results.${input.subject}`]: reranked } });
  return reranked.find((x) => x.id === input.id)!;
}
