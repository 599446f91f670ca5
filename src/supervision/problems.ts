/**
 * The problem list of an inspection round and its rectification: 立行立改 (fix on the spot) → 整改中 → 已整改,
 * each step with evidence (text and photos from the media library) and who did it when; 回头看 (revisit) either
 * confirms a rectification or reopens it with a new deadline. A problem is rectified on time when its first
 * rectification is on or before the deadline's Beijing day.
 */
import { Types } from 'mongoose';
import { z } from 'zod';
import { ConflictError, NotFoundError, ValidationError, type FieldProblem } from '../errors';
import { groupRosters, townshipsWithGroups } from '../content/roster';
import { loadImages } from '../content/public-mappers';
import { parsePeriod, PERIOD_PATTERN } from '../calendar/periods';
import { pagination } from '../http/schemas';
import { InspectionRound, Problem, ProblemCategory, PROBLEM_STATES, PROBLEM_STATE_LABELS, type ProblemDoc, type ProblemState } from './models';
import { findRound } from './rounds';
import type { Actor, SupervisionContext } from './context';

const objectId = z.string().regex(/^[0-9a-f]{24}$/i, '编号有误');
/** A deadline is a Beijing day: the problem may be rectified until its end. */
const deadline = z.iso.date().transform((d) => new Date(`${d}T23:59:59.999+08:00`));
const photos = z.array(objectId).max(20).default([]);

export const problemBody = z
  .object({
    categoryId: z.string().trim().min(1, '必填').max(40),
    township: z.string().trim().min(1).max(50).optional(),
    groupId: objectId.optional(),
    description: z.string().trim().min(1, '必填').max(2000),
    deadline,
    state: z.enum(['immediate', 'rectifying']).default('rectifying'),
  })
  .strict();
export const problemPatch = z
  .object({
    version: z.number().int().min(1),
    categoryId: z.string().trim().min(1).max(40).optional(),
    description: z.string().trim().min(1).max(2000).optional(),
    deadline: deadline.optional(),
  })
  .strict();
export const progressBody = z
  .object({
    version: z.number().int().min(1),
    /** The state after this step; the same state adds evidence only. */
    state: z.enum(PROBLEM_STATES),
    text: z.string().trim().min(1, '请写明整改情况').max(5000),
    photoMediaIds: photos,
  })
  .strict();
export const revisitBody = z
  .object({
    version: z.number().int().min(1),
    result: z.enum(['confirmed', 'reopened']),
    note: z.string().trim().min(1, '请写明回头看情况').max(5000),
    /** Required when reopened. */
    deadline: deadline.optional(),
    roundId: objectId.optional(),
  })
  .strict();
export const problemQuery = z
  .object({
    county: z.string().trim().min(1).max(50).optional(),
    state: z.enum(PROBLEM_STATES).optional(),
    categoryId: z.string().trim().min(1).max(40).optional(),
    roundId: objectId.optional(),
    /** Problems found in this period. */
    period: z.string().regex(PERIOD_PATTERN, '期间：2030、2030-H1、2030-Q2 或 2030-06').optional(),
    overdue: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
    ...pagination,
  })
  .strict();

export interface ProblemView {
  id: string;
  roundId: string;
  categoryId: string;
  categoryLabel: string;
  county: string;
  township: string | null;
  groupId: string | null;
  groupName: string | null;
  description: string;
  deadline: Date;
  state: ProblemState;
  stateLabel: string;
  overdue: boolean;
  foundAt: Date;
  rectifiedAt: Date | null;
  rectifiedOnTime: boolean | null;
  evidence: Array<{ at: Date; text: string; photos: Array<{ id: string; url: string | null }>; byName: string }>;
  revisits: Array<{ at: Date; result: 'confirmed' | 'reopened'; note: string; byName: string; roundId: string | null }>;
  history: Array<{ at: Date; from: ProblemState | null; to: ProblemState; byName: string; note: string }>;
  version: number;
}

const ALLOWED: Record<ProblemState, ProblemState[]> = {
  immediate: ['immediate', 'rectifying', 'rectified'],
  rectifying: ['rectifying', 'rectified'],
  rectified: [],
};

export const rectifiedOnTime = (p: Pick<ProblemDoc, 'rectifiedAt' | 'deadline' | 'history'>): boolean | null => {
  const first = p.history.find((h) => h.to === 'rectified')?.at ?? p.rectifiedAt;
  return first ? first.getTime() <= p.deadline.getTime() : null;
};

