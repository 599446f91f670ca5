/**
 * The publishable face of a planned activity's notice (kind 'activity'), so the SMS to members leaves through the
 * publishing pipeline like every other message. It shares the activity's _id, is created 'approved' (the liaison's
 * plan is the approval) and is only ever sent by SMS: the microsite does not show it.
 */
import mongoose, { Schema } from 'mongoose';
import { publishablePlugin, publishableSchemaOptions, type PublishableFields } from '../../content/models/publishable';

export interface ActivityNoticeDoc extends PublishableFields {
  title: string;
  digest: string;
  body: string;
}

const noticeSchema = new Schema<ActivityNoticeDoc>(
  {
    title: { type: String, required: true, trim: true, maxlength: 200 },
    digest: { type: String, default: '', maxlength: 120 },
    body: { type: String, default: '', maxlength: 20_000 },
  },
  { ...publishableSchemaOptions, collection: 'activity_notices' },
);
noticeSchema.plugin(publishablePlugin);

export const ActivityNotice =
  (mongoose.models.ActivityNotice as mongoose.Model<ActivityNoticeDoc>) ?? mongoose.model<ActivityNoticeDoc>('ActivityNotice', noticeSchema);
