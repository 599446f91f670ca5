/**
 * Signatures already seen on /wechat, with a hash of the body each one arrived with. A plain-mode signature covers only
 * token, timestamp and nonce, so without this a captured URL would sign any body for the whole timestamp window.
 * The same body again is WeChat retrying (the inbound-message dedupe answers it); another body is a forgery.
 */
import mongoose, { Schema } from 'mongoose';

export interface CallbackSignatureDoc {
  /** `timestamp:nonce:signature` (msg_signature in safe mode). */
  _id: string;
  /** sha256 of the raw request body, hex. */
  bodyHash: string;
  seenAt: Date;
}

const schema = new Schema<CallbackSignatureDoc>(
  {
    _id: { type: String, required: true },
    bodyHash: { type: String, required: true },
    seenAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'wechat_callback_signatures' },
);
// Expiry: twice the ±5-minute timestamp window, after which the signature is refused as stale anyway.
schema.index({ seenAt: 1 }, { expireAfterSeconds: 600 });

export const WechatCallbackSignature =
  (mongoose.models.WechatCallbackSignature as mongoose.Model<CallbackSignatureDoc>) ??
  mongoose.model<CallbackSignatureDoc>('WechatCallbackSignature', schema);
