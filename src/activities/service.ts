/**
 * Activity use cases: plan, record (directly or from a plan), correct, cancel, delete, read. Every input is
 * checked before anything is written (group, liaison's access, roll call against the roster, photos, dates,
 * duplicates); the activity and its attendance rows are then written together or not at all.
 */
import { Types } from 'mongoose';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { groupRosters, type RosterGroup } from '../content/roster';
import { loadImages } from '../content/public-mappers';
import { Activity, type ActivityDoc } from './models';
import { buildRollCall } from './roll-call';
import { syncAttendance } from './attendance-writer';
import { assertMayRecord, visibleGroups } from './access';
import { beijingDayStart } from '../calendar/beijing';
import { toAdminView, type AdminActivityView } from './views';
import type { Actor, ActivitiesContext } from './context';
import type { CreateBody, ListQuery, RecordBody, UpdateBody } from './schemas';

export async function loadGroup(groupId: string, field = 'body.groupId'): Promise<RosterGroup> {
  const [group] = await groupRosters({ ids: [groupId] });
  if (!group) throw new ValidationError('代表小组不存在', [{ field, message: '未找到该代表小组' }]);
  return group;
}

export async function findActivity(id: string): Promise<ActivityDoc> {
  const a = await Activity.findById(new Types.ObjectId(id)).lean<ActivityDoc>();
  if (!a) throw new NotFoundError('活动不存在');
  return a;
}

async function assertPhotosExist(ids: string[] | undefined): Promise<void> {
  if (!ids?.length) return;
  const found = await loadImages(ids.map((id) => new Types.ObjectId(id)));
  const problems = ids.map((id, i) => (found.has(id) ? null : { field: `body.photoMediaIds.${i}`, message: '未找到该图片' })).filter((p) => !!p);
  if (problems.length) throw new ValidationError('活动照片不存在', problems);
}

function assertTimes(ctx: ActivitiesContext, held: boolean, startsAt: Date, endsAt: Date | undefined | null): void {
  const now = ctx.clock.now();
  if (held && startsAt.getTime() > now.getTime()) {
    throw new ValidationError('活动时间在将来，不能记录为已开展', [{ field: 'body.startsAt', message: '未来的时间不能标记为已开展' }]);
  }
  if (!held && startsAt.getTime() <= now.getTime()) {
    throw new ValidationError('计划活动的时间必须在将来', [{ field: 'body.startsAt', message: '计划时间已过' }]);
  }
  if (endsAt && endsAt.getTime() < startsAt.getTime()) {
    throw new ValidationError('结束时间早于开始时间', [{ field: 'body.endsAt', message: '不能早于开始时间' }]);
  }
}

const slotKeyOf = (groupId: Types.ObjectId | string, startsAt: Date) => `${String(groupId)}|${startsAt.toISOString()}`;

/** Beijing-time day [start, end) containing an instant. */
function dayOf(at: Date): { start: Date; end: Date } {
  const start = beijingDayStart(at);
  return { start, end: new Date(start.getTime() + 86_400_000) };
}

/** The same group, the same start time — or the same day and subject — is the same activity recorded twice. */
async function assertNotDuplicate(groupId: Types.ObjectId, startsAt: Date, subject: string, except?: Types.ObjectId): Promise<void> {
  const day = dayOf(startsAt);
  const other = await Activity.findOne({
    groupId,
    status: { $ne: 'cancelled' },
    startsAt: { $gte: day.start, $lt: day.end },
    ...(except ? { _id: { $ne: except } } : {}),
  })
    .where({ $or: [{ startsAt }, { subject }] })
    .select('_id subject startsAt')
    .lean();
  if (other) {
    const field = other.startsAt.getTime() === startsAt.getTime() ? 'body.startsAt' : 'body.subject';
    throw new ConflictError('该小组已有同一活动的记录', 'duplicate_activity', [{ field, message: '与已有活动重复', activityId: String(other._id) }]);
  }
}

function isDuplicateKey(err: unknown): boolean {
  return (err as { code?: number }).code === 11000 || /E11000/.test(String((err as Error)?.message));
}

