/**
 * The reply each inbound message was answered with, kept for WeChat's retries (the claim is WechatInboundMessage,
 * same _id). A record of its own rather than an update of the claim: an insert of a batch is about half the engine's
 * work of updating the same claims in place (find, decode, re-encode, rewrite each one).
 */
import mongoose, { Schema } from 'mongoose';

export interface InboundReplyDoc {
  /** The message's retry identity (the claim's _id). */
  _id: string;
  /** The plain reply XML exactly as answered, or 'success' (nothing to say, or deferred to a customer-service message). */
  reply: string;
  /** True when the handler missed the deadline and finished in the background. */
  deferred: boolean;
  doneAt: Date;
}

const schema = new Schema<InboundReplyDoc>(
  {
    _id: { type: String, required: true },
    reply: { type: String, required: true },
    deferred: { type: Boolean, required: true },
    doneAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'wechat_inbound_replies' },
);
// Expiry with the claims (two days).
schema.index({ doneAt: 1 }, { expireAfterSeconds: 2 * 86_400 });

export const WechatInboundReply =
  (mongoose.models.WechatInboundReply as mongoose.Model<InboundReplyDoc>) ?? mongoose.model<InboundReplyDoc>('WechatInboundReply', schema);
