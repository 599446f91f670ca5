/**
 * The plain-mode callback signatures already used, one record each, with a hash of the body each one signed.
 * A plain-mode signature covers only token, timestamp and nonce: a captured URL could otherwise sign any body for the
 * whole timestamp window. Safe mode needs none of this (msg_signature signs the ciphertext: another message cannot
 * carry it), so the hot path writes no record here.
 */
import mongoose, { Schema } from 'mongoose';

export interface CallbackSignatureDoc {
  /** `timestamp:nonce:signature` as the callback carried it. */
  _id: string;
  bodyHash: string;
  at: Date;
}

const schema = new Schema<CallbackSignatureDoc>(
  {
    _id: { type: String, required: true },
    bodyHash: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false, collection: 'wechat_callback_signatures' },
);
// A signature is refused as stale 5 minutes from its timestamp; a day covers any clock difference.
schema.index({ at: 1 }, { expireAfterSeconds: 86_400 });

export const WechatCallbackSignature =
  (mongoose.models.WechatCallbackSignature as mongoose.Model<CallbackSignatureDoc>) ??
  mongoose.model<CallbackSignatureDoc>('WechatCallbackSignature', schema);
