/**
 * One record per inbound message or event, keyed by WeChat's retry identity (MsgId, or CreateTime + sender + event).
 * It is the claim that makes a retried delivery run once; the reply a retry is answered with is WechatInboundReply
 * (same _id). Claims written before replies had their own records carry `status: 'done'` and the reply here.
 */
import mongoose, { Schema } from 'mongoose';

export interface InboundMessageDoc {
  _id: string;
  /** Written by earlier versions ('processing', then 'done' with the reply); read for retries during an upgrade. */
  status?: 'processing' | 'done';
  /** Earlier versions' stored reply (now WechatInboundReply). */
  reply?: string;
  deferred?: boolean;
  openid: string;
  /**
   * The callback signature it arrived under (`timestamp:nonce:signature`, msg_signature in safe mode) and a hash of
   * the raw body: a delivery of this message under the same signature with the same body is WeChat retrying, with
   * another body (another envelope around the same ciphertext) a forgery. Another message under a used plain-mode
   * signature is caught by WechatCallbackSignature; in safe mode the signature covers the message itself.
   */
  signature?: string;
  bodyHash?: string;
  receivedAt: Date;
  doneAt?: Date;
}

const schema = new Schema<InboundMessageDoc>(
  {
    _id: { type: String, required: true },
    status: { type: String, enum: ['processing', 'done'] },
    reply: { type: String },
    deferred: { type: Boolean },
    openid: { type: String, required: true },
    signature: { type: String },
    bodyHash: { type: String },
    receivedAt: { type: Date, required: true },
    doneAt: { type: Date },
  },
  { versionKey: false, collection: 'wechat_inbound_messages' },
);
// Expiry: WeChat retries within ~15 s; two days keeps a generous window for replays and for support questions.
schema.index({ receivedAt: 1 }, { expireAfterSeconds: 2 * 86_400 });
// No unique index on `signature`: a second unique index makes every claim and stored reply pay a uniqueness check in
// the engine (and a batch of claims go in one by one). Plain-mode signatures have their own records (callback-signature.ts).

export const WechatInboundMessage =
  (mongoose.models.WechatInboundMessage as mongoose.Model<InboundMessageDoc>) ??
  mongoose.model<InboundMessageDoc>('WechatInboundMessage', schema);
