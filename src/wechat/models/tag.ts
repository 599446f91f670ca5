/** The account's follower tags as WeChat knows them (tags/get), refreshed by the nightly sync. */
import mongoose, { Schema } from 'mongoose';

export interface TagDoc {
  _id: number; // WeChat tag id
  name: string;
  count: number;
  syncedAt: Date;
}

const schema = new Schema<TagDoc>(
  {
    _id: { type: Number, required: true },
    name: { type: String, required: true },
    count: { type: Number, required: true, min: 0 },
    syncedAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'wechat_tags' },
);

export const WechatTag = (mongoose.models.WechatTag as mongoose.Model<TagDoc>) ?? mongoose.model<TagDoc>('WechatTag', schema);
