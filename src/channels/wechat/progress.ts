/**
 * What a WeChat delivery has already done, so a retry or a reconcile resumes instead of repeating: uploaded
 * images and cover, the draft, and — before and after the one call that reaches followers — its stage.
 */
import type { Clock } from '../../clock';
import mongoose, { Schema } from 'mongoose';

export type WechatStage = 'preparing' | 'submitting' | 'submitted' | 'sending' | 'sent';

export interface WechatProgressDoc {
  /** The delivery id. */
  _id: string;
  mode: 'publish' | 'broadcast';
  stage: WechatStage;
  /** Markdown image source → URL from media/uploadimg. */
  images: Record<string, string>;
  thumbMediaId?: string;
  draftMediaId?: string;
  publishId?: string;
  msgId?: string;
  msgDataId?: string;
  updatedAt: Date;
}

const schema = new Schema<WechatProgressDoc>(
  {
    _id: String,
    mode: { type: String, required: true },
    stage: { type: String, required: true },
    images: { type: Schema.Types.Mixed, default: {} },
    thumbMediaId: String,
    draftMediaId: String,
    publishId: String,
    msgId: String,
    msgDataId: String,
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'wechat_delivery_progress', minimize: false },
);
// Lookups by _id (delivery id) only.

export const WechatProgressModel =
  (mongoose.models.WechatDeliveryProgress as mongoose.Model<WechatProgressDoc>) ?? mongoose.model<WechatProgressDoc>('WechatDeliveryProgress', schema);

export async function saveProgress(clock: Clock, id: string, fields: Partial<Omit<WechatProgressDoc, '_id'>>): Promise<void> {
  await WechatProgressModel.updateOne({ _id: id }, { $set: { ...fields, updatedAt: clock.now() } }, { upsert: true });
}
