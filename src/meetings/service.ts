/** Meetings as records: create, edit (optimistic concurrency), read, list, delete drafts. */
import { Types } from 'mongoose';
import { ConflictError, NotFoundError, ValidationError, type FieldProblem } from '../errors';
import type { Page } from '../http/schemas';
import { nextFreeSlug, slugify } from '../content/slug';
import { escapeRegex } from '../content/public-queries';
import { LIVE_STATUSES, Meeting, type MeetingDoc, type MeetingStatus } from './models';
import type { CreateMeetingInput, UpdateMeetingInput } from './schemas';
import { assertReferencesExist } from './invitees';
import { toAdminView, type AdminMeetingView } from './views';
import type { Actor, MeetingsContext } from './context';

/** Fields an organizer may still edit once invitations went out; time and place change through reschedule. */
const LIVE_EDITABLE = new Set(['version', 'title', 'theme', 'description', 'agenda', 'featuredCaseIds', 'featuredDeputyIds', 'invitees', 'capacity', 'rsvpDeadline', 'publicSignup']);

export async function findMeeting(id: string): Promise<MeetingDoc> {
  const m = Types.ObjectId.isValid(id) ? await Meeting.findById(id).lean<MeetingDoc>() : null;
  if (!m) throw new NotFoundError('会议不存在', 'meeting_not_found');
  return m;
}

/** Cross-field rules, checked on the merged record so that partial edits cannot break them. */
export function assertConsistent(m: Pick<MeetingDoc, 'startsAt' | 'endsAt' | 'rsvpDeadline' | 'capacity' | 'acceptedCount'>): void {
  const problems: FieldProblem[] = [];
  if (m.endsAt.getTime() <= m.startsAt.getTime()) problems.push({ field: 'body.endsAt', message: '结束时间必须晚于开始时间' });
  if (m.rsvpDeadline && m.rsvpDeadline.getTime() > m.startsAt.getTime()) {
    problems.push({ field: 'body.rsvpDeadline', message: '报名截止时间不能晚于会议开始时间' });
  }
  if (m.capacity != null && m.capacity < m.acceptedCount) {
    problems.push({ field: 'body.capacity', message: `已有 ${m.acceptedCount} 人确认参加，名额不能少于此数` });
  }
  if (problems.length) throw new ValidationError('会议信息不一致', problems);
}

async function freeSlug(base: string, exceptId?: Types.ObjectId): Promise<string> {
  const taken = await Meeting.find({ slug: { $regex: `^${escapeRegex(base)}(-\\d+)?$` }, ...(exceptId ? { _id: { $ne: exceptId } } : {}) })
    .select('slug')
    .lean();
  return nextFreeSlug(base, taken.map((t) => t.slug));
}

function duplicateSlug(err: unknown): boolean {
  return (err as { code?: number }).code === 11000 && /slug/.test(String((err as Error).message));
}

export async function createMeeting(ctx: MeetingsContext, input: CreateMeetingInput, actor: Actor): Promise<AdminMeetingView> {
  const now = ctx.clock.now();
  assertConsistent({ ...input, acceptedCount: 0 });
  if (input.startsAt.getTime() <= now.getTime()) {
    throw new ValidationError('会议开始时间必须在将来', [{ field: 'body.startsAt', message: '会议开始时间已过' }]);
  }
  await assertReferencesExist(input);
  const explicitSlug = input.slug;
  for (let attempt = 0; ; attempt++) {
    const slug = explicitSlug ?? (await freeSlug(slugify(input.title)));
    try {
      const doc = await Meeting.create({
        ...input,
        slug,
        status: 'draft',
        createdBy: new Types.ObjectId(actor.id),
        updatedBy: new Types.ObjectId(actor.id),
        createdAt: now,
        updatedAt: now,
      });
      return toAdminView(doc.toObject());
    } catch (err) {
      if (!duplicateSlug(err)) throw err;
      if (explicitSlug) throw new ConflictError(`链接名 ${explicitSlug} 已被其他会议使用`, 'slug_taken');
      if (attempt >= 3) throw err;
    }
  }
}

