/**
 * A deputy's personal satisfaction link (满意度测评) for one handling round. Only a hash of the token is stored (as
 * meetings' RSVP links); the link expires, and works for its round only: once the round is rated, or the suggestion
 * goes back for re-handling, it is spent.
 */
import mongoose, { Schema, type Types } from 'mongoose';

export interface SatisfactionLinkDoc {
  _id: Types.ObjectId;
  suggestionId: Types.ObjectId;
  round: number;
  deputyId: Types.ObjectId;
  deputyName: string;
  /** SHA-256 (or HMAC with SUGGESTION_TOKEN_SECRET) of the token in the link. */
  tokenHash: string;
  expiresAt: Date;
  /** When this link gave the round's rating. */
  usedAt?: Date | null;
  createdAt: Date;
}

const linkSchema = new Schema<SatisfactionLinkDoc>(
  {
    suggestionId: { type: Schema.Types.ObjectId, required: true },
    round: { type: Number, required: true },
    deputyId: { type: Schema.Types.ObjectId, required: true },
    deputyName: { type: String, required: true },
    tokenHash: { type: String, required: true },
    expiresAt: { type: Date, required: true },
    usedAt: { type: Date, default: null },
    createdAt: { type: Date, required: true },
  },
  { collection: 'suggestion_satisfaction_links' },
);
linkSchema.index({ tokenHash: 1 }, { unique: true });
// One live link per deputy and round: sending again replaces the token (the old link stops working).
linkSchema.index({ suggestionId: 1, round: 1, deputyId: 1 }, { unique: true });

export const SatisfactionLink =
  (mongoose.models.SatisfactionLink as mongoose.Model<SatisfactionLinkDoc>) ??
  mongoose.model<SatisfactionLinkDoc>('SatisfactionLink', linkSchema);
