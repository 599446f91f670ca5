/**
 * Workflow history shared by every publishable kind (meetings included): revisions (a snapshot per save)
 * and transitions (who moved the item from which status to which, when, and why).
 */
import mongoose, { Schema, type Types } from 'mongoose';
import { ITEM_STATUSES, type ItemKind, type ItemStatus } from '../enums';

export const REVISION_REASONS = ['create', 'update', 'restore_revision'] as const;
export type RevisionReason = (typeof REVISION_REASONS)[number];

export interface RevisionDoc {
  _id: Types.ObjectId;
  kind: ItemKind;
  itemId: Types.ObjectId;
  /** The item's version this snapshot became. */
  version: number;
  reason: RevisionReason;
  /** The editable fields as saved (no workflow fields, no private fields other than what the editor sent). */
  data: Record<string, unknown>;
  by: Types.ObjectId;
  at: Date;
  /** When restoring: the version restored from. */
  restoredFrom?: number;
}

const revisionSchema = new Schema<RevisionDoc>(
  {
    kind: { type: String, required: true },
    itemId: { type: Schema.Types.ObjectId, required: true },
    version: { type: Number, required: true },
    reason: { type: String, enum: REVISION_REASONS, required: true },
    data: { type: Schema.Types.Mixed, required: true },
    by: { type: Schema.Types.ObjectId, required: true },
    at: { type: Date, required: true },
    restoredFrom: { type: Number },
  },
  { versionKey: false, collection: 'item_revisions', minimize: false },
);
// Revision list of an item (newest first) and get-one by version; one snapshot per version.
revisionSchema.index({ kind: 1, itemId: 1, version: -1 }, { unique: true });

export const WORKFLOW_ACTIONS = [
  'create',
  'submit',
  'approve',
  'reject',
  'schedule',
  'unschedule',
  'publish',
  'withdraw',
  'archive',
  'edit',
  'delete',
  'restore',
  'reassign',
  'purge',
] as const;
export type WorkflowAction = (typeof WORKFLOW_ACTIONS)[number];

export interface TransitionDoc {
  _id: Types.ObjectId;
  kind: ItemKind;
  itemId: Types.ObjectId;
  action: WorkflowAction;
  from: ItemStatus | null;
  to: ItemStatus;
  /** User id; absent when the system did it (a scheduled publication going live). */
  by?: Types.ObjectId;
  byName?: string;
  at: Date;
  comment?: string;
  /** The item's version at the moment of the transition. */
  version: number;
}

const transitionSchema = new Schema<TransitionDoc>(
  {
    kind: { type: String, required: true },
    itemId: { type: Schema.Types.ObjectId, required: true },
    action: { type: String, enum: WORKFLOW_ACTIONS, required: true },
    from: { type: String, enum: [...ITEM_STATUSES, null], default: null },
    to: { type: String, enum: ITEM_STATUSES, required: true },
    by: { type: Schema.Types.ObjectId },
    byName: { type: String },
    at: { type: Date, required: true },
    comment: { type: String, maxlength: 2000 },
    version: { type: Number, required: true },
  },
  { versionKey: false, collection: 'item_transitions' },
);
// GET /api/admin/{kind}/:id/transitions, oldest first.
transitionSchema.index({ kind: 1, itemId: 1, at: 1, _id: 1 });

export const Revision = (mongoose.models.Revision as mongoose.Model<RevisionDoc>) ?? mongoose.model<RevisionDoc>('Revision', revisionSchema);
export const Transition =
  (mongoose.models.Transition as mongoose.Model<TransitionDoc>) ?? mongoose.model<TransitionDoc>('Transition', transitionSchema);
