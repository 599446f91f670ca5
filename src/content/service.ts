/**
 * Admin-side operations on articles, deputies, groups and cases: input normalisation and reference checks,
 * then the generic editing and workflow services. Routes call this; it calls models.
 */
import { Types } from 'mongoose';
import { NotFoundError, TooManyRequestsError, ValidationError, type FieldProblem } from '../errors';
import type { ContentKind } from './enums';
import { contentKinds, DERIVED_FIELDS } from './kinds';
import { diffFields } from './diff';
import { adminView, listAdmin, type AdminPage } from './admin-list';
import { Media } from './models/media';
import type { AdminListQuery } from './schemas';
import { EditingService, type RevisionSummary } from './workflow/editing';
import { WorkflowService, type TransitionView, type WorkflowDeps } from './workflow/transitions';
import type { Actor } from './workflow/actor';
import { maskPhone } from '../phone-mask';
import { PhoneReveal } from './models/phone-reveal';
import type { PersonAction } from './workflow/rules';
import { announceRosterChange, deputyChange, groupChange, touchesRoster, type RosterChange } from './roster-changes';

type Json = Record<string, unknown>;

/**
 * Deputies' phone numbers are whole for admins only; everyone else sees 138****5678 wherever the admin API shows
 * an item or one of its revisions, and asks for the whole numbers explicitly (revealPhones, audited).
 */
function forViewer(view: Json, viewer: Actor): Json {
  if (viewer.role === 'admin' || !Array.isArray(view.phones)) return view;
  return { ...view, phones: (view.phones as string[]).map(maskPhone) };
}

/** Which id fields point at which collection, to refuse dangling references with the field named. */
const references: Record<ContentKind, { field: string; kind: ContentKind | 'media'; many: boolean }[]> = {
  article: [
    { field: 'coverMediaId', kind: 'media', many: false },
    { field: 'relatedDeputyIds', kind: 'deputy', many: true },
    { field: 'relatedGroupIds', kind: 'group', many: true },
    { field: 'relatedCaseIds', kind: 'case', many: true },
  ],
  deputy: [
    { field: 'photoMediaId', kind: 'media', many: false },
    { field: 'groupId', kind: 'group', many: false },
  ],
  group: [{ field: 'coverMediaId', kind: 'media', many: false }],
  case: [
    { field: 'coverMediaId', kind: 'media', many: false },
    { field: 'relatedDeputyIds', kind: 'deputy', many: true },
    { field: 'relatedGroupIds', kind: 'group', many: true },
  ],
};

export const PHONE_REVEALS_PER_HOUR = 30;
const PHONE_REVEAL_WINDOW_MS = 3_600_000;

export class ContentService {
  readonly editing: EditingService;
  readonly workflow: WorkflowService;

  constructor(private readonly deps: WorkflowDeps) {
    this.editing = new EditingService(deps);
    this.workflow = new WorkflowService(deps);
  }

  private async checkReferences(kind: ContentKind, input: Json): Promise<void> {
    const problems: FieldProblem[] = [];
    for (const ref of references[kind]) {
      const value = input[ref.field];
      if (value === undefined || value === null) continue;
      const ids = (ref.many ? (value as string[]) : [value as string]).map((v) => new Types.ObjectId(v));
      if (!ids.length) continue;
      const model = ref.kind === 'media' ? Media : contentKinds[ref.kind].model;
      const found = await (model as typeof Media).countDocuments({ _id: { $in: ids } });
      if (found !== new Set(ids.map(String)).size) problems.push({ field: `body.${ref.field}`, message: 'refers to an item that does not exist' });
    }
    if (kind === 'group') {
      const memberIds = ((input.members as { deputyId?: string }[] | undefined) ?? []).map((m) => m.deputyId).filter((x): x is string => !!x);
      if (memberIds.length) {
        const found = await contentKinds.deputy.model.countDocuments({ _id: { $in: memberIds.map((i) => new Types.ObjectId(i)) } });
        if (found !== new Set(memberIds).size) problems.push({ field: 'body.members.deputyId', message: 'refers to a deputy that does not exist' });
      }
    }
    if (problems.length) throw new ValidationError('内容引用了不存在的条目', problems);
  }