export async function createActivity(ctx: ActivitiesContext, input: CreateBody, actor: Actor): Promise<ActivityDoc> {
  const group = await loadGroup(input.groupId);
  assertMayRecord(actor, group.id);
  const held = input.status === 'held';
  assertTimes(ctx, held, input.startsAt, input.endsAt);
  const participants = buildRollCall(group, input.participants, held);
  await assertPhotosExist(input.photoMediaIds);
  const groupId = new Types.ObjectId(group.id);
  await assertNotDuplicate(groupId, input.startsAt, input.subject);
  const now = ctx.clock.now();
  const userId = new Types.ObjectId(actor.id);
  const doc: ActivityDoc = {
    _id: new Types.ObjectId(),
    groupId,
    groupName: group.name,
    region: { ...group.region },
    status: input.status,
    kind: input.kind,
    subject: input.subject,
    startsAt: input.startsAt,
    ...(input.endsAt ? { endsAt: input.endsAt } : {}),
    place: input.place ?? '',
    summary: input.summary ?? '',
    outcomes: input.outcomes ?? '',
    photoMediaIds: (input.photoMediaIds ?? []).map((id) => new Types.ObjectId(id)),
    householdsReached: input.householdsReached ?? 0,
    villagesReached: input.villagesReached ?? 0,
    participants,
    guests: input.guests ?? [],
    slotKey: slotKeyOf(groupId, input.startsAt),
    ...(held ? { heldRecordedAt: now } : {}),
    version: 1,
    createdBy: userId,
    updatedBy: userId,
    createdAt: now,
    updatedAt: now,
  };
  try {
    await Activity.create(doc);
  } catch (err) {
    if (isDuplicateKey(err)) throw new ConflictError('该小组已有同一活动的记录', 'duplicate_activity', [{ field: 'body.startsAt', message: '与已有活动重复' }]);
    throw err;
  }
  if (held) {
    try {
      await syncAttendance(doc._id, doc);
    } catch (err) {
      await Activity.deleteOne({ _id: doc._id });
      await syncAttendance(doc._id, null).catch(() => {});
      throw err;
    }
    announceGroupChange(ctx, doc);
  }
  return doc;
}

/** Applies an edit (or the recording of a plan) on top of `version`; 409 when someone else saved first. */
async function applyChange(ctx: ActivitiesContext, current: ActivityDoc, input: UpdateBody, actor: Actor, makeHeld: boolean): Promise<ActivityDoc> {
  assertMayRecord(actor, String(current.groupId));
  if (current.status === 'cancelled') throw new ConflictError('活动已取消，不能修改', 'activity_cancelled');
  if (current.version !== input.version) throw new ConflictError('活动已被他人修改，请刷新后再试', 'version_conflict', { currentVersion: current.version });
  const held = makeHeld || current.status === 'held';
  const startsAt = input.startsAt ?? current.startsAt;
  const endsAt = input.endsAt === null ? undefined : (input.endsAt ?? current.endsAt);
  if (input.startsAt || input.endsAt || makeHeld) assertTimes(ctx, held, startsAt, endsAt);
  const group = await loadGroup(String(current.groupId), 'groupId');
  const participants = input.participants
    ? buildRollCall(group, input.participants, held)
    : current.participants;
  await assertPhotosExist(input.photoMediaIds);
  const subject = input.subject ?? current.subject;
  if (input.startsAt || input.subject) await assertNotDuplicate(current.groupId, startsAt, subject, current._id);
  const now = ctx.clock.now();
  const set: Partial<ActivityDoc> = {
    status: held ? 'held' : current.status,
    subject,
    startsAt,
    participants,
    slotKey: slotKeyOf(current.groupId, startsAt),
    updatedAt: now,
    updatedBy: new Types.ObjectId(actor.id),
    ...(makeHeld ? { heldRecordedAt: now } : {}),
  };
  for (const k of ['kind', 'place', 'summary', 'outcomes', 'householdsReached', 'villagesReached', 'guests'] as const) {
    if (input[k] !== undefined) (set as Record<string, unknown>)[k] = input[k];
  }
  if (input.photoMediaIds) set.photoMediaIds = input.photoMediaIds.map((id) => new Types.ObjectId(id));
  const update: Record<string, unknown> = { $set: set, $inc: { version: 1 } };
  if (endsAt) set.endsAt = endsAt;
  else update.$unset = { endsAt: 1 };
  let next: ActivityDoc | null;
  try {
    next = await Activity.findOneAndUpdate({ _id: current._id, version: input.version }, update, { returnDocument: 'after', lean: true });
  } catch (err) {
    if (isDuplicateKey(err)) throw new ConflictError('该小组已有同一活动的记录', 'duplicate_activity', [{ field: 'body.startsAt', message: '与已有活动重复' }]);
    throw err;
  }
  if (!next) throw new ConflictError('活动已被他人修改，请刷新后再试', 'version_conflict');
  if (held) {
    try {
      await syncAttendance(current._id, next, current);
    } catch (err) {
      // Put the activity back as it was: the edit did not happen.
      await Activity.replaceOne({ _id: current._id }, current);
      throw err;
    }
    announceGroupChange(ctx, next);
  }
  return next;
}

