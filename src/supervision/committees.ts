/**
 * 委室分片联县: which committee (with its member users) supervises which counties. A county has one supervising
 * committee at a time; handing it to another closes the first assignment on that day, so the history keeps who
 * supervised it when.
 */
import { Types } from 'mongoose';
import { z } from 'zod';
import { ConflictError, NotFoundError, ValidationError, type FieldProblem } from '../errors';
import { activeUserRole, staffDirectory } from '../auth/service';
import { townshipsWithGroups } from '../content/roster';
import { Committee, InspectionRound, type CommitteeDoc } from './models';
import type { Actor, SupervisionContext } from './context';

const name = z.string().trim().min(1, '必填').max(100);
const county = z.string().trim().min(1, '必填').max(50);
const day = z.iso.date().transform((d) => new Date(`${d}T00:00:00+08:00`));

export const committeeBody = z
  .object({
    name,
    memberIds: z.array(z.string().regex(/^[0-9a-f]{24}$/i, '用户编号有误')).max(50).default([]),
    counties: z.array(county).max(50).default([]),
    /** Since when it supervises them (a Beijing date; default today): a committee recorded late keeps its real start. */
    effectiveFrom: day.optional(),
  })
  .strict();
export const committeePatch = z
  .object({
    version: z.number().int().min(1),
    name: name.optional(),
    memberIds: z.array(z.string().regex(/^[0-9a-f]{24}$/i, '用户编号有误')).max(50).optional(),
    /** The counties it supervises from `effectiveFrom` (a Beijing date; default today). */
    counties: z.array(county).max(50).optional(),
    effectiveFrom: day.optional(),
    /** Take counties another committee holds (their assignment ends that day). */
    transfer: z.boolean().default(false),
  })
  .strict();

export interface CommitteeView {
  id: string;
  name: string;
  members: Array<{ userId: string; displayName: string }>;
  counties: string[];
  history: Array<{ county: string; from: Date; to: Date | null }>;
  version: number;
  updatedAt: Date;
}

export const committeeView = (c: CommitteeDoc): CommitteeView => ({
  id: String(c._id),
  name: c.name,
  members: c.members.map((m) => ({ userId: String(m.userId), displayName: m.displayName })),
  counties: c.assignments.filter((a) => !a.to).map((a) => a.county),
  history: [...c.assignments].sort((a, b) => b.from.getTime() - a.from.getTime()).map((a) => ({ county: a.county, from: a.from, to: a.to })),
  version: c.version,
  updatedAt: c.updatedAt,
});

async function membersOf(ids: string[]): Promise<CommitteeDoc['members']> {
  const problems: FieldProblem[] = [];
  const roles = await Promise.all(ids.map((id) => activeUserRole(id)));
  roles.forEach((role, i) => {
    if (!role) problems.push({ field: `body.memberIds.${i}`, message: '用户不存在或已停用' });
    else if (role !== 'supervisor' && role !== 'admin') problems.push({ field: `body.memberIds.${i}`, message: '委室成员须为“督导考评”角色的用户' });
  });
  if (new Set(ids).size !== ids.length) problems.push({ field: 'body.memberIds', message: '成员重复' });
  if (problems.length) throw new ValidationError('委室成员有误', problems);
  const names = new Map((await staffDirectory()).map((u) => [u.id, u.displayName]));
  return ids.map((id) => ({ userId: new Types.ObjectId(id), displayName: names.get(id) ?? id }));
}

async function checkCounties(counties: string[]): Promise<void> {
  const problems: FieldProblem[] = [];
  for (const [i, c] of counties.entries()) {
    if (!(await townshipsWithGroups({ level: 'county', name: c })).length) problems.push({ field: `body.counties.${i}`, message: `“${c}”没有代表小组` });
  }
  if (new Set(counties).size !== counties.length) problems.push({ field: 'body.counties', message: '县（市、区）重复' });
  if (problems.length) throw new ValidationError('分片联系的县（市、区）有误', problems);
}

/** Counties another committee currently holds, by name of that committee. */
async function heldElsewhere(counties: string[], except?: Types.ObjectId): Promise<Map<string, CommitteeDoc>> {
  const others = await Committee.find({ _id: { $ne: except ?? new Types.ObjectId() }, assignments: { $elemMatch: { county: { $in: counties }, to: null } } }).lean<CommitteeDoc[]>();
  const out = new Map<string, CommitteeDoc>();
  for (const o of others) for (const a of o.assignments) if (!a.to && counties.includes(a.county)) out.set(a.county, o);
  return out;
}

