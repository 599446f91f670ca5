/**
 * The WeChat official-account channel: render the item as article HTML, upload its images and cover, create a
 * draft, then either free-publish it (in the account, no push) or mass-send it to all followers or a tag.
 * Both end 'pending': the job result arrives as a callback event or through `reconcile` (freepublish/get,
 * message/mass/get). Every step is recorded (progress.ts) so a retry resumes; the mass send carries the
 * delivery's idempotency key as clientmsgid, so WeChat itself refuses a duplicate (45065 "clientmsgid exist",
 * which returns the earlier msg_id: we treat it as already sent).
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../../clock';
import type { Config } from '../../config';
import type { Logger } from '../../logger';
import { WechatApiError, type WechatClient } from '../../wechat-api';
import { ChannelError, type Channel, type DeliveryOutcome, type DeliveryRequest } from '../types';
import { toChannelError } from './errors';
import { uploadBodyImages, uploadCover } from './images';
import { MassQuota } from './quota';
import { WechatProgressModel, saveProgress, type WechatProgressDoc } from './progress';
import { clip, renderWechatArticle } from './render';

export const WECHAT_LIMITS = { title: 32, author: 16, digest: 128, contentChars: 20_000, contentBytes: 1024 * 1024 } as const;

/** Why a free-publish job did not succeed (freepublish/get publish_status 2–6). */
export const PUBLISH_STATUS_REASONS: Record<number, string> = {
  2: '原创声明校验未通过',
  3: '发布失败',
  4: '平台审核不通过',
  5: '发布成功后已被用户删除',
  6: '发布成功后被系统封禁',
};

export interface WechatChannelDeps {
  client: WechatClient;
  config: Config['wechat'];
  clock: Clock;
  logger: Logger;
}

export class WechatChannel implements Channel {
  readonly name = 'wechat' as const;
  readonly quota: MassQuota;

  constructor(private readonly deps: WechatChannelDeps) {
    this.quota = new MassQuota(deps.config, deps.clock);
  }

  async deliver(request: DeliveryRequest): Promise<DeliveryOutcome> {
    const mode = request.wechat?.mode ?? 'publish';
    const progress = await WechatProgressModel.findById(request.deliveryId).lean();
    if (progress?.publishId) return publishPending(progress);
    if (progress?.msgId) return broadcastPending(progress);
    if (mode === 'publish' && progress?.stage === 'submitting') {
      // The submit may have reached WeChat; free publish has no duplicate guard, so a person decides.
      throw ChannelError.unverifiable(
        '上次提交发布时与微信的连接中断，无法确认文章是否已发布。请在公众号后台"发表记录"中核对，确认未发布后再重试。',
        'wechat_publish_in_doubt',
      );
    }
    if (mode === 'broadcast' && !(await this.quota.reserve(request.deliveryId))) {
      const q = await this.quota.status();
      throw new ChannelError(
        `群发次数已用完：${q.periodKind === 'day' ? '今天' : '本月'}已群发 ${q.used} 次（上限 ${q.limit} 次）。请${q.periodKind === 'day' ? '明天' : '下月'}再群发，或改用"发布"方式。`,
        'wechat_mass_quota_spent',
        false,
      );
    }
    try {
      const draftMediaId = await this.prepareDraft(request, progress ?? undefined, mode);
      return mode === 'publish' ? await this.publish(request, draftMediaId) : await this.broadcast(request, draftMediaId);
    } catch (err) {
      if (mode === 'broadcast' && !(err instanceof ChannelError && err.mayHaveBeenAccepted) && !(err instanceof WechatApiError && err.mayHaveBeenAccepted)) {
        // WeChat refused (or we never got to the send): the slot was not used.
        if (!(err instanceof WechatApiError && err.errcode === 45028)) await this.quota.release(request.deliveryId).catch(() => {});
      }
      throw toChannelError(err, mode === 'publish' ? '发布到公众号' : '公众号群发');
    }
  }

