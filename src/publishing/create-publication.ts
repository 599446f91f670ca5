/** Creating a publication: validate the request against the item and the channels, then record it. */
import { Types } from 'mongoose';
import type { ChannelName, ItemKind, SmsNotificationKind } from '../channels/types';
import { ConflictError, ValidationError } from '../errors';
import type { AudienceRecipient } from '../audiences/registry';
import { hasAudienceResolver } from '../audiences/registry';
import { hasPhoneAudience, type AudienceSpec } from '../audiences/types';
import { Publication, type PublicationDoc } from './models/publication';
import { markItemScheduled, requirePublishable } from './items';
import { publishingRuntime } from './runtime';
import type { LargeSendConfirmation } from './sms-guard';

export interface CreatePublicationInput {
  kind: ItemKind;
  itemId: string;
  channels: ChannelName[];
  audience?: AudienceSpec;
  /** Send at this time (scheduled); omitted or not in the future = now. */
  at?: Date;
  sms?: {
    notification: SmsNotificationKind;
    /** Template values shared by every recipient. */
    params?: Record<string, string>;
    /** Explicit recipients (added to the audience), each with optional personal params. */
    recipients?: AudienceRecipient[];
    /** An admin's confirmation of a send above SMS_CONFIRM_ABOVE recipients, kept in the publication. */
    largeSendConfirmation?: LargeSendConfirmation;
  };
  /** publish: free publish (no push). broadcast: mass send to all followers or `tagId` (consumes the quota). */
  wechat?: { mode: 'publish' | 'broadcast'; tagId?: number };
  /** User id, or a module name ("meetings") for automatic publications. */
  createdBy: string;
  /** One publication per key: a second call with the same key returns the first (created: false). */
  dedupeKey?: string;
}

export interface CreatedPublication {
  publication: PublicationDoc;
  created: boolean;
}

const CHANNEL_ORDER: ChannelName[] = ['microsite', 'wechat', 'weibo', 'sms', 'webhook'];

export async function createPublication(input: CreatePublicationInput): Promise<CreatedPublication> {
  const { clock, wake, channels: available } = publishingRuntime();
  if (input.dedupeKey) {
    const existing = await Publication.findOne({ dedupeKey: input.dedupeKey }).lean();
    if (existing) return { publication: existing, created: false };
  }
  const channels = CHANNEL_ORDER.filter((c) => input.channels.includes(c));
  if (!channels.length) throw new ValidationError('至少选择一个发布渠道', [{ field: 'body.channels', message: 'empty' }]);
  if (channels.includes('wechat') && !available.has('wechat')) {
    throw new ValidationError('尚未配置微信公众号（WECHAT_APP_ID / WECHAT_APP_SECRET），无法发布到公众号', [
      { field: 'body.channels', message: 'wechat is not configured' },
    ]);
  }

  if (channels.includes('weibo') && !available.has('weibo')) {
    throw new ValidationError('尚未配置微博应用（WEIBO_APP_KEY / WEIBO_APP_SECRET / WEIBO_REDIRECT_URI），无法发布到微博', [
      { field: 'body.channels', message: 'weibo is not configured' },
    ]);
  }

  const audience: AudienceSpec = { ...(input.audience ?? {}) };
  if (input.sms?.recipients?.length) audience.recipients = [...(audience.recipients ?? []), ...input.sms.recipients];
  for (const name of Object.keys(audience.resolvers ?? {})) {
    if (!hasAudienceResolver(name)) {
      throw new ValidationError(`未知的受众类型：${name}`, [{ field: `body.audience.${name}`, message: 'unknown audience' }]);
    }
  }
  if (channels.includes('sms') && !hasPhoneAudience(audience)) {
    throw new ValidationError('短信渠道需要指定接收人（代表、订阅用户或参会人员）', [{ field: 'body.audience', message: 'no SMS recipients' }]);
  }
  let wechat: PublicationDoc['wechat'];
  if (channels.includes('wechat')) {
    const mode = input.wechat?.mode ?? 'publish';
    const tagId = input.wechat?.tagId ?? audience.followers?.tagId;
    wechat = mode === 'broadcast' && tagId !== undefined ? { mode, tagId } : { mode };
  }

  const { title } = await requirePublishable(input.kind, input.itemId);
  await publishingRuntime().checkContent?.(channels, input.kind, input.itemId);
  const now = clock.now();
  const scheduled = !!input.at && input.at.getTime() > now.getTime();
  const doc = {
    _id: new Types.ObjectId(),
    kind: input.kind,
    itemId: input.itemId,
    title,
    channels,
    audience,
    ...(channels.includes('sms')
      ? {
          sms: {
            notification: input.sms?.notification ?? 'news',
            params: input.sms?.params ?? {},
            ...(input.sms?.largeSendConfirmation ? { largeSendConfirmation: input.sms.largeSendConfirmation } : {}),
          },
        }
      : {}),
    ...(wechat ? { wechat } : {}),
    status: scheduled ? 'scheduled' : 'pending',
    ...(scheduled ? { scheduledAt: input.at } : {}),
    dueAt: scheduled ? input.at! : now,
    planLease: null,
    ...(input.dedupeKey ? { dedupeKey: input.dedupeKey } : {}),
    createdBy: input.createdBy,
    createdAt: now,
    updatedAt: now,
  } as const;
  try {
    await Publication.create(doc);
  } catch (err) {
    if ((err as { code?: number }).code === 11000 && input.dedupeKey) {
      // Another instance created it between our check and our insert: theirs is the one.
      const existing = await Publication.findOne({ dedupeKey: input.dedupeKey }).lean();
      if (existing) return { publication: existing, created: false };
    }
    if ((err as { code?: number }).code === 11000) throw new ConflictError('重复的发布请求');
    throw err;
  }
  if (scheduled && channels.includes('microsite')) await markItemScheduled(input.kind, input.itemId, input.at!);
  if (!scheduled) wake();
  const publication = (await Publication.findById(doc._id).lean())!;
  return { publication, created: true };
}
