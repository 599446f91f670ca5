/**
 * Generic saving for any registered kind: create, update with optimistic concurrency, revision history,
 * restore, soft/hard delete and undelete.
 *
 * Concurrency: a save names the version it started from; the item is updated only if it still has that version
 * (a second save from the same base gets 409). Only then is the revision for the new version written, as an
 * upsert on (kind, item, version), so an interrupted save never leaves a record that blocks later ones.
 * Nothing is overwritten silently.
 *
 * Edits and status (documented policy, like Ghost but with review):
 *   - draft: saved as is.
 *   - in_review / approved: an editor's save sends the item back to draft (the approval was for other words);
 *     a reviewer's or admin's save leaves it (or puts it back) in_review: changed words must be approved again.
 *   - published: only reviewers and admins may save, and the change goes through review like any other: the
 *     item leaves the public site (in_review) until someone else approves it and it is published again.
 *     Editors withdraw first or ask a reviewer.
 *   Four eyes: everyone who saves (or creates, or submits) is recorded in authorsSinceApproval, which only an
 *   approval clears; none of them may approve (transitions.ts).
 *   Ownership: editors save, restore and delete only items they own (ownerId, set at creation; reviewers and
 *   admins reassign). Deleting is always soft and keeps revisions and transitions; only an admin purges.
 *   - scheduled: refused (409) — cancel the schedule first, so what goes live is what was approved.
 *   - withdrawn / archived: a save brings the item back to draft, to go through review again.
 */
import { Types } from 'mongoose';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../errors';
import { activeUserRole } from '../../auth/service';
import { ITEM_STATUS_LABELS, type ItemKind, type ItemStatus } from '../enums';
import { Revision, type RevisionDoc, type RevisionReason } from '../models/history';
import { nextFreeSlug, slugify } from '../slug';
import { actorHasRole, mayChange, type Actor } from './actor';
import { workflowKind, type WorkflowDoc, type WorkflowKind } from './registry';
import { EDIT_ROLES, LIVE_EDIT_ROLES, LOCKED_STATUSES } from './rules';
import { publicFaceReason, recordTransition, toObjectId, type WorkflowDeps } from './transitions';

const DUPLICATE_KEY = 11000;
const isDuplicateKey = (err: unknown) => (err as { code?: number })?.code === DUPLICATE_KEY;
const duplicateKeyField = (err: unknown): string | undefined => {
  const e = err as { keyPattern?: Record<string, unknown>; keyValue?: Record<string, unknown>; message?: string };
  return Object.keys(e.keyPattern ?? e.keyValue ?? {})[0] ?? (/index: (\w+)/.exec(e.message ?? '')?.[1]?.replace(/_\d+$/, '') || undefined);
};

/** Mongoose validation errors become field problems (most input is caught earlier by the route schemas). */
function mapMongooseError(err: unknown): never {
  const e = err as { name?: string; errors?: Record<string, { message: string }>; message?: string };
  if (e?.name === 'ValidationError' && e.errors) {
    throw new ValidationError('内容无效', Object.entries(e.errors).map(([field, v]) => ({ field: `body.${field}`, message: v.message })));
  }
  if (e?.name === 'CastError' || e?.name === 'StrictModeError') {
    throw new ValidationError('内容无效', [{ field: `body.${(e as { path?: string }).path ?? '?'}`, message: e.message ?? 'invalid' }]);
  }
  throw err;
}

/**
 * The status a save leaves: withdrawn/archived and an editor's save of a reviewed item go back to draft; a
 * reviewer's save of an approved item needs approving again (in_review); anything else keeps its status.
 */
function statusAfterSave(from: ItemStatus, reviewerSave: boolean): ItemStatus {
  if (from === 'withdrawn' || from === 'archived') return 'draft';
  if (from === 'in_review' || from === 'approved' || from === 'published') return reviewerSave ? 'in_review' : 'draft';
  return from;
}

