/** Menu taps and link opens (CLICK / VIEW / SCAN events), for the engagement figures. */
import mongoose, { Schema } from 'mongoose';

export interface InteractionDoc {
  openid: string;
  event: 'CLICK' | 'VIEW' | 'SCAN';
  key: string;
  at: Date;
}

const schema = new Schema<InteractionDoc>(
  {
    openid: { type: String, required: true },
    event: { type: String, enum: ['CLICK', 'VIEW', 'SCAN'], required: true },
    key: { type: String, required: true, maxlength: 1024 },
    at: { type: Date, required: true },
  },
  { versionKey: false, collection: 'wechat_interactions' },
);
// Counts per event and key over a period; also the TTL (a year of history is enough for summaries).
schema.index({ at: 1 }, { expireAfterSeconds: 366 * 86_400 });
schema.index({ event: 1, key: 1, at: 1 });

export const WechatInteraction =
  (mongoose.models.WechatInteraction as mongoose.Model<InteractionDoc>) ??
  mongoose.model<InteractionDoc>('WechatInteraction', schema);