  async reconcile(request: DeliveryRequest, providerIds: Record<string, string>): Promise<DeliveryOutcome | 'unknown'> {
    const progress = await WechatProgressModel.findById(request.deliveryId).lean();
    const publishId = providerIds.publish_id ?? progress?.publishId;
    const msgId = providerIds.msg_id ?? progress?.msgId;
    try {
      if (publishId) return await this.publishStatus(publishId);
      if (msgId) return await this.massStatus(msgId);
    } catch (err) {
      throw toChannelError(err, '查询公众号发送结果');
    }
    const mode = request.wechat?.mode ?? 'publish';
    // Nothing recorded. A publish submit in doubt cannot be checked; anything earlier is safe to redo, and a
    // mass send is safe to repeat because WeChat refuses a second send with the same clientmsgid.
    if (mode === 'publish' && progress?.stage === 'submitting') return 'unknown';
    return this.deliver(request);
  }

  private async prepareDraft(request: DeliveryRequest, progress: WechatProgressDoc | undefined, mode: 'publish' | 'broadcast'): Promise<string> {
    if (progress?.draftMediaId) return progress.draftMediaId;
    const { client, logger } = this.deps;
    const { content } = request;
    const id = request.deliveryId;
    await saveProgress(this.deps.clock, id, { mode, stage: 'preparing', images: progress?.images ?? {} });
    const images = await uploadBodyImages(client, content, { ...(progress?.images ?? {}) }, (imgs) => saveProgress(this.deps.clock, id, { images: imgs }), logger);
    const { html, droppedImages } = renderWechatArticle(content.markdown, { images, footerText: '点击左下角「阅读原文」查看完整内容' });
    if (droppedImages.length) logger.info({ deliveryId: id, droppedImages }, 'images left out of the WeChat article');
    if (html.length >= WECHAT_LIMITS.contentChars || Buffer.byteLength(html) >= WECHAT_LIMITS.contentBytes) {
      throw new ChannelError(
        `正文排版后有 ${html.length} 个字符，超过微信图文 2 万字符的上限，请精简正文或拆分为多篇后再发布。`,
        'wechat_content_too_long',
        false,
      );
    }
    const thumbMediaId = progress?.thumbMediaId ?? (await uploadCover(client, content.coverImagePath, logger));
    await saveProgress(this.deps.clock, id, { thumbMediaId });
    const { media_id } = await client.addDraft([
      {
        article_type: 'news',
        title: clip(content.title, WECHAT_LIMITS.title),
        ...(content.author ? { author: clip(content.author, WECHAT_LIMITS.author) } : {}),
        digest: clip(content.digest, WECHAT_LIMITS.digest),
        content: html,
        content_source_url: content.url,
        thumb_media_id: thumbMediaId,
        need_open_comment: 0,
        only_fans_can_comment: 0,
      },
    ]);
    await saveProgress(this.deps.clock, id, { draftMediaId: media_id });
    return media_id;
  }

  private async publish(request: DeliveryRequest, draftMediaId: string): Promise<DeliveryOutcome> {
    const id = request.deliveryId;
    await saveProgress(this.deps.clock, id, { stage: 'submitting' });
    try {
      const { publish_id, msg_data_id } = await this.deps.client.submitFreePublish(draftMediaId);
      await saveProgress(this.deps.clock, id, { stage: 'submitted', publishId: publish_id, ...(msg_data_id ? { msgDataId: msg_data_id } : {}) });
      return { status: 'pending', providerIds: { publish_id, media_id: draftMediaId, ...(msg_data_id ? { msg_data_id } : {}) } };
    } catch (err) {
      // Only an unanswered request leaves the stage 'submitting' (in doubt); a refusal means nothing happened.
      if (!(err instanceof WechatApiError && err.mayHaveBeenAccepted)) await saveProgress(this.deps.clock, id, { stage: 'preparing' });
      throw err;
    }
  }

