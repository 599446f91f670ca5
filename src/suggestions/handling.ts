/**
 * The handling steps after registration: 梳理（合并重复）→ 交办 → 转办 → 答复 → 满意度 → 办结 or 重新办理,
 * and escalation (约见/评议/询问) after a second 不满意 or a missed deadline. Each step is one transition().
 */
import { Types } from 'mongoose';
import { ConflictError, ForbiddenError, ValidationError } from '../errors';
import {
  HANDLING_STATUSES,
  SATISFIED_RATINGS,
  type AnswerClass,
  type EscalationKind,
  type Rating,
  type RatingSource,
  type SuggestionDoc,
} from './models';
import { requireDepartments } from './departments';
import { addBeijingMonths, beijingDay, beijingDayStartOf } from '../calendar/beijing';
import { loadSuggestion, transition, InvalidTransitionError } from './transition';
import type { Actor, SuggestionsContext } from './context';

const oid = (id: string) => new Types.ObjectId(id);

interface Step {
  id: string;
  actor: Actor;
  version?: number;
}

/** 梳理: marks it sorted and folds the given duplicates into it (their deputies and attachments join it). */
export async function sortSuggestion(sc: SuggestionsContext, step: Step & { mergeIds: string[]; note?: string }): Promise<SuggestionDoc> {
  const now = sc.clock.now();
  const mergeIds = [...new Set(step.mergeIds)];
  if (mergeIds.includes(step.id)) throw new ValidationError('不能与自身合并', [{ field: 'body.mergeIds', message: 'contains the suggestion itself' }]);
  const duplicates = await Promise.all(mergeIds.map((id) => loadSuggestion(id)));
  duplicates.forEach((d) => {
    if (d.status !== 'registered' && d.status !== 'sorted') throw new InvalidTransitionError(d.status, 'merged', 'merge');
  });
  const sorted = await transition({
    id: step.id,
    action: 'sort',
    from: ['registered'],
    to: 'sorted',
    actor: step.actor,
    now,
    version: step.version,
    plan: () => ({
      to: 'sorted',
      note: step.note ?? (mergeIds.length ? `合并重复建议 ${mergeIds.length} 件` : undefined),
      addToSet: mergeIds.length
        ? {
            deputyIds: { $each: duplicates.flatMap((d) => d.deputyIds) },
            attachmentIds: { $each: duplicates.flatMap((d) => d.attachmentIds) },
          }
        : undefined,
    }),
  });
  // Each duplicate changes on its own, conditioned like any transition: a crash here leaves some not yet
  // merged, never a half-merged record; sorting them again finishes the job.
  for (const d of duplicates) {
    await transition({
      id: String(d._id),
      action: 'merge',
      from: ['registered', 'sorted'],
      to: 'merged',
      actor: step.actor,
      now,
      plan: () => ({ to: 'merged', set: { duplicateOf: sorted._id }, note: `并入 ${String(sorted._id)}` }),
    });
  }
  return loadSuggestion(step.id);
}

/** The longest custom deadline: a year ahead (beyond that it is no longer a deadline anyone chases). */
const CUSTOM_DEADLINE_MONTHS = 12;

/**
 * A deadline the liaison chose (YYYY-MM-DD, Beijing): the end of that day, which must come after today and
 * within a year. Checked here rather than in the schema because "today" is the injected clock's.
 */
function customDeadline(day: string, now: Date): Date {
  const today = beijingDay(now);
  if (day <= today) {
    throw new ValidationError('答复期限须晚于今天', [{ field: 'body.deadline', message: `答复期限须晚于今天（${today}）` }]);
  }
  const latest = beijingDay(addBeijingMonths(now, CUSTOM_DEADLINE_MONTHS));
  if (day > latest) {
    throw new ValidationError('答复期限最长为一年', [{ field: 'body.deadline', message: `答复期限不能晚于 ${latest}` }]);
  }
  // Met until that day ends: the last millisecond before the next Beijing day starts.
  return new Date(beijingDayStartOf(day).getTime() + 86_400_000 - 1);
}

/** 交办: one lead department, any co-departments, and the deadline from configuration (or one chosen for this item). */
export async function assignSuggestion(
  sc: SuggestionsContext,
  step: Step & { leadDepartmentId: string; coDepartmentIds: string[]; hard: boolean; deadline?: string },
): Promise<SuggestionDoc> {
  const current = await loadSuggestion(step.id);
  const co = [...new Set(step.coDepartmentIds)];
  if (co.includes(step.leadDepartmentId)) {
    throw new ValidationError('主办单位不能同时是协办单位', [{ field: 'body.coDepartmentIds', message: 'contains the lead department' }]);
  }
  await requireDepartments(
    [{ field: 'body.leadDepartmentId', id: step.leadDepartmentId }, ...co.map((id, i) => ({ field: `body.coDepartmentIds.${i}`, id }))],
    current.region.county,
  );
  const now = sc.clock.now();
  const months = step.hard ? sc.config.suggestions.hardDeadlineMonths : sc.config.suggestions.deadlineMonths;
  const deadline = step.deadline ? customDeadline(step.deadline, now) : addBeijingMonths(now, months);
  return transition({
    id: step.id,
    action: 'assign',
    from: ['sorted'],
    to: 'assigned',
    actor: step.actor,
    now,
    version: step.version,
    plan: () => ({
      to: 'assigned',
      set: {
        leadDepartmentId: oid(step.leadDepartmentId),
        coDepartmentIds: co.map(oid),
        departmentIds: [step.leadDepartmentId, ...co].map(oid),
        hard: step.hard,
        assignedAt: now,
        deadline,
      },
      note: step.deadline ? `答复期限：${step.deadline}` : undefined,
    }),
  });
}

