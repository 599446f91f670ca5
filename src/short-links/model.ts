/**
 * Short links for texts with a length limit (SMS): one code per public page and channel, so a click tells which
 * channel brought the reader. Only the count is kept: no address, no user agent, no time of a single click.
 */
import mongoose, { Schema, type Types } from 'mongoose';

export interface ShortLinkDoc {
  _id: Types.ObjectId;
  /** 6 characters of [0-9A-Za-z]: PUBLIC_BASE_URL/l/<code>. */
  code: string;
  /** Site-relative path the code sends to (relative, so a new PUBLIC_BASE_URL keeps old texts working). */
  path: string;
  /** The channel the link was made for (sms, weibo …). */
  channel: string;
  /** The item behind the page, for the editor's figures. */
  itemKind?: string;
  itemId?: string;
  clicks: number;
  lastClickedAt?: Date;
  createdAt: Date;
}

const shortLinkSchema = new Schema<ShortLinkDoc>(
  {
    code: { type: String, required: true, unique: true },
    path: { type: String, required: true, maxlength: 500 },
    channel: { type: String, required: true, maxlength: 20 },
    itemKind: { type: String },
    itemId: { type: String },
    clicks: { type: Number, required: true, default: 0 },
    lastClickedAt: { type: Date },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, strict: 'throw', collection: 'short_links' },
);
// Stable per page and channel: the same publication re-sent (or another batch) reuses the code.
shortLinkSchema.index({ path: 1, channel: 1 }, { unique: true });
// An item's links, for the click figures.
shortLinkSchema.index({ itemKind: 1, itemId: 1 });

export const ShortLink = (mongoose.models.ShortLink as mongoose.Model<ShortLinkDoc>) ?? mongoose.model<ShortLinkDoc>('ShortLink', shortLinkSchema);
