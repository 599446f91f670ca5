/** Account-level settings editors change through the admin API: one document per setting name. */
import mongoose, { Schema } from 'mongoose';

export interface SettingDoc {
  _id: 'defaultReply' | 'menu' | 'replyCacheVersion';
  value: unknown;
  updatedBy?: string;
  updatedAt: Date;
  /** menu only: when `npm run wechat:menu` last pushed it successfully. */
  pushedAt?: Date;
}

const schema = new Schema<SettingDoc>(
  {
    _id: { type: String, required: true },
    value: { type: Schema.Types.Mixed, required: true },
    updatedBy: { type: String },
    updatedAt: { type: Date, required: true },
    pushedAt: { type: Date },
  },
  { versionKey: false, collection: 'wechat_settings', minimize: false },
);

export const WechatSetting =
  (mongoose.models.WechatSetting as mongoose.Model<SettingDoc>) ?? mongoose.model<SettingDoc>('WechatSetting', schema);
