/**
 * The Weibo channel: an approved item becomes one post (statuses/share) with 【title】digest, the microsite link
 * and the cover image. Exactly once: the hand-off is recorded ('posting') before the request; a delivery found
 * in that stage (a crash, a timeout) is looked up in the account's own timeline by the item's link and is
 * 'sent' when found, 'unknown' for a person otherwise — never posted a second time.
 */
import mongoose, { Schema } from 'mongoose';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { sharp } from '../../lazy-sharp';
import type { Clock } from '../../clock';
import type { Logger } from '../../logger';
import { ChannelError, type Channel, type DeliveryOutcome, type DeliveryRequest, type PublishableContent } from '../types';
import { WeiboApiError, type WeiboClient, type WeiboPicture, type WeiboStatus } from './client';
import { markTokenRejected, usableToken } from './connection';
import { RECONNECT_MESSAGE, TOKEN_CODES, toWeiboChannelError } from './errors';
import { composeWeiboText } from './text';

interface WeiboProgressDoc {
  /** The delivery id. */
  _id: string;
  stage: 'posting' | 'posted';
  text: string;
  statusId?: string;
  mid?: string;
  updatedAt: Date;
}

const progressSchema = new Schema<WeiboProgressDoc>(
  { _id: { type: String, required: true }, stage: { type: String, required: true }, text: String, statusId: String, mid: String, updatedAt: Date },
  { versionKey: false, collection: 'weibo_progress' },
);
export const WeiboProgressModel =
  (mongoose.models.WeiboProgress as mongoose.Model<WeiboProgressDoc>) ?? mongoose.model<WeiboProgressDoc>('WeiboProgress', progressSchema);

/** Pages of the own timeline searched for an in-doubt post (100 posts each): a post from a crash is recent. */
const TIMELINE_PAGES = 3;
const PICTURE_MAX_BYTES = 5 * 1024 * 1024;
const PICTURE_TYPES: Record<string, string> = { '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.gif': 'image/gif' };

export interface WeiboChannelDeps {
  client: WeiboClient;
  /** The app's safe domain: links in posts must point here (PUBLIC_BASE_URL's host). */
  safeHost: string;
  clock: Clock;
  logger: Logger;
}

export class WeiboChannel implements Channel {
  readonly name = 'weibo' as const;

  constructor(private readonly deps: WeiboChannelDeps) {}

  async deliver(request: DeliveryRequest): Promise<DeliveryOutcome> {
    const progress = await WeiboProgressModel.findById(request.deliveryId).lean();
    if (progress?.stage === 'posted' && progress.statusId) return sentOutcome(progress.statusId, progress.mid);
    const token = await this.requireToken();
    if (progress?.stage === 'posting') {
      // An earlier attempt handed the post over and got no answer: find it, never post again blindly.
      const found = await this.findInTimeline(token, request, progress.text);
      if (found) return this.recordPosted(request.deliveryId, found);
      throw ChannelError.unverifiable(
        '上次发布到微博时连接中断，且在账号近期微博中没有找到这条内容，无法确认是否已发出。请在微博上核对，确认未发出后再重试。',
        'weibo_post_in_doubt',
      );
    }
    const { content } = request;
    const composed = composeWeiboText(content, this.deps.safeHost);
    if (!composed.ok) throw new ChannelError(composed.message, composed.code, false);
    const pic = await this.picture(content.coverImagePath);
    await WeiboProgressModel.updateOne(
      { _id: request.deliveryId },
      { $set: { stage: 'posting', text: composed.text, updatedAt: this.deps.clock.now() } },
      { upsert: true },
    );
    try {
      const status = await this.deps.client.share(token, composed.text, pic);
      return await this.recordPosted(request.deliveryId, status);
    } catch (err) {
      // Only an unanswered request leaves 'posting' (in doubt); a refusal means nothing was posted.
      if (!(err instanceof WeiboApiError && err.mayHaveBeenAccepted)) await WeiboProgressModel.deleteOne({ _id: request.deliveryId, stage: 'posting' });
      if (err instanceof WeiboApiError && TOKEN_CODES.has(err.errorCode)) await markTokenRejected(token, this.deps.clock.now());
      throw toWeiboChannelError(err, '发布到微博');
    }
  }

