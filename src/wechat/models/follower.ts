/** A follower of the official account (one per openid), kept from follow/unfollow events and the nightly sync. */
import mongoose, { Schema } from 'mongoose';

export interface FollowerDoc {
  _id: string; // openid
  subscribed: boolean;
  subscribedAt?: Date;
  unsubscribedAt?: Date;
  /** Scene of the QR code they followed through (EventKey "qrscene_…" or the profile's qr_scene_str). */
  qrScene?: string;
  /** How they followed (profile subscribe_scene, e.g. ADD_SCENE_QR_CODE). */
  subscribeScene?: string;
  unionid?: string;
  language?: string;
  remark?: string;
  tagIds: number[];
  lastInteractionAt?: Date;
  /** Id of the last complete follower-list sync that listed this openid. */
  lastSeenSyncId?: string;
  profileSyncedAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

const schema = new Schema<FollowerDoc>(
  {
    _id: { type: String, required: true },
    subscribed: { type: Boolean, required: true },
    subscribedAt: { type: Date },
    unsubscribedAt: { type: Date },
    qrScene: { type: String, maxlength: 128 },
    subscribeScene: { type: String, maxlength: 64 },
    unionid: { type: String },
    language: { type: String, maxlength: 16 },
    remark: { type: String, maxlength: 60 },
    tagIds: { type: [Number], default: [] },
    lastInteractionAt: { type: Date },
    lastSeenSyncId: { type: String },
    profileSyncedAt: { type: Date },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'wechat_followers' },
);
// Admin follower list (subscribed filter, newest follows first) and the subscribed count.
schema.index({ subscribed: 1, subscribedAt: -1, _id: 1 });
// Admin list filtered by tag; pushes to a tag's followers.
schema.index({ tagIds: 1, subscribed: 1 });
// Daily counts: unfollows within a day.
schema.index({ unsubscribedAt: 1 });
// Sync: subscribed followers the last complete sync did not list.
schema.index({ subscribed: 1, lastSeenSyncId: 1 });

export const WechatFollower =
  (mongoose.models.WechatFollower as mongoose.Model<FollowerDoc>) ?? mongoose.model<FollowerDoc>('WechatFollower', schema);
