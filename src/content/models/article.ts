/** Campaign news / dynamic reports (活动动态). */
import mongoose, { Schema, type Types } from 'mongoose';
import { publishablePlugin, publishableSchemaOptions, regionPlugin, type PublishableFields, type RegionFields } from './publishable';

export interface ArticleDoc extends PublishableFields, RegionFields {
  title: string;
  /** ≤120 characters (WeChat digest); derived from the body when the editor leaves it empty. */
  digest: string;
  digestAuto: boolean;
  /** Markdown source. */
  body: string;
  coverMediaId?: Types.ObjectId;
  byline?: string;
  topics: string[];
  featured: boolean;
  relatedDeputyIds: Types.ObjectId[];
  relatedGroupIds: Types.ObjectId[];
  relatedCaseIds: Types.ObjectId[];
}

const articleSchema = new Schema<ArticleDoc>(
  {
    title: { type: String, required: true, trim: true, maxlength: 200 },
    digest: { type: String, default: '', maxlength: 120 },
    digestAuto: { type: Boolean, default: true },
    body: { type: String, default: '', maxlength: 200_000 },
    coverMediaId: { type: Schema.Types.ObjectId },
    byline: { type: String, trim: true, maxlength: 100 },
    topics: { type: [String], default: [] },
    featured: { type: Boolean, default: false },
    relatedDeputyIds: { type: [Schema.Types.ObjectId], default: [] },
    relatedGroupIds: { type: [Schema.Types.ObjectId], default: [] },
    relatedCaseIds: { type: [Schema.Types.ObjectId], default: [] },
  },
  { ...publishableSchemaOptions, collection: 'articles' },
);
articleSchema.plugin(publishablePlugin);
articleSchema.plugin(regionPlugin);
// Admin list filtered by topic/tag, newest edits first.
articleSchema.index({ topics: 1, deletedAt: 1, updatedAt: -1, _id: -1 });
// Public list by topic.
articleSchema.index({ status: 1, topics: 1, deletedAt: 1, publishedAt: -1, _id: -1 });
// Admin list sorted by title; its count under a title search (q) is tested on the keys' titles.
articleSchema.index({ deletedAt: 1, title: 1, _id: 1 });
// Related articles of a deputy / group / case (relatedFor).
articleSchema.index({ relatedDeputyIds: 1, status: 1 });
articleSchema.index({ relatedGroupIds: 1, status: 1 });
articleSchema.index({ relatedCaseIds: 1, status: 1 });

export const Article = (mongoose.models.Article as mongoose.Model<ArticleDoc>) ?? mongoose.model<ArticleDoc>('Article', articleSchema);
