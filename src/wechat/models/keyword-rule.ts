/** Keyword reply rules edited by editors: how a citizen's words map to a reply. */
import mongoose, { Schema, type Types } from 'mongoose';
import type { ItemKind } from '../../channels/types';

export const MATCH_TYPES = ['exact', 'contains', 'regex'] as const;
export type MatchType = (typeof MATCH_TYPES)[number];

export type RuleReply = { type: 'text'; text: string } | { type: 'article'; kind: ItemKind; itemId: string };

export interface KeywordRuleDoc {
  _id: Types.ObjectId;
  name: string;
  match: MatchType;
  pattern: string;
  priority: number;
  enabled: boolean;
  reply: RuleReply;
  /** Regex rules: the version of the guard that accepted the pattern (regex-guard.ts); another is checked again before use. */
  regexGuard?: number;
  createdBy: string;
  updatedBy: string;
  createdAt: Date;
  updatedAt: Date;
}

const schema = new Schema<KeywordRuleDoc>(
  {
    name: { type: String, required: true, trim: true, maxlength: 60 },
    match: { type: String, enum: MATCH_TYPES, required: true },
    pattern: { type: String, required: true, maxlength: 200 },
    priority: { type: Number, required: true, default: 0 },
    enabled: { type: Boolean, required: true, default: true },
    reply: { type: Schema.Types.Mixed, required: true },
    regexGuard: { type: Number },
    createdBy: { type: String, required: true },
    updatedBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'wechat_keyword_rules' },
);
// Matching order (enabled rules, higher priority first, then the most recently changed) and the admin list.
schema.index({ enabled: 1, priority: -1, updatedAt: -1 });

export const WechatKeywordRule =
  (mongoose.models.WechatKeywordRule as mongoose.Model<KeywordRuleDoc>) ??
  mongoose.model<KeywordRuleDoc>('WechatKeywordRule', schema);
