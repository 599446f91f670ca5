/** Follower counts per day (Asia/Shanghai calendar day), written by the nightly sync; read by the monthly summary. */
import mongoose, { Schema } from 'mongoose';

export interface FollowerCountDoc {
  _id: string; // YYYY-MM-DD in Asia/Shanghai
  /** Start of that day (Asia/Shanghai) as an instant. */
  day: Date;
  /** Followers WeChat reported (user/get total) at the end of the day, or our own count when WeChat was not asked. */
  total: number;
  followed: number;
  unfollowed: number;
  recordedAt: Date;
}

const schema = new Schema<FollowerCountDoc>(
  {
    _id: { type: String, required: true },
    day: { type: Date, required: true },
    total: { type: Number, required: true, min: 0 },
    followed: { type: Number, required: true, min: 0 },
    unfollowed: { type: Number, required: true, min: 0 },
    recordedAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'wechat_follower_counts' },
);
// followerCountsBetween(from, to): a range of days in order.
schema.index({ day: 1 });

export const WechatFollowerCount =
  (mongoose.models.WechatFollowerCount as mongoose.Model<FollowerCountDoc>) ??
  mongoose.model<FollowerCountDoc>('WechatFollowerCount', schema);
