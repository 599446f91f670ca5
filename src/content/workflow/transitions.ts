/**
 * Generic status transitions for any model registered in registry.ts (content kinds here, meetings elsewhere).
 * Each step is one conditional update on (id, expected status), so two people acting at once cannot both win;
 * every step is recorded in item_transitions and announced on the event bus when the public face changes.
 */
import { isValidObjectId, Types } from 'mongoose';
import type { Clock } from '../../clock';
import type { DomainEventBus } from '../../events';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../errors';
import { ITEM_STATUS_LABELS, type ItemKind, type ItemStatus } from '../enums';
import { Transition, type TransitionDoc, type WorkflowAction } from '../models/history';
import { actorHasRole, mayChange, type Actor } from './actor';
import { workflowKind, type WorkflowDoc } from './registry';
import { TRANSITION_RULES, type TransitionAction } from './rules';

export interface WorkflowDeps {
  clock: Clock;
  events: DomainEventBus;
}

export interface TransitionOptions {
  comment?: string;
  /** When given, the step is refused (409) if the item was saved since the caller loaded it. */
  version?: number;
  /** publish: the publication time (default now). schedule: when it will go live (required). */
  at?: Date;
}

export function toObjectId(id: string): Types.ObjectId {
  if (typeof id !== 'string' || !isValidObjectId(id) || !/^[0-9a-f]{24}$/i.test(id)) throw new NotFoundError('未找到该内容');
  return new Types.ObjectId(id);
}

export async function recordTransition(
  kind: ItemKind,
  itemId: Types.ObjectId,
  action: WorkflowAction,
  from: ItemStatus | null,
  to: ItemStatus,
  actor: Actor,
  at: Date,
  version: number,
  comment?: string,
): Promise<void> {
  await Transition.create({
    kind,
    itemId,
    action,
    from,
    to,
    by: actor.id ? new Types.ObjectId(actor.id) : undefined,
    byName: actor.name,
    at,
    comment: comment || undefined,
    version,
  });
}

export function publicFaceReason(action: WorkflowAction, from: ItemStatus | null, to: ItemStatus): 'published' | 'updated' | 'withdrawn' | undefined {
  if (to === 'published' && from !== 'published') return 'published';
  if (from === 'published' && to === 'published') return 'updated';
  if (from === 'published' && to !== 'published') return 'withdrawn';
  return undefined;
}

export class WorkflowService {
  constructor(private readonly deps: WorkflowDeps) {}

