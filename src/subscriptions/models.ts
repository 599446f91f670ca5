/**
 * Double opt-in: a sign-up becomes a subscription only when the phone's owner types back the code texted to it.
 * One pending request per number (its E.164 form is the _id); only a salted hash of the code is kept.
 */
import mongoose, { Schema } from 'mongoose';
import { publishablePlugin, publishableSchemaOptions, type PublishableFields } from '../content/models/publishable';

export interface SubscriptionRequestDoc {
  /** E.164. */
  _id: string;
  name?: string;
  codeSalt: string;
  codeHash: string;
  expiresAt: Date;
  /** Wrong codes typed against the current code; at the limit the code is void. */
  failedAttempts: number;
  /** Codes texted in the current 24-hour window, and when that window began. */
  sendsInWindow: number;
  windowStart: Date;
  lastSentAt: Date;
  /** The publication that carried the latest code (its delivery record shows whether it arrived). */
  publicationId?: string;
  createdAt: Date;
}

const requestSchema = new Schema<SubscriptionRequestDoc>(
  {
    _id: { type: String, required: true },
    name: { type: String, trim: true, maxlength: 50 },
    codeSalt: { type: String, required: true },
    codeHash: { type: String, required: true },
    expiresAt: { type: Date, required: true },
    failedAttempts: { type: Number, required: true },
    sendsInWindow: { type: Number, required: true },
    windowStart: { type: Date, required: true },
    lastSentAt: { type: Date, required: true },
    publicationId: String,
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'subscription_requests' },
);

export const SubscriptionRequest =
  (mongoose.models.SubscriptionRequest as mongoose.Model<SubscriptionRequestDoc>) ??
  mongoose.model<SubscriptionRequestDoc>('SubscriptionRequest', requestSchema);

/**
 * The publishable face of the confirmation text (kind 'subscription'), so codes leave through the publishing
 * pipeline like every other message (ledger, retries, outbox). One record, created approved: there is nothing to review.
 */
export interface SubscriptionNoticeDoc extends PublishableFields {
  title: string;
  digest: string;
  body: string;
}

const noticeSchema = new Schema<SubscriptionNoticeDoc>(
  {
    title: { type: String, required: true, trim: true, maxlength: 200 },
    digest: { type: String, default: '', maxlength: 120 },
    body: { type: String, default: '', maxlength: 2_000 },
  },
  { ...publishableSchemaOptions, collection: 'subscription_notices' },
);
noticeSchema.plugin(publishablePlugin);

export const SubscriptionNotice =
  (mongoose.models.SubscriptionNotice as mongoose.Model<SubscriptionNoticeDoc>) ??
  mongoose.model<SubscriptionNoticeDoc>('SubscriptionNotice', noticeSchema);
