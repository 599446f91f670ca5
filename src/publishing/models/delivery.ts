/**
 * The delivery ledger: one record per channel × recipient batch of a publication.
 *
 * Status:
 *   planned   written by the planner, not yet claimable (committed a few batches at a time while the plan lease holds)
 *   queued    waiting for a worker (nextAttemptAt, and `waitFor` when it must follow the microsite)
 *   sending   a worker claimed it (attempts already counted) and may have called the provider
 *   pending   the provider accepted it; its final result arrives later (WeChat job events)
 *   sent      done; per-recipient results may still be refined by receipts
 *   failed    stopped: a permanent error or too many transient ones (error says why)
 *   unknown   interrupted after a possible provider call and the provider cannot tell: a person decides
 *   cancelled the publication was cancelled before this batch went out
 */
import mongoose, { Schema, type Types } from 'mongoose';
import type { ChannelName, RecipientStatus } from '../../channels/types';

export const DELIVERY_STATUSES = ['planned', 'queued', 'sending', 'pending', 'sent', 'failed', 'unknown', 'cancelled'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
/** A delivery in one of these needs nothing more from a worker. */
export const SETTLED_DELIVERY_STATUSES: readonly DeliveryStatus[] = ['sent', 'failed', 'unknown', 'cancelled'];

export const DELIVERY_STATUS_LABELS: Record<DeliveryStatus, string> = {
  planned: '准备中',
  queued: '排队中',
  sending: '发送中',
  pending: '等待平台结果',
  sent: '已发送',
  failed: '失败',
  unknown: '结果未知，需人工确认',
  cancelled: '已取消',
};

export interface DeliveryRecipient {
  /** E.164 phone (or openid). */
  recipient: string;
  name?: string;
  /** Per-recipient template values (personal RSVP links). */
  params?: Record<string, string>;
  /** Names of `params` that are credentials: removed once this recipient's text has gone (see secrets.ts). */
  secret?: string[];
  status: RecipientStatus | 'queued';
  providerMessageId?: string;
  errorCode?: string;
  errorMessage?: string;
  /** Set from a delivery receipt. */
  receiptAt?: Date;
}

export interface DeliveryError {
  code: string;
  providerCode?: string;
  message: string;
}

export interface DeliveryDoc {
  _id: Types.ObjectId;
  publicationId: Types.ObjectId;
  channel: ChannelName;
  batchIndex: number;
  /** 1 for the planned delivery; a person's retry opens round 2, 3… as a new record (see retry.ts). */
  round: number;
  retryOf?: Types.ObjectId;
  /** Set when a person opened a new round for this batch: this record is history, the new one counts. */
  supersededBy?: Types.ObjectId | null;
  /** `<publicationId>:<channel>:<batchIndex>` (`:r<round>` from round 2): stable across retries, unique in the ledger. */
  idempotencyKey: string;
  status: DeliveryStatus;
  attempts: number;
  maxAttempts: number;
  nextAttemptAt: Date;
  /** Set on deliveries that must wait for the microsite to go live (their messages link to it). */
  waitFor?: 'microsite' | null;
  /** Held by the worker working on it. Wall-clock time: it is about process liveness. */
  lease?: { owner: string; expiresAt: Date } | null;
  providerIds: Record<string, string>;
  error?: DeliveryError | null;
  recipients: DeliveryRecipient[];
  recipientCount: number;
  lastAttemptAt?: Date;
  settledAt?: Date;
  /** Times a worker asked the provider about this delivery after an interruption. */
  reconcileAttempts: number;
  /** Status polls of a 'pending' delivery. */
  polls: number;
  /** What people did to it (retry, resend, mark sent), newest last. */
  actions: Array<{ action: string; by: string; at: Date; note?: string }>;
  createdAt: Date;
  updatedAt: Date;
}

const recipientSchema = new Schema<DeliveryRecipient>(
  {
    recipient: { type: String, required: true },
    name: String,
    params: { type: Schema.Types.Mixed },
    secret: { type: [String], default: undefined },
    status: { type: String, required: true },
    providerMessageId: String,
    errorCode: String,
    errorMessage: String,
    receiptAt: Date,
  },
  { _id: false },
);

const deliverySchema = new Schema<DeliveryDoc>(
  {
    publicationId: { type: Schema.Types.ObjectId, required: true },
    channel: { type: String, required: true },
    batchIndex: { type: Number, required: true },
    round: { type: Number, default: 1 },
    retryOf: { type: Schema.Types.ObjectId },
    supersededBy: { type: Schema.Types.ObjectId, default: null },
    idempotencyKey: { type: String, required: true },
    status: { type: String, enum: DELIVERY_STATUSES, required: true },
    attempts: { type: Number, default: 0 },
    maxAttempts: { type: Number, required: true },
    nextAttemptAt: { type: Date, required: true },
    waitFor: { type: String, default: null },
    lease: { type: new Schema({ owner: String, expiresAt: Date }, { _id: false }), default: null },
    providerIds: { type: Schema.Types.Mixed, default: () => ({}) },
    error: { type: new Schema({ code: String, providerCode: String, message: String }, { _id: false }), default: null },
    recipients: { type: [recipientSchema], default: [] },
    recipientCount: { type: Number, default: 0 },
    lastAttemptAt: Date,
    settledAt: Date,
    reconcileAttempts: { type: Number, default: 0 },
    polls: { type: Number, default: 0 },
    actions: { type: [new Schema({ action: String, by: String, at: Date, note: String }, { _id: false })], default: [] },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'deliveries', versionKey: false, minimize: false },
);
// Idempotency: one record per publication × channel × batch, whoever plans it.
deliverySchema.index({ idempotencyKey: 1 }, { unique: true });
// Worker claim: queued and due (status 'queued', nextAttemptAt <= now), oldest first.
deliverySchema.index({ status: 1, nextAttemptAt: 1 });
// Recovery: 'sending' deliveries whose worker's lease expired.
deliverySchema.index({ status: 1, 'lease.expiresAt': 1 });
// Publication detail and status roll-up: deliveries of one publication by channel and batch.
deliverySchema.index({ publicationId: 1, channel: 1, batchIndex: 1 });
// No index on recipients.providerMessageId: a receipt is matched to its number in the SMS channel's own batch records
// (src/channels/sms/records.ts, by serial number / BizId or the echoed delivery id), which name the delivery. Such a
// multikey index cost the engine 200 index entries on every SMS batch's outcome (`npm run db:migrate` drops it).
// WeChat job results: find the delivery by publish_id / msg_id.
deliverySchema.index({ 'providerIds.publish_id': 1 }, { sparse: true });
deliverySchema.index({ 'providerIds.msg_id': 1 }, { sparse: true });
// Monthly summary: deliveries created in a month, per channel.
deliverySchema.index({ createdAt: 1, channel: 1 });

export const Delivery = (mongoose.models.Delivery as mongoose.Model<DeliveryDoc>) ?? mongoose.model<DeliveryDoc>('Delivery', deliverySchema);