  /**
   * Moves an item along the workflow. People are checked against the rule's roles; the system actor
   * (publishing pipeline) may take any step, including the pipeline-only ones.
   */
  async transition(kind: ItemKind, id: string, action: TransitionAction, actor: Actor, options: TransitionOptions = {}): Promise<WorkflowDoc> {
    const spec = workflowKind(kind);
    const rule = TRANSITION_RULES[action];
    if (!rule) throw new ValidationError('未知的操作', [{ field: 'action', message: `unknown action ${action}` }]);
    const _id = toObjectId(id);
    if (actor.role !== 'system') {
      if (rule.roles === 'pipeline') throw new ForbiddenError(`「${rule.label}」由发布流程执行`);
      if (!actorHasRole(actor, rule.roles)) throw new ForbiddenError(`「${rule.label}」需要以下角色之一：${rule.roles.join('、')}`);
    }
    const comment = options.comment?.trim();
    if (rule.commentRequired && !comment) {
      throw new ValidationError(`「${rule.label}」需要填写意见`, [{ field: 'body.comment', message: 'required' }]);
    }
    const doc = (await spec.model.findOne({ _id, deletedAt: null }).lean()) as WorkflowDoc | null;
    if (!doc) throw new NotFoundError(`未找到该${spec.label}`);
    if (options.version !== undefined && options.version !== doc.version) {
      throw new ConflictError('内容已被他人修改，请刷新后重试', 'version_conflict', { currentVersion: doc.version });
    }
    // Re-publishing something already live is the pipeline adding channels: nothing changes here.
    if (action === 'publish' && doc.status === 'published') return doc;
    if (!rule.from.includes(doc.status)) {
      throw new ConflictError(`当前状态为「${ITEM_STATUS_LABELS[doc.status]}」，不能执行「${rule.label}」`, 'invalid_transition', {
        status: doc.status,
        action,
        allowedFrom: rule.from,
      });
    }
    if (rule.notBySubmitter && actor.id && doc.submittedBy && String(doc.submittedBy) === actor.id) {
      throw new ForbiddenError('不能审核自己提交的内容', 'self_approval');
    }
    // Four eyes: nobody approves words they wrote since the last approval by someone else — as author, as a
    // reviewer who rewrote them (rejecting and seeing them resubmitted changes nothing), or as an admin.
    // Items saved before authorsSinceApproval existed: their creator and last editor stand in for it.
    const recorded = doc.authorsSinceApproval ?? (doc.approvedBy ? [] : [doc.createdBy, doc.updatedBy]);
    const authors = [...recorded, ...(doc.editedInReviewBy ?? [])].map(String);
    if (rule.notBySubmitter && actor.id && authors.includes(actor.id)) {
      throw new ForbiddenError('不能审核通过包含自己修改的内容，请由其他审核员审核', 'self_approval');
    }
    if (action === 'submit' && !mayChange(actor, doc)) throw new ForbiddenError('只能提交自己负责的内容', 'not_owner');

    const now = this.deps.clock.now();
    const set: Record<string, unknown> = { status: rule.to };
    const unset: Record<string, 1> = {};
    const addToSet: Record<string, unknown> = {};
    if (action === 'submit') {
      set.submittedBy = actor.id ? new Types.ObjectId(actor.id) : undefined;
      if (actor.id) addToSet.authorsSinceApproval = new Types.ObjectId(actor.id);
    }
    if (action === 'approve') {
      if (actor.id) set.approvedBy = new Types.ObjectId(actor.id);
      set.authorsSinceApproval = []; // approved by someone else: later edits start a new count
      unset.editedInReviewBy = 1;
    }
    if (action === 'reject') unset.approvedBy = 1;
    if (action === 'publish') {
      const at = options.at ?? now;
      set.publishedAt = at;
      if (!doc.firstPublishedAt) set.firstPublishedAt = at;
      unset.scheduledAt = 1;
    }
    if (action === 'schedule') {
      if (!options.at) throw new ValidationError('定时发布需要发布时间', [{ field: 'at', message: 'required' }]);
      set.scheduledAt = options.at;
    }
    if (action === 'unschedule') unset.scheduledAt = 1;
    for (const [k, v] of Object.entries(set)) if (v === undefined) delete set[k];

    const updated = (await spec.model
      .findOneAndUpdate(
        { _id, status: doc.status, deletedAt: null, version: doc.version },
        { $set: set, ...(Object.keys(unset).length ? { $unset: unset } : {}), ...(Object.keys(addToSet).length ? { $addToSet: addToSet } : {}) },
        { returnDocument: 'after' as const },
      )
      .lean()) as WorkflowDoc | null;
    if (!updated) throw new ConflictError('内容状态刚刚被他人改变，请刷新后重试', 'concurrent_change');

    await recordTransition(kind, _id, action, doc.status, rule.to, actor, now, doc.version, comment);
    const reason = publicFaceReason(action, doc.status, rule.to);
    if (reason) this.deps.events.emit('item.changed', { kind, id: String(_id), slug: updated.slug, reason });
    return updated;
  }

  async listTransitions(kind: ItemKind, id: string): Promise<TransitionView[]> {
    const spec = workflowKind(kind);
    const _id = toObjectId(id);
    const rows = await Transition.find({ kind, itemId: _id }).sort({ at: 1, _id: 1 }).lean();
    // A purged item's trail outlives it; with neither item nor trail, there is nothing by that id.
    if (!rows.length && !(await spec.model.exists({ _id }))) throw new NotFoundError(`未找到该${spec.label}`);
    return rows.map(transitionView);
  }

  /** The latest transition of this action on the item (e.g. its last approval), if any. */
  async lastTransition(kind: ItemKind, id: string, action: WorkflowAction): Promise<TransitionDoc | null> {
    return Transition.findOne({ kind, itemId: toObjectId(id), action }).sort({ at: -1, _id: -1 }).lean();
  }
}

export interface TransitionView {
  id: string;
  action: WorkflowAction;
  from: ItemStatus | null;
  to: ItemStatus;
  by: string | null;
  byName: string | null;
  at: Date;
  comment: string | null;
  version: number;
}

export function transitionView(t: TransitionDoc): TransitionView {
  return {
    id: String(t._id),
    action: t.action,
    from: t.from ?? null,
    to: t.to,
    by: t.by ? String(t.by) : null,
    byName: t.byName ?? null,
    at: t.at,
    comment: t.comment ?? null,
    version: t.version,
  };
}