  async reconcile(request: DeliveryRequest, providerIds: Record<string, string>): Promise<DeliveryOutcome | 'unknown'> {
    if (providerIds.status_id) return sentOutcome(providerIds.status_id, providerIds.mid);
    const progress = await WeiboProgressModel.findById(request.deliveryId).lean();
    if (progress?.stage === 'posted' && progress.statusId) return sentOutcome(progress.statusId, progress.mid);
    // The worker died before handing anything over: posting now is the first and only post.
    if (!progress) return this.deliver(request);
    const token = await this.requireToken();
    try {
      const found = await this.findInTimeline(token, request, progress.text);
      if (found) return await this.recordPosted(request.deliveryId, found);
    } catch (err) {
      throw toWeiboChannelError(err, '查询微博发布结果');
    }
    this.deps.logger.warn({ deliveryId: request.deliveryId }, 'Weibo post in doubt and not in the timeline; marked unknown');
    return 'unknown';
  }

  check(content: PublishableContent): { code: string; message: string } | undefined {
    const composed = composeWeiboText(content, this.deps.safeHost);
    return composed.ok ? undefined : { code: composed.code, message: composed.message };
  }

  private async requireToken(): Promise<string> {
    const token = await usableToken(this.deps.clock.now());
    if (!token) throw new ChannelError(`无法发布到微博：${RECONNECT_MESSAGE}`, 'weibo_reconnect_needed', false);
    return token;
  }

  private async recordPosted(deliveryId: string, status: WeiboStatus): Promise<DeliveryOutcome> {
    const statusId = String(status.idstr ?? status.id);
    await WeiboProgressModel.updateOne(
      { _id: deliveryId },
      { $set: { stage: 'posted', statusId, ...(status.mid ? { mid: String(status.mid) } : {}), updatedAt: this.deps.clock.now() } },
      { upsert: true },
    );
    return sentOutcome(statusId, status.mid);
  }

  /**
   * Our post among the account's recent ones: its text holds the item's link, or Weibo shortened the link (t.cn)
   * and the long URL is in url_struct, or the text without links is exactly the text we handed over.
   */
  private async findInTimeline(token: string, request: DeliveryRequest, sentText: string): Promise<WeiboStatus | undefined> {
    const url = request.content.url;
    const bare = (t: string) => t.replace(/https?:\/\/\S+/g, '').replace(/\s+/g, ' ').trim();
    const wanted = bare(sentText);
    for (let page = 1; page <= TIMELINE_PAGES; page++) {
      const statuses = await this.deps.client.userTimeline(token, page);
      const hit = statuses.find(
        (s) => s.text.includes(url) || (s.url_struct ?? []).some((u) => (u.long_url ?? u.url_long) === url) || (wanted && bare(s.text) === wanted),
      );
      if (hit) return hit;
      if (statuses.length < 100) return undefined;
    }
    return undefined;
  }

  /** The cover as Weibo takes it: JPEG/PNG/GIF under 5 MB; anything else is re-encoded as JPEG. */
  private async picture(coverPath: string | undefined): Promise<WeiboPicture | undefined> {
    if (!coverPath) return undefined;
    let data: Buffer;
    try {
      data = await readFile(coverPath);
    } catch (err) {
      this.deps.logger.warn({ err, coverPath }, 'cover image unreadable; posting to Weibo without it');
      return undefined;
    }
    const ext = path.extname(coverPath).toLowerCase();
    const type = PICTURE_TYPES[ext];
    if (type && data.length < PICTURE_MAX_BYTES) return { data, filename: `cover${ext}`, contentType: type };
    const jpeg = await sharp(data).rotate().resize({ width: 2048, height: 2048, fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 85 }).toBuffer();
    return { data: jpeg, filename: 'cover.jpg', contentType: 'image/jpeg' };
  }
}

function sentOutcome(statusId: string, mid?: string): DeliveryOutcome {
  return { status: 'sent', providerIds: { status_id: statusId, ...(mid ? { mid: String(mid) } : {}) } };
}