  /** An editor-supplied digest sticks; an empty one means "derive it from the body". */
  private normalise(input: Json): Json {
    const out = { ...input };
    if ('digest' in out) out.digestAuto = !(typeof out.digest === 'string' && out.digest.trim());
    return out;
  }

  async list(kind: ContentKind, query: AdminListQuery): Promise<AdminPage<Json>> {
    return listAdmin(kind, query);
  }

  async get(kind: ContentKind, id: string, viewer: Actor): Promise<Json> {
    return forViewer(adminView(await this.editing.load(kind, id, { includeDeleted: true })), viewer);
  }

  /** A deputy's whole phone numbers, for a stated reason; every reveal is recorded (listPhoneReveals). */
  async revealPhones(kind: ContentKind, id: string, viewer: Actor, reason: string): Promise<{ phones: string[] }> {
    const doc = await this.editing.load(kind, id);
    if (!viewer.id) throw new NotFoundError('未找到该内容');
    // Masking protects numbers only if nobody can unmask the whole roster: a few dozen an hour per person is plenty
    // for phoning people; more is harvesting. Counted from the audit trail, so it holds across instances.
    const now = this.deps.clock.now();
    const since = new Date(now.getTime() - PHONE_REVEAL_WINDOW_MS);
    const recent = await PhoneReveal.find({ by: new Types.ObjectId(viewer.id), at: { $gt: since } }).sort({ at: 1 }).limit(PHONE_REVEALS_PER_HOUR).select('at').lean();
    if (recent.length >= PHONE_REVEALS_PER_HOUR) {
      const wait = Math.max(1, Math.ceil((recent[0].at.getTime() + PHONE_REVEAL_WINDOW_MS - now.getTime()) / 1000));
      throw new TooManyRequestsError(`一小时内最多查看 ${PHONE_REVEALS_PER_HOUR} 次完整号码，请稍后再试；群发通知请使用短信发布`, wait);
    }
    await PhoneReveal.create({ kind, itemId: doc._id, by: new Types.ObjectId(viewer.id), byName: viewer.name, role: viewer.role, reason, at: now });
    return { phones: ((doc as Json).phones as string[] | undefined) ?? [] };
  }

  async listPhoneReveals(kind: ContentKind, id: string): Promise<{ items: Json[] }> {
    const doc = await this.editing.load(kind, id, { includeDeleted: true });
    const rows = await PhoneReveal.find({ kind, itemId: doc._id }).sort({ at: -1 }).limit(500).lean();
    return { items: rows.map((r) => ({ by: String(r.by), byName: r.byName ?? null, role: r.role, reason: r.reason, at: r.at })) };
  }

  /**
   * Runs a write of a deputy or group inside a roster change announcement (roster-changes.ts), when it may change a
   * group's roster; other kinds and other fields just write.
   */
  private async rosterWrite<T>(kind: ContentKind, change: (() => Promise<RosterChange>) | null, write: () => Promise<T>): Promise<T> {
    if ((kind !== 'deputy' && kind !== 'group') || !change) return write();
    return announceRosterChange(await change(), write);
  }

  private rosterChange(kind: ContentKind, id: string, reason: RosterChange['reason'], movingTo?: unknown): (() => Promise<RosterChange>) | null {
    if (kind === 'deputy') return () => deputyChange(id, reason, movingTo);
    if (kind === 'group') return async () => groupChange(id, reason);
    return null;
  }

  async create(kind: ContentKind, input: Json, actor: Actor): Promise<Json> {
    await this.checkReferences(kind, input);
    const id = new Types.ObjectId();
    const created = await this.rosterWrite(kind, this.rosterChange(kind, String(id), 'created', input.groupId), () =>
      this.editing.create(kind, this.normalise(input), actor, { id }),
    );
    return forViewer(adminView(created), actor);
  }

  async update(kind: ContentKind, id: string, input: Json & { version: number }, actor: Actor): Promise<Json> {
    const { version, ...patch } = input;
    await this.checkReferences(kind, patch);
    const roster = (kind === 'deputy' || kind === 'group') && touchesRoster(kind, patch) ? this.rosterChange(kind, id, 'updated', patch.groupId) : null;
    const updated = await this.rosterWrite(kind, roster, () => this.editing.update(kind, id, version, this.normalise(patch), actor));
    return forViewer(adminView(updated), actor);
  }