export function updateActivity(ctx: ActivitiesContext, id: string, input: UpdateBody, actor: Actor): Promise<ActivityDoc> {
  return findActivity(id).then((a) => applyChange(ctx, a, input, actor, false));
}

/** The plan happened: record attendance and what was done. */
export async function recordPlannedActivity(ctx: ActivitiesContext, id: string, input: RecordBody, actor: Actor): Promise<ActivityDoc> {
  const current = await findActivity(id);
  if (current.status === 'held') throw new ConflictError('活动已经记录过了', 'already_held');
  return applyChange(ctx, current, input, actor, true);
}

export async function cancelActivity(ctx: ActivitiesContext, id: string, version: number, reason: string, actor: Actor): Promise<ActivityDoc> {
  const current = await findActivity(id);
  assertMayRecord(actor, String(current.groupId));
  if (current.status !== 'planned') throw new ConflictError('只有计划中的活动可以取消', 'not_planned');
  const now = ctx.clock.now();
  const next = await Activity.findOneAndUpdate(
    { _id: current._id, version, status: 'planned' },
    { $set: { status: 'cancelled', cancelReason: reason, updatedAt: now, updatedBy: new Types.ObjectId(actor.id) }, $unset: { slotKey: 1 }, $inc: { version: 1 } },
    { returnDocument: 'after', lean: true },
  );
  if (!next) throw new ConflictError('活动已被他人修改，请刷新后再试', 'version_conflict', { currentVersion: current.version });
  return next;
}

/** Deletes a record entered by mistake, with its attendance. */
export async function deleteActivity(ctx: ActivitiesContext, id: string, actor: Actor): Promise<void> {
  const current = await findActivity(id);
  assertMayRecord(actor, String(current.groupId));
  await Activity.deleteOne({ _id: current._id });
  if (current.status === 'held') {
    await syncAttendance(current._id, null, current);
    announceGroupChange(ctx, current);
  }
}

export async function listActivities(query: ListQuery, actor: Actor): Promise<{ items: AdminActivityView[]; page: number; pageSize: number; total: number }> {
  const filter: Record<string, unknown> = {};
  const visible = visibleGroups(actor);
  if (query.groupId) {
    if (visible && !visible.includes(query.groupId)) return { items: [], page: query.page, pageSize: query.pageSize, total: 0 };
    filter.groupId = new Types.ObjectId(query.groupId);
  } else if (visible) filter.groupId = { $in: visible.map((id) => new Types.ObjectId(id)) };
  if (query.status) filter.status = query.status;
  if (query.kind) filter.kind = query.kind;
  if (query.county) filter['region.county'] = query.county;
  if (query.township) filter['region.township'] = query.township;
  if (query.from || query.to) {
    filter.startsAt = {
      ...(query.from ? { $gte: query.from } : {}),
      ...(query.to ? { $lt: new Date(query.to.getTime() + 86_400_000) } : {}),
    };
  }
  const [rows, total] = await Promise.all([
    Activity.find(filter).sort({ startsAt: -1, _id: -1 }).skip((query.page - 1) * query.pageSize).limit(query.pageSize).lean<ActivityDoc[]>(),
    Activity.countDocuments(filter),
  ]);
  return { items: rows.map(toAdminView), page: query.page, pageSize: query.pageSize, total };
}

export async function getActivity(id: string, actor: Actor): Promise<AdminActivityView> {
  const a = await findActivity(id);
  const visible = visibleGroups(actor);
  if (visible && !visible.includes(String(a.groupId))) throw new NotFoundError('活动不存在');
  return toAdminView(a);
}

function announceGroupChange(ctx: ActivitiesContext, a: ActivityDoc): void {
  // The microsite's group page lists recent activities.
  ctx.events.emit('item.changed', { kind: 'group', id: String(a.groupId), reason: 'updated' });
}
