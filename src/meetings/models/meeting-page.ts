/**
 * The publishable face of a meeting: what the publishing pipeline and the generic workflow see (kind 'meeting').
 * It shares the meeting's _id and is rewritten from the meeting whenever the meeting changes (publishable.ts),
 * so the meeting keeps its own lifecycle (announced / changed / cancelled / held) while the pipeline's rules —
 * only approved or published items go out — hold for meetings exactly as for articles.
 */
import mongoose, { Schema } from 'mongoose';
import { publishablePlugin, publishableSchemaOptions, type PublishableFields } from '../../content/models/publishable';

export interface MeetingPageDoc extends PublishableFields {
  title: string;
  digest: string;
  /** Markdown composed from the meeting (time, place, agenda, featured cases and deputies, any change notice). */
  body: string;
}

const meetingPageSchema = new Schema<MeetingPageDoc>(
  {
    title: { type: String, required: true, trim: true, maxlength: 200 },
    digest: { type: String, default: '', maxlength: 120 },
    body: { type: String, default: '', maxlength: 200_000 },
  },
  { ...publishableSchemaOptions, collection: 'meeting_pages' },
);
meetingPageSchema.plugin(publishablePlugin);

export const MeetingPage =
  (mongoose.models.MeetingPage as mongoose.Model<MeetingPageDoc>) ?? mongoose.model<MeetingPageDoc>('MeetingPage', meetingPageSchema);