export async function updateMeeting(ctx: MeetingsContext, id: string, input: UpdateMeetingInput, actor: Actor): Promise<AdminMeetingView> {
  const current = await findMeeting(id);
  if (current.version !== input.version) {
    throw new ConflictError('会议已被他人修改，请刷新后再试', 'version_conflict', { currentVersion: current.version });
  }
  if (current.status === 'cancelled' || current.status === 'held') {
    throw new ConflictError(`会议${current.status === 'cancelled' ? '已取消' : '已召开'}，不能再修改`, 'meeting_closed');
  }
  if (current.status !== 'draft') {
    const locked = Object.keys(input).filter((k) => !LIVE_EDITABLE.has(k));
    if (locked.length) {
      throw new ValidationError('会议已发布：修改时间或地点请使用"变更"操作，链接名不能再改', locked.map((k) => ({ field: `body.${k}`, message: 'not editable after announce' })));
    }
  }
  const { version, ...changes } = input;
  const merged = { ...current, ...changes } as MeetingDoc;
  assertConsistent(merged);
  if (current.status === 'draft' && changes.startsAt && changes.startsAt.getTime() <= ctx.clock.now().getTime()) {
    throw new ValidationError('会议开始时间必须在将来', [{ field: 'body.startsAt', message: '会议开始时间已过' }]);
  }
  await assertReferencesExist(changes);
  const set: Record<string, unknown> = { ...changes, updatedBy: new Types.ObjectId(actor.id), updatedAt: ctx.clock.now() };
  if (changes.slug && changes.slug !== current.slug) set.slug = changes.slug;
  const capacityGuard =
    changes.capacity !== undefined && changes.capacity !== null ? { acceptedCount: { $lte: changes.capacity } } : {};
  try {
    const updated = await Meeting.findOneAndUpdate(
      { _id: current._id, version, status: current.status, ...capacityGuard },
      { $set: set, $inc: { version: 1 } },
      { returnDocument: 'after', lean: true },
    );
    if (!updated) throw new ConflictError('会议已被他人修改或名额已满，请刷新后再试', 'version_conflict');
    return toAdminView(updated as MeetingDoc);
  } catch (err) {
    if (duplicateSlug(err)) throw new ConflictError(`链接名 ${changes.slug} 已被其他会议使用`, 'slug_taken');
    throw err;
  }
}

export async function getMeeting(id: string): Promise<AdminMeetingView> {
  return toAdminView(await findMeeting(id));
}

export async function listMeetings(options: { status?: MeetingStatus; page: number; pageSize: number }): Promise<Page<AdminMeetingView>> {
  const filter = options.status ? { status: options.status } : {};
  const [docs, total] = await Promise.all([
    Meeting.find(filter)
      .sort({ startsAt: -1, _id: -1 })
      .skip((options.page - 1) * options.pageSize)
      .limit(options.pageSize)
      .lean<MeetingDoc[]>(),
    Meeting.countDocuments(filter),
  ]);
  return { items: docs.map(toAdminView), page: options.page, pageSize: options.pageSize, total };
}

/** Only drafts can be deleted: once invitations went out, cancel instead (people must be told). */
export async function deleteMeeting(id: string): Promise<void> {
  const m = await findMeeting(id);
  if (m.status !== 'draft') throw new ConflictError('已发布的会议不能删除，请改为取消会议', 'meeting_not_draft');
  await Meeting.deleteOne({ _id: m._id, status: 'draft' });
}

export function isLive(status: MeetingStatus): boolean {
  return LIVE_STATUSES.includes(status);
}

/** Meetings still to come (drafts and live ones), soonest first: the organizer's start page. */
export async function upcomingMeetings(now: Date, limit: number): Promise<AdminMeetingView[]> {
  const docs = await Meeting.find({ status: { $in: ['draft', ...LIVE_STATUSES] }, endsAt: { $gte: now } })
    .sort({ startsAt: 1, _id: 1 })
    .limit(limit)
    .lean<MeetingDoc[]>();
  return docs.map(toAdminView);
}