async function views(ctx: SupervisionContext, docs: ProblemDoc[]): Promise<ProblemView[]> {
  const labels = new Map((await ProblemCategory.find({}).select('label').lean()).map((c) => [c._id, c.label]));
  const images = await loadImages(docs.flatMap((d) => d.evidence.flatMap((e) => e.photoMediaIds)));
  const now = ctx.clock.now().getTime();
  return docs.map((p) => ({
    id: String(p._id),
    roundId: String(p.roundId),
    categoryId: p.categoryId,
    categoryLabel: labels.get(p.categoryId) ?? p.categoryId,
    county: p.county,
    township: p.township,
    groupId: p.groupId ? String(p.groupId) : null,
    groupName: p.groupName,
    description: p.description,
    deadline: p.deadline,
    state: p.state,
    stateLabel: PROBLEM_STATE_LABELS[p.state],
    overdue: p.state !== 'rectified' && p.deadline.getTime() < now,
    foundAt: p.foundAt,
    rectifiedAt: p.rectifiedAt,
    rectifiedOnTime: rectifiedOnTime(p),
    evidence: p.evidence.map((e) => ({ at: e.at, text: e.text, byName: e.byName, photos: e.photoMediaIds.map((id) => ({ id: String(id), url: images.get(String(id))?.list ?? null })) })),
    revisits: p.revisits.map((r) => ({ at: r.at, result: r.result, note: r.note, byName: r.byName, roundId: r.roundId ? String(r.roundId) : null })),
    history: p.history.map((h) => ({ at: h.at, from: h.from, to: h.to, byName: h.byName, note: h.note })),
    version: p.version,
  }));
}

async function checkCategory(id: string, field: string): Promise<void> {
  const c = await ProblemCategory.findById(id).lean();
  if (!c || !c.active) throw new ValidationError('问题类别不存在或已停用', [{ field, message: '请选择在用的问题类别' }]);
}