  async remove(kind: ContentKind, id: string, actor: Actor) {
    return this.rosterWrite(kind, this.rosterChange(kind, id, 'deleted'), () => this.editing.remove(kind, id, actor));
  }

  purge(kind: ContentKind, id: string, actor: Actor, reason: string) {
    return this.rosterWrite(kind, this.rosterChange(kind, id, 'purged'), () => this.editing.purge(kind, id, actor, reason));
  }

  async reassign(kind: ContentKind, id: string, ownerId: string, actor: Actor): Promise<Json> {
    return forViewer(adminView(await this.editing.reassign(kind, id, ownerId, actor)), actor);
  }

  async undelete(kind: ContentKind, id: string, actor: Actor): Promise<Json> {
    return forViewer(adminView(await this.rosterWrite(kind, this.rosterChange(kind, id, 'restored'), () => this.editing.undelete(kind, id, actor))), actor);
  }

  async act(kind: ContentKind, id: string, action: PersonAction, actor: Actor, body: { comment?: string; version?: number }): Promise<Json> {
    return forViewer(adminView(await this.workflow.transition(kind, id, action, actor, body)), actor);
  }

  transitions(kind: ContentKind, id: string): Promise<TransitionView[]> {
    return this.workflow.listTransitions(kind, id);
  }

  revisions(kind: ContentKind, id: string): Promise<RevisionSummary[]> {
    return this.editing.listRevisions(kind, id);
  }

  async revision(kind: ContentKind, id: string, version: number, viewer: Actor): Promise<Json> {
    const rev = await this.editing.getRevision(kind, id, version);
    const data = forViewer(JSON.parse(JSON.stringify(rev.data)) as Json, viewer);
    return { version: rev.version, reason: rev.reason, by: String(rev.by), at: rev.at, restoredFrom: rev.restoredFrom ?? null, data };
  }

  async restoreRevision(kind: ContentKind, id: string, version: number, baseVersion: number, actor: Actor): Promise<Json> {
    // The old version may name another group: the groups of that version join the change.
    const rev = kind === 'deputy' ? await this.editing.getRevision(kind, id, version) : null;
    const restored = await this.rosterWrite(kind, this.rosterChange(kind, id, 'updated', rev?.data.groupId ? String(rev.data.groupId) : undefined), () =>
      this.editing.restoreRevision(kind, id, version, baseVersion, actor),
    );
    return forViewer(adminView(restored), actor);
  }

  /**
   * What changed between two versions (default: the current version against the one before it; `against: 'approved'`
   * compares with the version a reviewer last approved).
   */
  async diff(kind: ContentKind, id: string, q: { from?: number; to?: number; against?: 'approved' | 'previous' }): Promise<Json> {
    const doc = await this.editing.load(kind, id, { includeDeleted: true });
    const to = q.to ?? doc.version;
    let from = q.from;
    if (q.against === 'approved') {
      const approval = await this.workflow.lastTransition(kind, id, 'approve');
      if (!approval) throw new NotFoundError('该条目还没有审核通过的版本', 'no_approved_version');
      from = approval.version;
    }
    from ??= Math.max(1, to - 1);
    const [a, b] = await Promise.all([this.editing.getRevision(kind, id, from), this.editing.getRevision(kind, id, to)]);
    const order = contentKinds[kind].editableFields.filter((f) => !DERIVED_FIELDS.includes(f));
    // A digest both versions derived from the body is not an edit of its own.
    const derivedDigest = a.data.digestAuto !== false && b.data.digestAuto !== false;
    const skip = (k: string) => DERIVED_FIELDS.includes(k) || (derivedDigest && k === 'digest');
    const strip = (data: Json) => Object.fromEntries(Object.entries(JSON.parse(JSON.stringify(data)) as Json).filter(([k]) => !skip(k)));
    const fields = diffFields(strip(a.data), strip(b.data), order.filter((f) => !skip(f)));
    const meta = (r: typeof a) => ({ version: r.version, reason: r.reason, by: String(r.by), at: r.at });
    return { from: meta(a), to: meta(b), changed: fields.filter((f) => f.changed).map((f) => f.field), fields };
  }

  async views(kind: ContentKind, id: string): Promise<{ id: string; viewCount: number }> {
    const doc = await this.editing.load(kind, id, { includeDeleted: true });
    return { id: String(doc._id), viewCount: doc.viewCount ?? 0 };
  }
}