/** 转办: the lead passes to another department, with the reason; the deadline stands. */
export async function transferSuggestion(sc: SuggestionsContext, step: Step & { toDepartmentId: string; reason: string }): Promise<SuggestionDoc> {
  const current = await loadSuggestion(step.id);
  if (current.leadDepartmentId && String(current.leadDepartmentId) === step.toDepartmentId) {
    throw new ValidationError('已由该单位主办', [{ field: 'body.toDepartmentId', message: 'already the lead department' }]);
  }
  await requireDepartments([{ field: 'body.toDepartmentId', id: step.toDepartmentId }], current.region.county);
  const now = sc.clock.now();
  return transition({
    id: step.id,
    action: 'transfer',
    from: HANDLING_STATUSES,
    to: 'transferred',
    actor: step.actor,
    now,
    version: step.version,
    plan: (doc) => {
      const co = doc.coDepartmentIds.filter((d) => String(d) !== step.toDepartmentId);
      return {
        to: 'transferred',
        note: step.reason,
        set: { leadDepartmentId: oid(step.toDepartmentId), coDepartmentIds: co, departmentIds: [oid(step.toDepartmentId), ...co] },
        push: {
          transfers: { fromDepartmentId: doc.leadDepartmentId, toDepartmentId: oid(step.toDepartmentId), reason: step.reason, at: now, by: oid(step.actor.id) },
        },
      };
    },
  });
}

/** 答复 (书面加见面): only a user of the lead department answers; co-units send their views to it. */
export async function answerSuggestion(
  sc: SuggestionsContext,
  step: Step & { text: string; answerClass: AnswerClass; meeting: { at: Date; participants: string; place?: string } },
): Promise<SuggestionDoc> {
  const now = sc.clock.now();
  return transition({
    id: step.id,
    action: 'answer',
    from: HANDLING_STATUSES,
    to: 'answered',
    actor: step.actor,
    now,
    version: step.version,
    plan: (doc) => {
      if (step.actor.role !== 'department' || !step.actor.departmentId || String(doc.leadDepartmentId) !== step.actor.departmentId) {
        throw new ForbiddenError('只有主办单位可以答复');
      }
      const onTime = !doc.deadline || now.getTime() <= doc.deadline.getTime();
      return {
        to: 'answered',
        set: { lastAnswerOnTime: onTime },
        push: {
          answers: {
            round: doc.round,
            text: step.text,
            answerClass: step.answerClass,
            meeting: step.meeting,
            at: now,
            by: oid(step.actor.id),
            departmentId: doc.leadDepartmentId,
            onTime,
          },
        },
      };
    },
  });
}

/** 协办意见: a co-unit sends its view to the lead unit while the suggestion is being handled. */
export async function addCoOpinion(sc: SuggestionsContext, step: Step & { text: string }): Promise<SuggestionDoc> {
  const now = sc.clock.now();
  const current = await loadSuggestion(step.id);
  return transition({
    id: step.id,
    action: 'co_opinion',
    from: HANDLING_STATUSES,
    to: current.status,
    actor: step.actor,
    now,
    version: step.version,
    plan: (doc) => {
      const unit = step.actor.departmentId;
      if (step.actor.role !== 'department' || !unit || !doc.coDepartmentIds.some((d) => String(d) === unit)) {
        throw new ForbiddenError('只有协办单位可以提交协办意见');
      }
      return { to: doc.status, push: { coOpinions: { departmentId: oid(unit), text: step.text, at: now, by: oid(step.actor.id) } } };
    },
  });
}

/**
 * 满意度: given by the deputy through the personal link (source 'deputy'), or recorded by a liaison on the deputy's
 * behalf (source 'liaison', for deputies without a phone; marked as such). A second 不满意 opens an escalation in the same write.
 */
