/** Registering, reading and listing suggestions; department users see only what their unit handles. */
import { Types } from 'mongoose';
import { ForbiddenError, ValidationError, type FieldProblem } from '../errors';
import { existingDeputyIds, existingMediaIds } from '../content/references';
import { getActivityRef, type ActivityRef } from '../activities';
import type { Page } from '../http/schemas';
import { HANDLING_STATUSES, Suggestion, type Category, type Status, type SuggestionDoc, type SuggestionRegion } from './models';
import { loadSuggestion } from './transition';
import { insertSuggestion } from './records';
import { toSuggestionView, type SuggestionView } from './views';
import type { Actor } from './context';

export interface RegisterInput {
  text: string;
  category: Category;
  region: SuggestionRegion;
  deputyIds: string[];
  citizen?: { name: string; phone?: string };
  activityId?: string;
  attachmentIds: string[];
  public: boolean;
}

/** Raised at an activity: only one that was held (a plan has not happened yet, a cancelled one never will). */
function activityProblem(ref: ActivityRef | null): string | null {
  if (!ref) return '未找到该活动';
  if (ref.status === 'planned') return `活动“${ref.subject}”尚未开展，开展后再登记其中提出的意见建议`;
  if (ref.status === 'cancelled') return `活动“${ref.subject}”已取消`;
  return null;
}

async function assertReferences(input: RegisterInput): Promise<void> {
  const [deputies, media, activity] = await Promise.all([
    existingDeputyIds(input.deputyIds),
    existingMediaIds(input.attachmentIds),
    input.activityId ? getActivityRef(input.activityId) : Promise.resolve(null),
  ]);
  const activityMessage = input.activityId ? activityProblem(activity) : null;
  const problems: FieldProblem[] = [
    ...input.deputyIds.flatMap((id, i) => (deputies.has(id) ? [] : [{ field: `body.deputyIds.${i}`, message: '未找到该代表' }])),
    ...input.attachmentIds.flatMap((id, i) => (media.has(id) ? [] : [{ field: `body.attachmentIds.${i}`, message: '未找到该附件' }])),
    ...(activityMessage ? [{ field: 'body.activityId', message: activityMessage }] : []),
  ];
  if (problems.length) throw new ValidationError('引用的代表、附件或活动有误', problems);
}

export async function registerSuggestion(input: RegisterInput, actor: Actor, now: Date): Promise<SuggestionView> {
  await assertReferences(input);
  const doc = await insertSuggestion(input, actor, now, { channel: 'staff' });
  return toSuggestionView(doc, actor);
}

/** A department user may only touch suggestions its unit handles (lead or co-unit). */
export function assertVisibleTo(doc: SuggestionDoc, actor: Actor): void {
  if (actor.role !== 'department') return;
  if (!actor.departmentId || !doc.departmentIds.some((d) => String(d) === actor.departmentId)) {
    throw new ForbiddenError('该意见建议未交办给本单位');
  }
}

export async function getSuggestion(id: string, actor: Actor): Promise<SuggestionView> {
  const doc = await loadSuggestion(id);
  assertVisibleTo(doc, actor);
  return toSuggestionView(doc, actor);
}

export interface ListFilter {
  status?: Status;
  county?: string;
  category?: Category;
  departmentId?: string;
  overdue?: boolean;
  page: number;
  pageSize: number;
}

export async function listSuggestions(filter: ListFilter, actor: Actor, now: Date): Promise<Page<SuggestionView>> {
  const query: Record<string, unknown> = {};
  if (filter.status) query.status = filter.status;
  if (filter.county) query['region.county'] = filter.county;
  if (filter.category) query.category = filter.category;
  const departmentId = actor.role === 'department' ? actor.departmentId ?? '000000000000000000000000' : filter.departmentId;
  if (departmentId) query.departmentIds = new Types.ObjectId(departmentId);
  if (filter.overdue) {
    query.status = filter.status ? (HANDLING_STATUSES.includes(filter.status) ? filter.status : { $in: [] }) : { $in: HANDLING_STATUSES };
    query.deadline = { $lt: now };
  }
  const sort: Record<string, 1 | -1> = filter.overdue ? { deadline: 1, _id: 1 } : { registeredAt: -1, _id: -1 };
  const [items, total] = await Promise.all([
    Suggestion.find(query)
      .sort(sort)
      .skip((filter.page - 1) * filter.pageSize)
      .limit(filter.pageSize)
      .lean(),
    Suggestion.countDocuments(query),
  ]);
  return { items: items.map((d) => toSuggestionView(d, actor)), page: filter.page, pageSize: filter.pageSize, total };
}