  private async broadcast(request: DeliveryRequest, draftMediaId: string): Promise<DeliveryOutcome> {
    const id = request.deliveryId;
    const tagId = request.wechat?.tagId;
    await saveProgress(this.deps.clock, id, { stage: 'sending' });
    try {
      const res = await this.deps.client.massSendNews(draftMediaId, tagId === undefined ? true : tagId, clientMsgId(request.idempotencyKey), 0);
      const msgId = String(res.msg_id);
      const msgDataId = res.msg_data_id === undefined ? undefined : String(res.msg_data_id);
      await saveProgress(this.deps.clock, id, { stage: 'sent', msgId, ...(msgDataId ? { msgDataId } : {}) });
      return { status: 'pending', providerIds: { msg_id: msgId, media_id: draftMediaId, ...(msgDataId ? { msg_data_id: msgDataId } : {}) } };
    } catch (err) {
      if (err instanceof WechatApiError && err.errcode === 45065) {
        // clientmsgid exist: an earlier attempt of this very delivery was sent. WeChat returns its msg_id.
        const msgId = err.data?.msg_id === undefined ? undefined : String(err.data.msg_id);
        this.deps.logger.info({ deliveryId: id, msgId }, 'WeChat refused a duplicate mass send (45065): already sent');
        await saveProgress(this.deps.clock, id, { stage: 'sent', ...(msgId ? { msgId } : {}) });
        return { status: msgId ? 'pending' : 'sent', providerIds: { media_id: draftMediaId, ...(msgId ? { msg_id: msgId } : {}), duplicate: '45065' } };
      }
      if (err instanceof WechatApiError && err.errcode === 45028) await this.quota.markSpent();
      if (!(err instanceof WechatApiError && err.mayHaveBeenAccepted)) await saveProgress(this.deps.clock, id, { stage: 'preparing' });
      throw err;
    }
  }

  private async publishStatus(publishId: string): Promise<DeliveryOutcome> {
    const s = await this.deps.client.getFreePublish(publishId);
    const ids = { publish_id: publishId, ...(s.article_id ? { article_id: String(s.article_id) } : {}) };
    if (s.publish_status === 0) {
      const url = s.article_detail?.item?.[0]?.article_url;
      return { status: 'sent', providerIds: { ...ids, ...(url ? { article_url: url } : {}) } };
    }
    if (s.publish_status === 1) return { status: 'pending', providerIds: ids };
    const reason = PUBLISH_STATUS_REASONS[s.publish_status] ?? `未知发布状态 ${s.publish_status}`;
    return { status: 'failed', providerIds: ids, error: { code: `wechat_publish_status_${s.publish_status}`, message: `公众号发布未成功：${reason}` } };
  }

  private async massStatus(msgId: string): Promise<DeliveryOutcome> {
    const s = await this.deps.client.getMassStatus(msgId);
    const ids = { msg_id: msgId };
    if (s.msg_status === 'SEND_SUCCESS') return { status: 'sent', providerIds: ids };
    if (s.msg_status === 'SENDING') return { status: 'pending', providerIds: ids };
    const reason = s.msg_status === 'DELETE' ? '群发消息已被删除' : '群发失败';
    return { status: 'failed', providerIds: ids, error: { code: `wechat_mass_${s.msg_status.toLowerCase()}`, message: `公众号群发未成功：${reason}` } };
  }
}

function publishPending(p: WechatProgressDoc): DeliveryOutcome {
  return { status: 'pending', providerIds: { publish_id: p.publishId!, ...(p.draftMediaId ? { media_id: p.draftMediaId } : {}) } };
}

function broadcastPending(p: WechatProgressDoc): DeliveryOutcome {
  return { status: 'pending', providerIds: { msg_id: p.msgId!, ...(p.draftMediaId ? { media_id: p.draftMediaId } : {}) } };
}

/** WeChat's clientmsgid is at most 64 bytes; longer keys are hashed (stable, so duplicates are still refused). */
export function clientMsgId(idempotencyKey: string): string {
  return Buffer.byteLength(idempotencyKey) <= 64 ? idempotencyKey : createHash('sha256').update(idempotencyKey).digest('hex');
}
