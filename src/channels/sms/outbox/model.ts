/** The outbox: where texts land when no provider is configured, so a trial install shows exactly what would go out. */
import mongoose, { Schema, type Types } from 'mongoose';

export interface OutboxMessageDoc {
  _id: Types.ObjectId;
  deliveryId: string;
  phone: string;
  notification: string;
  templateId: string;
  values: Record<string, string>;
  /** The full text as the recipient would read it, signature included. */
  text: string;
  createdAt: Date;
}

const schema = new Schema<OutboxMessageDoc>(
  {
    deliveryId: { type: String, required: true },
    phone: { type: String, required: true },
    notification: { type: String, required: true },
    templateId: { type: String, required: true },
    values: { type: Schema.Types.Mixed, required: true },
    text: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'sms_outbox' },
);
// Serves: idempotent "send" and exact reconcile ({deliveryId, phone}).
schema.index({ deliveryId: 1, phone: 1 }, { unique: true });
// Serves: GET /api/admin/outbox, newest first (optionally filtered by phone via the first index's sibling below).
schema.index({ createdAt: -1, _id: -1 });
// Serves: GET /api/admin/outbox?phone=… newest first.
schema.index({ phone: 1, createdAt: -1 });

export const OutboxMessageModel = (mongoose.models.SmsOutboxMessage as mongoose.Model<OutboxMessageDoc>) ?? mongoose.model<OutboxMessageDoc>('SmsOutboxMessage', schema);
