/**
 * Subscribers: citizens who asked for SMS news with their phone number and consent (the audience `subscribers`).
 * Unsubscribing keeps the record (with the time) so that a later import cannot silently re-add the number.
 */
import mongoose, { Schema, type Types } from 'mongoose';

export interface SubscriberDoc {
  _id: Types.ObjectId;
  /** E.164. */
  phone: string;
  name?: string;
  status: 'active' | 'unsubscribed';
  consentAt: Date;
  /** Where the consent came from: 'web' (the public form), 'admin', 'import' (a bulk import). */
  source: string;
  /** For imports: how the consent was obtained (e.g. the paper form of a reception day), as the admin stated it. */
  consentSource?: string;
  /** For imports: the admin who imported the number. */
  importedBy?: string;
  unsubscribedAt?: Date | null;
  /** 'request' (the form), 'sms' (a TD / 退订 reply), 'admin'. */
  unsubscribeReason?: string;
  createdAt: Date;
  updatedAt: Date;
}

const subscriberSchema = new Schema<SubscriberDoc>(
  {
    phone: { type: String, required: true },
    name: { type: String, trim: true, maxlength: 50 },
    status: { type: String, enum: ['active', 'unsubscribed'], required: true },
    consentAt: { type: Date, required: true },
    source: { type: String, required: true },
    consentSource: { type: String, maxlength: 100 },
    importedBy: String,
    unsubscribedAt: { type: Date, default: null },
    unsubscribeReason: String,
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'subscribers', versionKey: false },
);
// Subscribe / unsubscribe by number: one record per phone.
subscriberSchema.index({ phone: 1 }, { unique: true });
// Audience resolution and the admin list: active subscribers, oldest first (stable batches).
subscriberSchema.index({ status: 1, _id: 1 });

export const Subscriber =
  (mongoose.models.Subscriber as mongoose.Model<SubscriberDoc>) ?? mongoose.model<SubscriberDoc>('Subscriber', subscriberSchema);
