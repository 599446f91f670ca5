/**
 * One person's open content work, across the four kinds: their drafts (with the reviewer's comment when the item
 * came back), what they submitted and still waits, and — for reviewers — what waits for their review (not items
 * they submitted or changed in this round: they may not approve those).
 */
import { Types } from 'mongoose';
import { CONTENT_KINDS, ITEM_STATUS_LABELS, type ContentKind, type ItemStatus } from './enums';
import { contentKinds } from './kinds';
import { Transition } from './models/history';

export interface WorkItem {
  kind: ContentKind;
  id: string;
  title: string;
  status: ItemStatus;
  statusLabel: string;
  version: number;
  updatedAt: Date;
  createdBy: string;
  submittedBy?: string;
}

export interface ReturnedItem extends WorkItem {
  /** The reviewer's comment on the rejection, who returned it and when. */
  comment: string;
  returnedBy?: string;
  returnedByName?: string;
  returnedAt: Date;
}

type Row = Record<string, any>;

function toWorkItem(kind: ContentKind, d: Row): WorkItem {
  return {
    kind,
    id: String(d._id),
    title: String(d[contentKinds[kind].titleField] ?? ''),
    status: d.status,
    statusLabel: ITEM_STATUS_LABELS[d.status as ItemStatus],
    version: d.version,
    updatedAt: d.updatedAt,
    createdBy: String(d.createdBy),
    submittedBy: d.submittedBy ? String(d.submittedBy) : undefined,
  };
}

async function find(filter: Row, limit: number): Promise<WorkItem[]> {
  const rows = await Promise.all(
    CONTENT_KINDS.map(async (kind) => {
      const spec = contentKinds[kind];
      const docs = await spec.model
        .find({ ...filter, deletedAt: null }, { [spec.titleField]: 1, status: 1, version: 1, updatedAt: 1, createdBy: 1, submittedBy: 1, editedInReviewBy: 1 })
        .sort({ updatedAt: -1, _id: -1 })
        .limit(limit)
        .lean();
      return (docs as Row[]).map((d) => ({ item: toWorkItem(kind, d), raw: d }));
    }),
  );
  return rows
    .flat()
    .map((r) => r.item)
    .sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime())
    .slice(0, limit);
}

/** The user's drafts, split into fresh drafts and those a reviewer returned (latest transition a rejection). */
export async function myDrafts(userId: string, limit = 20): Promise<{ drafts: WorkItem[]; returned: ReturnedItem[] }> {
  const items = await find({ createdBy: new Types.ObjectId(userId), status: 'draft' }, limit);
  const returned: ReturnedItem[] = [];
  const drafts: WorkItem[] = [];
  await Promise.all(
    items.map(async (item) => {
      const last = await Transition.findOne({ kind: item.kind, itemId: new Types.ObjectId(item.id) }).sort({ at: -1, _id: -1 }).lean();
      if (last?.action === 'reject') {
        returned.push({ ...item, comment: last.comment ?? '', returnedBy: last.by ? String(last.by) : undefined, returnedByName: last.byName, returnedAt: last.at });
      } else drafts.push(item);
    }),
  );
  const newest = (a: WorkItem, b: WorkItem) => b.updatedAt.getTime() - a.updatedAt.getTime();
  return { drafts: drafts.sort(newest), returned: returned.sort(newest) };
}

/** What the user submitted and still waits for a decision. */
export function mySubmitted(userId: string, limit = 20): Promise<WorkItem[]> {
  return find({ submittedBy: new Types.ObjectId(userId), status: 'in_review' }, limit);
}

/** Items in review this user may decide: not submitted by them, not changed by them in this round. */
export async function awaitingReviewBy(userId: string, limit = 20): Promise<WorkItem[]> {
  const me = new Types.ObjectId(userId);
  // The same four-eyes rule as approve: not what I submitted, rewrote in review, or wrote since the last approval.
  return find({ status: 'in_review', submittedBy: { $ne: me }, editedInReviewBy: { $ne: me }, authorsSinceApproval: { $ne: me } }, limit);
}