async function releaseFromOthers(held: Map<string, CommitteeDoc>, at: Date): Promise<void> {
  for (const [c, other] of held) {
    await Committee.updateOne(
      { _id: other._id },
      { $set: { 'assignments.$[a].to': at, updatedAt: at }, $inc: { version: 1 } },
      { arrayFilters: [{ 'a.county': c, 'a.to': null }] },
    );
  }
}

function conflictOf(held: Map<string, CommitteeDoc>): ConflictError {
  const list = [...held].map(([c, o]) => ({ county: c, committeeId: String(o._id), committee: o.name }));
  return new ConflictError(`${list.map((l) => `${l.county}由${l.committee}联系`).join('；')}；如需调整请选择“移交”`, 'county_assigned', list);
}

export async function createCommittee(ctx: SupervisionContext, input: z.infer<typeof committeeBody>, actor: Actor): Promise<CommitteeView> {
  const now = ctx.clock.now();
  const members = await membersOf(input.memberIds);
  await checkCounties(input.counties);
  if (await Committee.exists({ name: input.name })) throw new ConflictError('已有同名委室', 'duplicate_committee');
  const held = await heldElsewhere(input.counties);
  if (held.size) throw conflictOf(held);
  const doc: CommitteeDoc = {
    _id: new Types.ObjectId(),
    name: input.name,
    members,
    assignments: input.counties.map((c) => ({ county: c, from: input.effectiveFrom ?? now, to: null, by: new Types.ObjectId(actor.id) })),
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  try {
    await Committee.create(doc);
  } catch (err) {
    if ((err as { code?: number }).code === 11000) throw new ConflictError('已有同名委室', 'duplicate_committee');
    throw err;
  }
  return committeeView(doc);
}

export async function findCommittee(id: string): Promise<CommitteeDoc> {
  const c = await Committee.findById(new Types.ObjectId(id)).lean<CommitteeDoc>();
  if (!c) throw new NotFoundError('委室不存在');
  return c;
}

export async function updateCommittee(ctx: SupervisionContext, id: string, input: z.infer<typeof committeePatch>, actor: Actor): Promise<CommitteeView> {
  const c = await findCommittee(id);
  if (c.version !== input.version) throw new ConflictError('该委室已被他人修改，请刷新后再试', 'version_conflict', { version: c.version });
  const now = ctx.clock.now();
  const at = input.effectiveFrom ?? now;
  if (at.getTime() > now.getTime() + 366 * 86_400_000) throw new ValidationError('生效日期有误', [{ field: 'body.effectiveFrom', message: '生效日期不能晚于一年之后' }]);
  const set: Partial<CommitteeDoc> = { updatedAt: now };
  if (input.name && input.name !== c.name) {
    if (await Committee.exists({ name: input.name, _id: { $ne: c._id } })) throw new ConflictError('已有同名委室', 'duplicate_committee');
    set.name = input.name;
  }
  if (input.memberIds) set.members = await membersOf(input.memberIds);
  if (input.counties) {
    await checkCounties(input.counties);
    const current = c.assignments.filter((a) => !a.to).map((a) => a.county);
    const added = input.counties.filter((x) => !current.includes(x));
    const held = await heldElsewhere(added, c._id);
    if (held.size && !input.transfer) throw conflictOf(held);
    await releaseFromOthers(held, at);
    set.assignments = [
      ...c.assignments.map((a) => (!a.to && !input.counties!.includes(a.county) ? { ...a, to: at } : a)),
      ...added.map((county) => ({ county, from: at, to: null, by: new Types.ObjectId(actor.id) })),
    ];
  }
  const res = await Committee.findOneAndUpdate({ _id: c._id, version: c.version }, { $set: set, $inc: { version: 1 } }, { returnDocument: 'after' }).lean<CommitteeDoc>();
  if (!res) throw new ConflictError('该委室已被他人修改，请刷新后再试', 'version_conflict');
  return committeeView(res);
}

export async function listCommittees(): Promise<CommitteeView[]> {
  return (await Committee.find({}).sort({ name: 1 }).lean<CommitteeDoc[]>()).map(committeeView);
}

/** The committee supervising a county on a date (from the history), or null. */
export async function committeeOf(countyName: string, at: Date): Promise<CommitteeDoc | null> {
  const all = await Committee.find({ 'assignments.county': countyName }).lean<CommitteeDoc[]>();
  return all.find((c) => c.assignments.some((a) => a.county === countyName && a.from.getTime() <= at.getTime() && (!a.to || a.to.getTime() > at.getTime()))) ?? null;
}

export async function deleteCommittee(id: string): Promise<void> {
  const c = await findCommittee(id);
  if (await InspectionRound.exists({ committeeId: c._id })) throw new ConflictError('该委室已有督查记录，不能删除；可将其联系的县移交其他委室', 'committee_in_use');
  await Committee.deleteOne({ _id: c._id });
}
