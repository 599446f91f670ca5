/**
 * A publication: "put item X on channels C for audience A, now or at time T".
 * Its deliveries (one per channel × recipient batch) live in the delivery ledger (./delivery.ts).
 *
 * Life cycle:
 *   scheduled ──(due: scheduler tick)──► pending ──(a worker takes the plan lease)──► planning
 *   planning ──(audience resolved, deliveries written)──► sending ──(every delivery final)──► sent | partial | failed
 *   scheduled | pending ──(a person cancels)──► cancelled
 */
import mongoose, { Schema, type Types } from 'mongoose';
import type { ChannelName, ItemKind, SmsNotificationKind } from '../../channels/types';
import type { AudienceSpec } from '../../audiences/types';

export type { AudienceSpec };

export const PUBLICATION_STATUSES = ['scheduled', 'pending', 'planning', 'sending', 'sent', 'partial', 'failed', 'cancelled'] as const;
export type PublicationStatus = (typeof PUBLICATION_STATUSES)[number];
/** Statuses from which nothing more happens by itself. */
export const FINAL_PUBLICATION_STATUSES: readonly PublicationStatus[] = ['sent', 'partial', 'failed', 'cancelled'];

export const PUBLICATION_STATUS_LABELS: Record<PublicationStatus, string> = {
  scheduled: '已排期',
  pending: '等待发送',
  planning: '准备中',
  sending: '发送中',
  sent: '已完成',
  partial: '部分失败',
  failed: '失败',
  cancelled: '已取消',
};

export interface PublicationDoc {
  _id: Types.ObjectId;
  kind: ItemKind;
  itemId: string;
  /** Title at the time of the request, for lists (the channels read the live item when sending). */
  title: string;
  channels: ChannelName[];
  audience: AudienceSpec;
  sms?: { notification: SmsNotificationKind; params: Record<string, string> };
  wechat?: { mode: 'publish' | 'broadcast'; tagId?: number };
  status: PublicationStatus;
  scheduledAt?: Date;
  /** When it became due (or was created, if immediate): the moment it may start. */
  dueAt: Date;
  startedAt?: Date;
  finishedAt?: Date;
  cancelledAt?: Date;
  cancelledBy?: string;
  /** Held while one worker resolves the audience and writes the deliveries. Wall-clock (process liveness). */
  planLease?: { owner: string; expiresAt: Date } | null;
  /** Audience resolution facts: how many numbers, how many left out and why. */
  audienceSummary?: { recipients: number; excludedOptedOut: number; invalid: number; duplicates: number; invalidSamples: string[] };
  /** Counts of deliveries per status, refreshed whenever one of them settles. */
  deliveryCounts?: Record<string, number>;
  /** Why the publication could not start (an audience that cannot be resolved). */
  error?: { code: string; message: string } | null;
  /** Makes creation idempotent for callers that may race (meeting reminders: `meeting:<id>:reminder:<offset>`). */
  dedupeKey?: string;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

const publicationSchema = new Schema<PublicationDoc>(
  {
    kind: { type: String, required: true },
    itemId: { type: String, required: true },
    title: { type: String, default: '' },
    channels: { type: [String], required: true },
    audience: { type: Schema.Types.Mixed, default: () => ({}) },
    sms: { type: Schema.Types.Mixed },
    wechat: { type: Schema.Types.Mixed },
    status: { type: String, enum: PUBLICATION_STATUSES, required: true },
    scheduledAt: { type: Date },
    dueAt: { type: Date, required: true },
    startedAt: { type: Date },
    finishedAt: { type: Date },
    cancelledAt: { type: Date },
    cancelledBy: { type: String },
    planLease: { type: new Schema({ owner: String, expiresAt: Date }, { _id: false }), default: null },
    audienceSummary: { type: Schema.Types.Mixed },
    deliveryCounts: { type: Schema.Types.Mixed },
    error: { type: Schema.Types.Mixed, default: null },
    dedupeKey: { type: String },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'publications', versionKey: false, minimize: false },
);
// Scheduler tick: scheduled publications whose time has come (status 'scheduled', dueAt <= now).
publicationSchema.index({ status: 1, dueAt: 1 });
// Worker: pending publications to plan, and planning ones whose plan lease expired.
publicationSchema.index({ status: 1, 'planLease.expiresAt': 1 });
// Admin list, newest first; and filtered by item ("what went out for this article").
publicationSchema.index({ createdAt: -1, _id: -1 });
publicationSchema.index({ kind: 1, itemId: 1, createdAt: -1 });
// createPublication({dedupeKey}): one publication per key even when two instances race.
publicationSchema.index({ dedupeKey: 1 }, { unique: true, partialFilterExpression: { dedupeKey: { $type: 'string' } } });

export const Publication =
  (mongoose.models.Publication as mongoose.Model<PublicationDoc>) ?? mongoose.model<PublicationDoc>('Publication', publicationSchema);