export async function addProblem(ctx: SupervisionContext, roundId: string, input: z.infer<typeof problemBody>, actor: Actor): Promise<ProblemView> {
  const round = await findRound(roundId);
  const problems: FieldProblem[] = [];
  await checkCategory(input.categoryId, 'body.categoryId');
  let groupName: string | null = null;
  let township = input.township ?? null;
  if (township) {
    const known = new Set((await townshipsWithGroups({ level: 'county', name: round.county })).map((t) => t.township));
    if (!known.has(township)) problems.push({ field: 'body.township', message: `“${township}”不是${round.county}有代表小组的乡镇` });
  }
  if (input.groupId) {
    const [g] = await groupRosters({ ids: [input.groupId] });
    if (!g || g.region.county !== round.county) problems.push({ field: 'body.groupId', message: `${round.county}没有该代表小组` });
    else if (township && g.region.township !== township) problems.push({ field: 'body.groupId', message: `该代表小组不在${township}` });
    else {
      groupName = g.name;
      township = g.region.township ?? township;
    }
  }
  if (input.deadline.getTime() < round.date.getTime()) problems.push({ field: 'body.deadline', message: '整改时限不能早于督查日期' });
  if (problems.length) throw new ValidationError('问题记录有误', problems);
  const now = ctx.clock.now();
  const by = new Types.ObjectId(actor.id);
  const doc: ProblemDoc = {
    _id: new Types.ObjectId(),
    roundId: round._id,
    categoryId: input.categoryId,
    county: round.county,
    township,
    groupId: input.groupId ? new Types.ObjectId(input.groupId) : null,
    groupName,
    description: input.description,
    deadline: input.deadline,
    state: input.state,
    foundAt: round.date,
    rectifiedAt: null,
    evidence: [],
    revisits: [],
    history: [{ at: now, from: null, to: input.state, by, byName: actor.displayName, note: '督查发现' }],
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  await Problem.create(doc);
  return (await views(ctx, [doc]))[0];
}

export async function findProblem(id: string): Promise<ProblemDoc> {
  const p = await Problem.findById(new Types.ObjectId(id)).lean<ProblemDoc>();
  if (!p) throw new NotFoundError('问题不存在');
  return p;
}

export async function getProblem(ctx: SupervisionContext, id: string): Promise<ProblemView> {
  return (await views(ctx, [await findProblem(id)]))[0];
}

function checkVersion(p: ProblemDoc, version: number): void {
  if (p.version !== version) throw new ConflictError('该问题已被他人修改，请刷新后再试', 'version_conflict', { version: p.version });
}

async function save(ctx: SupervisionContext, p: ProblemDoc, update: Record<string, unknown>): Promise<ProblemView> {
  const res = await Problem.findOneAndUpdate({ _id: p._id, version: p.version }, { ...update, $inc: { version: 1 } }, { returnDocument: 'after' }).lean<ProblemDoc>();
  if (!res) throw new ConflictError('该问题已被他人修改，请刷新后再试', 'version_conflict');
  return (await views(ctx, [res]))[0];
}

export async function updateProblem(ctx: SupervisionContext, id: string, input: z.infer<typeof problemPatch>): Promise<ProblemView> {
  const p = await findProblem(id);
  checkVersion(p, input.version);
  if (input.categoryId) await checkCategory(input.categoryId, 'body.categoryId');
  if (input.deadline && input.deadline.getTime() < p.foundAt.getTime()) throw new ValidationError('整改时限有误', [{ field: 'body.deadline', message: '整改时限不能早于督查日期' }]);
  const { version: _v, ...set } = input;
  return save(ctx, p, { $set: { ...set, updatedAt: ctx.clock.now() } });
}

export async function recordProgress(ctx: SupervisionContext, id: string, input: z.infer<typeof progressBody>, actor: Actor): Promise<ProblemView> {
  const p = await findProblem(id);
  checkVersion(p, input.version);
  if (!ALLOWED[p.state].includes(input.state)) {
    throw new ConflictError(`问题${PROBLEM_STATE_LABELS[p.state]}，不能改为${PROBLEM_STATE_LABELS[input.state]}${p.state === 'rectified' ? '（如需重新整改，请通过“回头看”重新打开）' : ''}`, 'invalid_transition');
  }
  const found = await loadImages(input.photoMediaIds.map((x) => new Types.ObjectId(x)));
  const missing = input.photoMediaIds.map((x, i) => (found.has(x) ? null : { field: `body.photoMediaIds.${i}`, message: '未找到该图片' })).filter((x) => !!x);
  if (missing.length) throw new ValidationError('整改照片不存在', missing);
  const now = ctx.clock.now();
  const by = new Types.ObjectId(actor.id);
  const evidence = { at: now, text: input.text, photoMediaIds: input.photoMediaIds.map((x) => new Types.ObjectId(x)), by, byName: actor.displayName };
  const update: Record<string, unknown> = { $push: { evidence }, $set: { updatedAt: now, state: input.state } };
  if (input.state !== p.state) {
    (update.$push as Record<string, unknown>).history = { at: now, from: p.state, to: input.state, by, byName: actor.displayName, note: input.text.slice(0, 200) };
    if (input.state === 'rectified') (update.$set as Record<string, unknown>).rectifiedAt = now;
  }
  return save(ctx, p, update);
}

export async function recordRevisit(ctx: SupervisionContext, id: string, input: z.infer<typeof revisitBody>, actor: Actor): Promise<ProblemView> {
  const p = await findProblem(id);
  checkVersion(p, input.version);
  if (p.state !== 'rectified') throw new ConflictError('只有已整改的问题才能回头看', 'not_rectified');
  const problems: FieldProblem[] = [];
  if (input.result === 'reopened' && !input.deadline) problems.push({ field: 'body.deadline', message: '重新整改须定新的整改时限' });
  const now = ctx.clock.now();
  if (input.deadline && input.deadline.getTime() < now.getTime()) problems.push({ field: 'body.deadline', message: '新的整改时限不能早于今天' });
  if (input.roundId) {
    const r = await InspectionRound.findById(new Types.ObjectId(input.roundId)).select('county kind').lean();
    if (!r || r.county !== p.county) problems.push({ field: 'body.roundId', message: '回头看记录不存在或不是该县的' });
  }
  if (problems.length) throw new ValidationError('回头看记录有误', problems);
  const by = new Types.ObjectId(actor.id);
  const revisit = { at: now, roundId: input.roundId ? new Types.ObjectId(input.roundId) : null, result: input.result, note: input.note, by, byName: actor.displayName };
  if (input.result === 'confirmed') return save(ctx, p, { $push: { revisits: revisit }, $set: { updatedAt: now } });
  return save(ctx, p, {
    $push: { revisits: revisit, history: { at: now, from: 'rectified', to: 'rectifying', by, byName: actor.displayName, note: `回头看：${input.note.slice(0, 180)}` } },
    $set: { state: 'rectifying', deadline: input.deadline, rectifiedAt: null, updatedAt: now },
  });
}

export async function listProblems(ctx: SupervisionContext, q: z.infer<typeof problemQuery>): Promise<{ items: ProblemView[]; page: number; pageSize: number; total: number }> {
  const filter: Record<string, unknown> = {};
  if (q.county) filter.county = q.county;
  if (q.state) filter.state = q.state;
  if (q.categoryId) filter.categoryId = q.categoryId;
  if (q.roundId) filter.roundId = new Types.ObjectId(q.roundId);
  if (q.period) {
    const p = parsePeriod(q.period)!;
    filter.foundAt = { $gte: p.start, $lt: p.end };
  }
  if (q.overdue !== undefined) {
    const now = ctx.clock.now();
    // An overdue problem is never rectified: asking for rectified and overdue finds none.
    if (q.overdue) Object.assign(filter, { state: q.state === 'rectified' ? { $in: [] } : (q.state ?? { $ne: 'rectified' }), deadline: { $lt: now } });
    else filter.$or = [{ state: 'rectified' }, { deadline: { $gte: now } }];
  }
  const [docs, total] = await Promise.all([
    Problem.find(filter).sort({ deadline: 1, _id: 1 }).skip((q.page - 1) * q.pageSize).limit(q.pageSize).lean<ProblemDoc[]>(),
    Problem.countDocuments(filter),
  ]);
  return { items: await views(ctx, docs), page: q.page, pageSize: q.pageSize, total };
}

export async function deleteProblem(id: string): Promise<void> {
  const p = await findProblem(id);
  if (p.evidence.length || p.revisits.length) throw new ConflictError('该问题已有整改记录，不能删除', 'problem_has_progress');
  await Problem.deleteOne({ _id: p._id });
}
