/**
 * One record per inbound message or event, keyed by WeChat's retry identity (MsgId, or sender + CreateTime + event).
 * It is the claim that makes a retried delivery run once, and it keeps the reply so the retry is answered the same.
 */
import mongoose, { Schema } from 'mongoose';

export interface InboundMessageDoc {
  _id: string;
  status: 'processing' | 'done';
  /** The plain reply XML exactly as answered, or 'success' (nothing to say, or deferred to a customer-service message). */
  reply?: string;
  /** True when the handler missed the deadline and finished in the background. */
  deferred?: boolean;
  openid: string;
  /**
   * The callback signature it arrived under (`timestamp:nonce:signature`, msg_signature in safe mode) and a hash of
   * the raw body: a plain-mode signature covers only token, timestamp and nonce, so a captured URL could otherwise
   * sign any body for the whole timestamp window. The same body again is WeChat retrying; another body is a forgery.
   */
  signature?: string;
  bodyHash?: string;
  receivedAt: Date;
  doneAt?: Date;
}

const schema = new Schema<InboundMessageDoc>(
  {
    _id: { type: String, required: true },
    status: { type: String, enum: ['processing', 'done'], required: true },
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
// One message per signature: the claim's insert is also the replay check (no separate write per callback).
schema.index({ signature: 1 }, { unique: true, sparse: true });

export const WechatInboundMessage =
  (mongoose.models.WechatInboundMessage as mongoose.Model<InboundMessageDoc>) ??
  mongoose.model<InboundMessageDoc>('WechatInboundMessage', schema);