/**
 * Stores the snapshot of `version`, written after the item itself. An upsert on (kind, item, version): a snapshot
 * left by an earlier attempt that never reached the item (a crash) is replaced, so it can never block later saves.
 */
async function writeRevision(rev: Omit<RevisionDoc, '_id' | 'restoredFrom'> & { restoredFrom?: number }): Promise<void> {
  const { kind, itemId, version, ...rest } = rev;
  const unset = rest.restoredFrom === undefined ? { $unset: { restoredFrom: 1 as const } } : {};
  if (rest.restoredFrom === undefined) delete rest.restoredFrom;
  await Revision.updateOne({ kind, itemId, version }, { $set: rest, ...unset }, { upsert: true });
}

export class EditingService {
  constructor(private readonly deps: WorkflowDeps) {}

  private snapshot(spec: WorkflowKind, source: Record<string, any>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const f of spec.editableFields) if (source[f] !== undefined && source[f] !== null) out[f] = source[f];
    return out;
  }

  /** A free slug for this title (or the requested slug, refused when taken). */
  async allocateSlug(spec: WorkflowKind, title: string, requested?: string, exceptId?: Types.ObjectId): Promise<string> {
    if (requested) {
      const taken = await spec.model.exists({ slug: requested, ...(exceptId ? { _id: { $ne: exceptId } } : {}) });
      if (taken) throw new ValidationError('链接名已被占用', [{ field: 'body.slug', message: 'already taken' }]);
      return requested;
    }
    const base = slugify(title);
    const rows = await spec.model.find({ slug: { $regex: `^${base}(-\\d+)?$` } }, { slug: 1 }).lean();
    return nextFreeSlug(base, rows.map((r: any) => r.slug));
  }

  /**
   * `unassigned`: no owner, so any editor may take the draft on (drafts written for editors by other roles).
   * `id`: the new item's id, when the caller must name it before the write (roster change announcements).
   */
  async create(kind: ItemKind, data: Record<string, unknown>, actor: Actor, options: { unassigned?: boolean; id?: Types.ObjectId } = {}): Promise<WorkflowDoc> {
    const spec = workflowKind(kind);
    const now = this.deps.clock.now();
    const _id = options.id ?? new Types.ObjectId();
    const userId = new Types.ObjectId(actor.id);
    for (let attempt = 0; ; attempt++) {
      const slug = await this.allocateSlug(spec, String(data[spec.titleField] ?? ''), data.slug as string | undefined);
      const fields = { ...data, slug };
      Object.assign(fields, spec.derive?.(fields));
      let created;
      try {
        created = await spec.model.create({
          ...fields,
          _id,
          status: 'draft',
          version: 1,
          deletedAt: null,
          ownerId: options.unassigned ? null : userId,
          authorsSinceApproval: [userId],
          createdBy: userId,
          updatedBy: userId,
          createdAt: now,
          updatedAt: now,
        });
      } catch (err) {
        // Two creations racing for the same generated slug: take the next one.
        if (isDuplicateKey(err) && duplicateKeyField(err) === 'slug' && !data.slug && attempt < 5) continue;
        if (isDuplicateKey(err) && duplicateKeyField(err) === 'slug') {
          throw new ValidationError('链接名已被占用', [{ field: 'body.slug', message: 'already taken' }]);
        }
        mapMongooseError(err);
      }
      // The item exists from here on: its history follows (a failure leaves the item, never undoes it).
      await writeRevision({ kind, itemId: _id, version: 1, reason: 'create', data: this.snapshot(spec, fields), by: userId, at: now });
      await recordTransition(kind, _id, 'create', null, 'draft', actor, now, 1);
      return created.toObject() as WorkflowDoc;
    }
  }

  /** Loads an item for the admin side (private fields included), or 404. */
  async load(kind: ItemKind, id: string, options: { includeDeleted?: boolean } = {}): Promise<WorkflowDoc> {
    const spec = workflowKind(kind);
    const _id = toObjectId(id);
    const select = spec.editableFields.includes('phones') ? '+phones' : '';
    const doc = (await spec.model.findOne({ _id, ...(options.includeDeleted ? {} : { deletedAt: null }) }).select(select).lean()) as WorkflowDoc | null;
    if (!doc) throw new NotFoundError(`未找到该${spec.label}`);
    return doc;
  }

  /**
   * Saves changed fields on top of `baseVersion`. `patch` holds editable fields only; a null value clears the field.
   */
  async update(
    kind: ItemKind,
    id: string,
    baseVersion: number,
    patch: Record<string, unknown>,
    actor: Actor,
    reason: RevisionReason = 'update',
    restoredFrom?: number,
  ): Promise<WorkflowDoc> {
    const spec = workflowKind(kind);
    const _id = toObjectId(id);
    if (!actorHasRole(actor, EDIT_ROLES)) throw new ForbiddenError('没有修改内容的权限');
    const doc = await this.load(kind, id);
    if (doc.version !== baseVersion) {
      throw new ConflictError('内容已被他人修改，请刷新后在最新版本上修改', 'version_conflict', { currentVersion: doc.version, baseVersion });
    }
    if (!mayChange(actor, doc)) throw new ForbiddenError('只能修改自己负责的内容，请联系审核员转交', 'not_owner');
    const from = doc.status;
    if (LOCKED_STATUSES.includes(from)) throw new ConflictError('已排期发布的内容不能修改，请先取消定时发布', 'locked_status', { status: from });
    if (from === 'published' && !actorHasRole(actor, LIVE_EDIT_ROLES)) {
      throw new ForbiddenError('已发布的内容需由审核员或管理员修改，或先撤回再编辑', 'live_edit_forbidden');
    }
    const reviewerSave = actorHasRole(actor, LIVE_EDIT_ROLES);
    const to = statusAfterSave(from, reviewerSave);

    const changes: Record<string, unknown> = {};
    const clears: Record<string, 1> = {};
    for (const [k, v] of Object.entries(patch)) {
      if (!spec.editableFields.includes(k)) continue;
      if (v === null) clears[k] = 1;
      else changes[k] = v;
    }
    if (typeof changes.slug === 'string' && changes.slug !== doc.slug) {
      if (doc.firstPublishedAt) throw new ValidationError('已发布过的内容不能修改链接名', [{ field: 'body.slug', message: 'fixed once published' }]);
      changes.slug = await this.allocateSlug(spec, '', changes.slug, _id);
    } else delete changes.slug;
    delete clears.slug;
    delete clears[spec.titleField];
    if (from === 'approved' || from === 'published') clears.approvedBy = 1; // the approval was for other words

    const now = this.deps.clock.now();
    const version = baseVersion + 1;
    const merged = { ...this.snapshot(spec, doc), ...changes };
    for (const k of Object.keys(clears)) delete merged[k];
    const derived = spec.derive?.(merged) ?? {};
    Object.assign(changes, derived);
    Object.assign(merged, derived);
    // A cleared field that is derived (digest: null = "derive it from the body again") is set, not unset: both would conflict.
    for (const k of Object.keys(derived)) delete clears[k];
    let updated: WorkflowDoc | null;
    try {
      // The conditional update on the base version is the concurrency guard: of two saves from one base, one wins.
      updated = (await spec.model
        .findOneAndUpdate(
          { _id, version: baseVersion, status: from, deletedAt: null },
          {
            $set: { ...changes, status: to, version, updatedBy: new Types.ObjectId(actor.id), updatedAt: now },
            ...(Object.keys(clears).length ? { $unset: clears } : {}),
            $addToSet: { authorsSinceApproval: new Types.ObjectId(actor.id) },
          },
          { returnDocument: 'after' as const, runValidators: true },
        )
        .select(spec.editableFields.includes('phones') ? '+phones' : '')
        .lean()) as WorkflowDoc | null;
    } catch (err) {
      if (isDuplicateKey(err)) throw new ValidationError('链接名已被占用', [{ field: 'body.slug', message: 'already taken' }]);
      mapMongooseError(err);
    }
    if (!updated) throw new ConflictError('内容已被他人修改，请刷新后在最新版本上修改', 'version_conflict', { baseVersion });
    await writeRevision({ kind, itemId: _id, version, reason, data: this.snapshot(spec, merged), by: new Types.ObjectId(actor.id), at: now, restoredFrom });
    if (from !== to || from === 'published') {
      const comment = `修改后状态由「${ITEM_STATUS_LABELS[from]}」变为「${ITEM_STATUS_LABELS[to]}」`;
      await recordTransition(kind, _id, 'edit', from, to, actor, now, version, comment);
    }
    const face = publicFaceReason('edit', from, to);
    if (face) this.deps.events.emit('item.changed', { kind, id: String(_id), slug: updated.slug, reason: face });
    return updated;
  }

  async listRevisions(kind: ItemKind, id: string): Promise<RevisionSummary[]> {
    await this.load(kind, id, { includeDeleted: true });
    const rows = await Revision.find({ kind, itemId: toObjectId(id) }, { data: 0 }).sort({ version: -1 }).lean();
    return rows.map((r) => ({ version: r.version, reason: r.reason, by: String(r.by), at: r.at, restoredFrom: r.restoredFrom ?? null }));
  }

  async getRevision(kind: ItemKind, id: string, version: number): Promise<RevisionDoc> {
    await this.load(kind, id, { includeDeleted: true });
    const rev = await Revision.findOne({ kind, itemId: toObjectId(id), version }).lean();
    if (!rev) throw new NotFoundError('未找到该版本');
    return rev;
  }

  /** Makes an old revision's content the newest version (its own new revision; history is never rewritten). */
  async restoreRevision(kind: ItemKind, id: string, version: number, baseVersion: number, actor: Actor): Promise<WorkflowDoc> {
    const spec = workflowKind(kind);
    const rev = await this.getRevision(kind, id, version);
    const current = await this.load(kind, id);
    const patch: Record<string, unknown> = {};
    for (const f of spec.editableFields) patch[f] = rev.data[f] ?? null;
    // The title can never be cleared; a published slug never changes.
    if (patch[spec.titleField] === null) delete patch[spec.titleField];
    if (current.firstPublishedAt || patch.slug === null) delete patch.slug;
    return this.update(kind, id, baseVersion, patch, actor, 'restore_revision', version);
  }

  /**
   * Soft delete, for every item: it disappears everywhere but keeps its revisions and transitions, and a reviewer
   * can restore it. Editors delete only their own items, and only items that never went live; anything ever
   * published takes a reviewer. Live or scheduled items must be withdrawn first. Only an admin purges (below).
   */
  async remove(kind: ItemKind, id: string, actor: Actor): Promise<{ deleted: 'soft' }> {
    const spec = workflowKind(kind);
    const doc = await this.load(kind, id);
    if (doc.status === 'published' || LOCKED_STATUSES.includes(doc.status)) {
      throw new ConflictError(`「${ITEM_STATUS_LABELS[doc.status]}」的内容不能删除，请先撤回`, 'locked_status', { status: doc.status });
    }
    if (!actorHasRole(actor, ['editor', 'reviewer'])) throw new ForbiddenError();
    if (!mayChange(actor, doc)) throw new ForbiddenError('只能删除自己负责的内容', 'not_owner');
    if (doc.firstPublishedAt && !actorHasRole(actor, ['reviewer'])) throw new ForbiddenError('发布过的内容需由审核员或管理员删除', 'delete_forbidden');
    const _id = doc._id;
    const now = this.deps.clock.now();
    const updated = await spec.model
      .findOneAndUpdate({ _id, status: doc.status, version: doc.version, deletedAt: null }, { $set: { deletedAt: now } }, { returnDocument: 'after' as const })
      .lean();
    if (!updated) throw new ConflictError('内容刚刚被他人修改，请刷新后重试', 'concurrent_change');
    await recordTransition(kind, _id, 'delete', doc.status, doc.status, actor, now, doc.version);
    if (doc.firstPublishedAt) this.deps.events.emit('item.changed', { kind, id: String(_id), slug: doc.slug, reason: 'deleted' });
    return { deleted: 'soft' };
  }

  /**
   * Erases a soft-deleted item and its saved versions for good (admin only, e.g. on a legal request). The
   * transitions stay, with a 'purge' entry naming who did it and why: the audit trail outlives the content.
   */
  async purge(kind: ItemKind, id: string, actor: Actor, reason: string): Promise<{ purged: true }> {
    const spec = workflowKind(kind);
    if (actor.role !== 'admin') throw new ForbiddenError('只有管理员可以彻底删除内容', 'purge_forbidden');
    const doc = await this.load(kind, id, { includeDeleted: true });
    if (!doc.deletedAt) throw new ConflictError('请先删除该内容，再彻底清除', 'not_deleted');
    const res = await spec.model.deleteOne({ _id: doc._id, deletedAt: { $ne: null } });
    if (res.deletedCount !== 1) throw new ConflictError('内容刚刚被他人修改，请刷新后重试', 'concurrent_change');
    await Revision.deleteMany({ kind, itemId: doc._id });
    await recordTransition(kind, doc._id, 'purge', doc.status, doc.status, actor, this.deps.clock.now(), doc.version, reason);
    return { purged: true };
  }

  /** Hands an item to another editor (reviewers and admins), recorded as a 'reassign' transition. */
  async reassign(kind: ItemKind, id: string, ownerId: string, actor: Actor): Promise<WorkflowDoc> {
    const spec = workflowKind(kind);
    if (!actorHasRole(actor, ['reviewer'])) throw new ForbiddenError('转交内容需要审核员或管理员', 'reassign_forbidden');
    const doc = await this.load(kind, id);
    const role = await activeUserRole(ownerId);
    if (role !== 'editor' && role !== 'admin') {
      throw new ValidationError('只能转交给在职的编辑', [{ field: 'body.ownerId', message: 'not an active editor' }]);
    }
    const owner = new Types.ObjectId(ownerId);
    const updated = (await spec.model
      .findOneAndUpdate({ _id: doc._id, deletedAt: null }, { $set: { ownerId: owner } }, { returnDocument: 'after' as const })
      .lean()) as WorkflowDoc | null;
    if (!updated) throw new ConflictError('内容刚刚被他人修改，请刷新后重试', 'concurrent_change');
    const comment = `负责人由 ${String(doc.ownerId ?? doc.createdBy)} 转交给 ${ownerId}`;
    await recordTransition(kind, doc._id, 'reassign', doc.status, doc.status, actor, this.deps.clock.now(), doc.version, comment);
    return updated;
  }

  /** Brings a soft-deleted item back, in the (non-live) status it had. */
  async undelete(kind: ItemKind, id: string, actor: Actor): Promise<WorkflowDoc> {
    const spec = workflowKind(kind);
    if (!actorHasRole(actor, ['reviewer'])) throw new ForbiddenError('恢复已删除内容需要审核员或管理员');
    const doc = await this.load(kind, id, { includeDeleted: true });
    if (!doc.deletedAt) throw new ConflictError('该内容未被删除', 'not_deleted');
    const now = this.deps.clock.now();
    const updated = (await spec.model
      .findOneAndUpdate({ _id: doc._id, deletedAt: { $ne: null } }, { $set: { deletedAt: null } }, { returnDocument: 'after' as const })
      .lean()) as WorkflowDoc | null;
    if (!updated) throw new ConflictError('内容刚刚被他人修改，请刷新后重试', 'concurrent_change');
    await recordTransition(kind, doc._id, 'restore', doc.status, doc.status, actor, now, doc.version);
    this.deps.events.emit('item.changed', { kind, id: String(doc._id), slug: doc.slug, reason: 'restored' });
    return updated;
  }
}

export interface RevisionSummary {
  version: number;
  reason: RevisionReason;
  by: string;
  at: Date;
  restoredFrom: number | null;
}
