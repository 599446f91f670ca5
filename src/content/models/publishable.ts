/**
 * Fields and indexes every publishable kind shares, added by one schema plugin.
 * The workflow (src/content/workflow/) is generic over any model that uses this plugin, so meetings reuse it.
 */
import { Schema, type Types } from 'mongoose';
import { ITEM_STATUSES, type ItemStatus, type Region } from '../enums';

export interface PublishableFields {
  _id: Types.ObjectId;
  status: ItemStatus;
  /** Optimistic concurrency: every save carries the version it was based on; a stale base is refused (409). */
  version: number;
  /** Unique per kind, readable (pinyin for Chinese titles), never changed once the item has been published. */
  slug: string;
  publishedAt?: Date;
  /** Set the first time the item goes live; decides soft (restorable) versus hard delete. */
  firstPublishedAt?: Date;
  scheduledAt?: Date;
  /** Soft delete: set for items that were ever published; such items are invisible everywhere but restorable. */
  deletedAt?: Date | null;
  createdBy: Types.ObjectId;
  updatedBy: Types.ObjectId;
  /** The author who submitted for review: they cannot approve it themselves. */
  submittedBy?: Types.ObjectId;
  approvedBy?: Types.ObjectId;
  /** Legacy (before authorsSinceApproval): people other than the submitter who saved during one review round. */
  editedInReviewBy?: Types.ObjectId[];
  /**
   * Everyone who wrote, saved or submitted the item since its last approval: none of them may approve it (four
   * eyes). Cleared by an approval; a rejection keeps it, so a reviewer who rewrote a draft cannot approve it later.
   */
  authorsSinceApproval?: Types.ObjectId[];
  /** The editor responsible for the item: editors change only their own (reviewers and admins reassign). Legacy: createdBy. */
  ownerId?: Types.ObjectId;
  /** Page views, added in batches by the microsite. */
  viewCount: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface RegionFields {
  region: Region;
  /** Denormalised [city, county, township] names so one multikey index serves "region = X" at any level. */
  regionKeys: string[];
}

export const regionSchema = new Schema<Region>(
  {
    city: { type: String, trim: true, maxlength: 50 },
    county: { type: String, trim: true, maxlength: 50 },
    township: { type: String, trim: true, maxlength: 50 },
  },
  { _id: false },
);

export function regionKeysOf(region: Region | undefined): string[] {
  return [region?.city, region?.county, region?.township].filter((v): v is string => !!v && v.trim() !== '');
}

/** Adds the shared workflow fields and the indexes behind the admin list and the public queries. */
export function publishablePlugin(schema: Schema): void {
  schema.add({
    status: { type: String, enum: ITEM_STATUSES, required: true, default: 'draft' },
    version: { type: Number, required: true, default: 1, min: 1 },
    // getPublishedBySlug / slug uniqueness per kind.
    slug: { type: String, required: true, unique: true, trim: true, maxlength: 120 },
    publishedAt: { type: Date },
    firstPublishedAt: { type: Date },
    scheduledAt: { type: Date },
    deletedAt: { type: Date, default: null },
    createdBy: { type: Schema.Types.ObjectId, required: true },
    updatedBy: { type: Schema.Types.ObjectId, required: true },
    submittedBy: { type: Schema.Types.ObjectId },
    approvedBy: { type: Schema.Types.ObjectId },
    editedInReviewBy: { type: [Schema.Types.ObjectId], default: undefined },
    authorsSinceApproval: { type: [Schema.Types.ObjectId], default: undefined },
    ownerId: { type: Schema.Types.ObjectId },
    viewCount: { type: Number, default: 0, min: 0 },
    // Set by the services from the injected clock (tests drive time), not by mongoose.
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  });
  // Every list filters on deletedAt (null: live items; {$ne: null}: the trash), so it follows the equality fields
  // of each list index: the page is read in index order and the list's count is answered from index entries
  // alone (no document read), in the embedded engine (COUNT_SCAN) as in mongod.
  // Admin list, no filter, newest edits first (keyset on updatedAt,_id).
  schema.index({ deletedAt: 1, updatedAt: -1, _id: -1 });
  // Admin list filtered by status, newest edits first.
  schema.index({ status: 1, deletedAt: 1, updatedAt: -1, _id: -1 });
  // Admin list filtered by author ("my drafts"), newest edits first.
  schema.index({ createdBy: 1, deletedAt: 1, updatedAt: -1, _id: -1 });
  // Admin list sorted by publication date.
  schema.index({ deletedAt: 1, publishedAt: -1, _id: -1 });
  // Public lists / latest / adjacent: status 'published', newest first.
  schema.index({ status: 1, deletedAt: 1, publishedAt: -1, _id: -1 });
}

/** Adds region fields with their admin and public list indexes. */
export function regionPlugin(schema: Schema): void {
  schema.add({ region: { type: regionSchema, default: () => ({}) }, regionKeys: { type: [String], default: [] } });
  // Admin list filtered by region (any level), newest edits first.
  schema.index({ regionKeys: 1, deletedAt: 1, updatedAt: -1, _id: -1 });
  // Public list filtered by region.
  schema.index({ status: 1, regionKeys: 1, deletedAt: 1, publishedAt: -1, _id: -1 });
}

/** Shared schema options: our own `version` replaces mongoose's __v; timestamps come from the service clock. */
export const publishableSchemaOptions = { versionKey: false as const, timestamps: false as const, strict: 'throw' as const };