export async function rateSuggestion(
  sc: SuggestionsContext,
  step: Step & { rating: Rating; comment: string; source: RatingSource; deputyId?: string },
): Promise<SuggestionDoc> {
  const now = sc.clock.now();
  return transition({
    id: step.id,
    action: 'rate',
    from: ['answered'],
    to: 'rated',
    actor: step.actor,
    now,
    version: step.version,
    plan: (doc) => {
      if (step.deputyId && !doc.deputyIds.some((d) => String(d) === step.deputyId)) {
        throw new ValidationError('该代表不是本建议的提出人', [{ field: 'body.deputyId', message: 'not a deputy of this suggestion' }]);
      }
      const dissatisfied = step.rating === '不满意';
      const escalate = dissatisfied && doc.dissatisfiedCount + 1 >= 2;
      const who = step.source === 'deputy' ? '代表本人评价' : '联络员代为录入';
      return {
        to: 'rated',
        note: step.comment ? `${who}：${step.comment}` : who,
        set: { lastRating: step.rating },
        inc: { dissatisfiedCount: dissatisfied ? 1 : 0 },
        push: {
          ratings: {
            round: doc.round,
            rating: step.rating,
            comment: step.comment,
            at: now,
            by: oid(step.actor.id),
            source: step.source,
            ...(step.deputyId ? { deputyId: oid(step.deputyId) } : {}),
          },
          ...(escalate ? { escalations: { _id: new Types.ObjectId(), reason: 'second_dissatisfied', openedAt: now } } : {}),
        },
      };
    },
  });
}

/** 办结: after a satisfied rating, or after a second 不满意 once it has gone to escalation. */
export async function closeSuggestion(sc: SuggestionsContext, step: Step & { note?: string }): Promise<SuggestionDoc> {
  const now = sc.clock.now();
  return transition({
    id: step.id,
    action: 'close',
    from: ['rated'],
    to: 'closed',
    actor: step.actor,
    now,
    version: step.version,
    plan: (doc) => {
      const satisfied = doc.lastRating && SATISFIED_RATINGS.includes(doc.lastRating);
      if (!satisfied && doc.dissatisfiedCount < 2) {
        throw new ConflictError('代表不满意，应重新办理后再办结', 'rehandling_required', { lastRating: doc.lastRating });
      }
      return { to: 'closed', note: step.note, set: { closedAt: now } };
    },
  });
}

/** 重新办理: after 不满意, back to the same departments with a fresh deadline. */
export async function rehandleSuggestion(sc: SuggestionsContext, step: Step & { note?: string }): Promise<SuggestionDoc> {
  const now = sc.clock.now();
  return transition({
    id: step.id,
    action: 'rehandle',
    from: ['rated'],
    to: 'assigned',
    actor: step.actor,
    now,
    version: step.version,
    plan: (doc) => {
      if (doc.lastRating !== '不满意') throw new ConflictError('代表已满意，无需重新办理', 'not_dissatisfied', { lastRating: doc.lastRating });
      const months = doc.hard ? sc.config.suggestions.hardDeadlineMonths : sc.config.suggestions.deadlineMonths;
      return { to: 'assigned', note: step.note, set: { assignedAt: now, deadline: addBeijingMonths(now, months) }, inc: { round: 1 } };
    },
  });
}

/** 督办: a suggestion past its deadline gets an escalation (once per round). */
export async function escalateOverdue(sc: SuggestionsContext, step: Step): Promise<SuggestionDoc> {
  const now = sc.clock.now();
  const current = await loadSuggestion(step.id);
  return transition({
    id: step.id,
    action: 'escalate',
    from: HANDLING_STATUSES,
    to: current.status,
    actor: step.actor,
    now,
    version: step.version,
    plan: (doc) => {
      if (!doc.deadline || doc.deadline.getTime() >= now.getTime()) {
        throw new ConflictError('尚未超过办理期限', 'not_overdue', { deadline: doc.deadline });
      }
      if (doc.escalations.some((e) => e.reason === 'overdue' && doc.assignedAt && e.openedAt >= doc.assignedAt)) {
        throw new ConflictError('本轮超期已启动监督程序', 'already_escalated');
      }
      return { to: doc.status, push: { escalations: { _id: new Types.ObjectId(), reason: 'overdue', openedAt: now } } };
    },
  });
}

/** Records what the escalation became: 约见, 评议 or 询问, its date and outcome. */
export async function recordEscalation(
  sc: SuggestionsContext,
  step: Step & { escalationId: string; kind: EscalationKind; date: Date; outcome: string },
): Promise<SuggestionDoc> {
  const now = sc.clock.now();
  const current = await loadSuggestion(step.id);
  const index = current.escalations.findIndex((e) => String(e._id) === step.escalationId);
  if (index < 0) throw new ValidationError('监督程序不存在', [{ field: 'params.escalationId', message: 'no such escalation' }]);
  return transition({
    id: step.id,
    action: 'escalation_recorded',
    from: [current.status],
    to: current.status,
    actor: step.actor,
    now,
    version: step.version,
    plan: (doc) => ({
      to: doc.status,
      note: `${step.kind}：${step.outcome}`,
      set: {
        [`escalations.${index}.kind`]: step.kind,
        [`escalations.${index}.date`]: step.date,
        [`escalations.${index}.outcome`]: step.outcome,
        [`escalations.${index}.recordedAt`]: now,
      },
    }),
  });
}
