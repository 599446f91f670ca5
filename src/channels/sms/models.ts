/**
 * The SMS channel's own records. One SmsMessage per delivery × number is what makes a retried or reconciled
 * delivery never text a number twice: it is written ('sending') before the provider is called and settled
 * after; a 'sending' record found later is in doubt and is reconciled, never blindly resent.
 */
import mongoose, { Schema, type Types } from 'mongoose';
import type { SmsNotificationKind } from '../types';

export type SmsMessageStatus = 'sending' | 'sent' | 'failed' | 'skipped' | 'delivered' | 'unknown';

export interface SmsMessageDoc {
  _id: Types.ObjectId;
  deliveryId: string;
  /** E.164. */
  phone: string;
  notification: SmsNotificationKind;
  provider: string;
  status: SmsMessageStatus;
  providerMessageId?: string;
  errorCode?: string;
  errorMessage?: string;
  attemptedAt: Date;
  /**
   * Written just before the request leaves for the provider. A 'sending' record without it was never handed over
   * (the process stopped in between): it is sent again without asking anyone.
   */
  handedAt?: Date;
  /** The provider's id of the request that carried it, when an answer came (RequestId). */
  requestId?: string;
  /** Why the record stands as it does after a reconcile: what the provider's own records said. */
  evidence?: string;
  settledAt?: Date;
  receiptAt?: Date;
}

const messageSchema = new Schema<SmsMessageDoc>(
  {
    deliveryId: { type: String, required: true },
    phone: { type: String, required: true },
    notification: { type: String, required: true },
    provider: { type: String, required: true },
    status: { type: String, required: true },
    providerMessageId: String,
    errorCode: String,
    errorMessage: String,
    attemptedAt: { type: Date, required: true },
    handedAt: Date,
    requestId: String,
    evidence: String,
    settledAt: Date,
    receiptAt: Date,
  },
  { versionKey: false, collection: 'sms_messages' },
);
// Serves: the delivery's records on retry/reconcile ({deliveryId}); uniqueness = one text per number per delivery.
messageSchema.index({ deliveryId: 1, phone: 1 }, { unique: true });
// Serves: per-number frequency limits ({phone: {$in}, attemptedAt: {$gte}}).
messageSchema.index({ phone: 1, attemptedAt: -1 });
// Serves: applying delivery receipts ({provider, providerMessageId, phone}).
messageSchema.index({ providerMessageId: 1, phone: 1 }, { partialFilterExpression: { providerMessageId: { $type: 'string' } } });

export const SmsMessageModel = (mongoose.models.SmsMessage as mongoose.Model<SmsMessageDoc>) ?? mongoose.model<SmsMessageDoc>('SmsMessage', messageSchema);

export interface SmsOptOutDoc {
  /** E.164 phone. */
  _id: string;
  source: 'reply' | 'admin';
  /** The reply text or the admin's note. */
  note?: string;
  createdBy?: string;
  createdAt: Date;
}

const optOutSchema = new Schema<SmsOptOutDoc>(
  {
    _id: { type: String, required: true },
    source: { type: String, required: true },
    note: String,
    createdBy: String,
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'sms_opt_outs' },
);
// Serves: the admin list, newest first.
optOutSchema.index({ createdAt: -1 });

export const SmsOptOutModel = (mongoose.models.SmsOptOut as mongoose.Model<SmsOptOutDoc>) ?? mongoose.model<SmsOptOutDoc>('SmsOptOut', optOutSchema);
