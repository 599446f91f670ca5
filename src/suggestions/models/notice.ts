/**
 * The publishable face of a suggestion's SMS notices (kind 'suggestion'), so messages to deputies (交办, 答复 with the
 * satisfaction link) and to departments (督办) leave through the publishing pipeline like every other message: ledger,
 * retries, receipts, outbox. It shares the suggestion's _id, is created 'approved' (the handling step is the approval)
 * and is only ever sent by SMS: the microsite does not show it.
 */
import mongoose, { Schema } from 'mongoose';
import { publishablePlugin, publishableSchemaOptions, type PublishableFields } from '../../content/models/publishable';

export interface SuggestionNoticeDoc extends PublishableFields {
  title: string;
  digest: string;
  body: string;
}

const noticeSchema = new Schema<SuggestionNoticeDoc>(
  {
    title: { type: String, required: true, trim: true, maxlength: 200 },
    digest: { type: String, default: '', maxlength: 120 },
    body: { type: String, default: '', maxlength: 20_000 },
  },
  { ...publishableSchemaOptions, collection: 'suggestion_notices' },
);
noticeSchema.plugin(publishablePlugin);

export const SuggestionNotice =
  (mongoose.models.SuggestionNotice as mongoose.Model<SuggestionNoticeDoc>) ??
  mongoose.model<SuggestionNoticeDoc>('SuggestionNotice', noticeSchema);
