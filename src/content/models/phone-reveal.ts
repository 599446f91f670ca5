/** The audit trail of who saw a deputy's full phone numbers, when and why (the admin API masks them otherwise). */
import mongoose, { Schema, type Types } from 'mongoose';

export interface PhoneRevealDoc {
  _id: Types.ObjectId;
  kind: string;
  itemId: Types.ObjectId;
  by: Types.ObjectId;
  byName?: string;
  role: string;
  reason: string;
  at: Date;
}

const schema = new Schema<PhoneRevealDoc>(
  {
    kind: { type: String, required: true },
    itemId: { type: Schema.Types.ObjectId, required: true },
    by: { type: Schema.Types.ObjectId, required: true },
    byName: String,
    role: { type: String, required: true },
    reason: { type: String, required: true, maxlength: 500 },
    at: { type: Date, required: true },
  },
  { versionKey: false, collection: 'phone_reveals' },
);
// Serves: one deputy's reveals, newest first.
schema.index({ kind: 1, itemId: 1, at: -1 });
// Serves: one person's reveals in the last hour (the per-person limit).
schema.index({ by: 1, at: 1 });

export const PhoneReveal = (mongoose.models.PhoneReveal as mongoose.Model<PhoneRevealDoc>) ?? mongoose.model<PhoneRevealDoc>('PhoneReveal', schema);
