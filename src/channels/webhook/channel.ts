/**
 * The webhook channel: an approved item the partner takes is POSTed, signed, to the partner's endpoint.
 * One delivery per partner, so a slow or failing newsroom holds up nobody else.
 *
 * Exactly once as the partner sees it: the body (with its event id) is written down before the first request
 * and never rebuilt, so every later attempt — a retry after a timeout or a 5xx, a new worker after a crash —
 * sends the very same event, which the partner de-duplicates by `X-Lianxin-Event-Id` (the documented
 * contract). A delivery the partner acknowledged (2xx) is never sent again.
 */
import mongoose, { Schema } from 'mongoose';
import { createHash } from 'node:crypto';
import type { Clock } from '../../clock';
import type { Logger } from '../../logger';
import { ChannelError, type Channel, type DeliveryOutcome, type DeliveryRequest, type PublishableContent } from '../types';
import { ATTEMPT_HEADER, EVENT_HEADER, EVENT_ID_HEADER, SIGNATURE_HEADER, signatureHeader } from './signature';

export interface WebhookTarget {
  partnerId: string;
  name: string;
  url: string;
  secret: string;
}

/** What the channel asks of the partner registry (src/partners registers it). */
export interface WebhookDirectory {
  /** The partner's endpoint and secret, or undefined when the partner is gone or no longer wants pushes. */
  target(partnerId: string): Promise<WebhookTarget | undefined>;
  /** The item as the partner receives it (the same shape as its JSON Feed item). */
  item(partnerId: string, content: PublishableContent): Promise<unknown>;
}

interface WebhookProgressDoc {
  /** The delivery id. */
  _id: string;
  stage: 'posting' | 'posted';
  eventId: string;
  /** The exact JSON sent, kept so every attempt sends the same event. */
  body: string;
  responseStatus?: number;
  attempts: Array<{ at: Date; status?: number; error?: string; ms: number }>;
  updatedAt: Date;
}

const progressSchema = new Schema<WebhookProgressDoc>(
  {
    _id: { type: String, required: true },
    stage: { type: String, required: true },
    eventId: { type: String, required: true },
    body: { type: String, required: true },
    responseStatus: Number,
    attempts: { type: [new Schema({ at: Date, status: Number, error: String, ms: Number }, { _id: false })], default: [] },
    updatedAt: Date,
  },
  { versionKey: false, collection: 'webhook_progress' },
);
export const WebhookProgressModel =
  (mongoose.models.WebhookProgress as mongoose.Model<WebhookProgressDoc>) ?? mongoose.model<WebhookProgressDoc>('WebhookProgress', progressSchema);

export interface WebhookChannelDeps {
  directory: WebhookDirectory;
  clock: Clock;
  logger: Logger;
  timeoutMs: number;
}

/** Answers meaning "not now": retried with the ledger's backoff. Other 4xx are the partner refusing for good. */
const RETRYABLE_STATUSES = new Set([408, 425, 429]);
const ATTEMPT_LOG_LIMIT = 20;

/** One event per publication × partner, whatever the round: a person's retry repeats the same event id. */
export function eventIdFor(idempotencyKey: string): string {
  return `evt_${createHash('sha256').update(idempotencyKey.replace(/:r\d+$/, '')).digest('hex').slice(0, 32)}`;
}

export class WebhookChannel implements Channel {
  readonly name = 'webhook' as const;

  constructor(private readonly deps: WebhookChannelDeps) {}

  async deliver(request: DeliveryRequest): Promise<DeliveryOutcome> {
    const partnerId = request.webhook?.partnerId;
    if (!partnerId) throw new ChannelError('推送记录缺少合作媒体', 'webhook_partner_missing', false);
    const progress = await WebhookProgressModel.findById(request.deliveryId).lean();
    if (progress?.stage === 'posted') return sentOutcome(partnerId, progress.eventId, progress.responseStatus);
    const target = await this.deps.directory.target(partnerId);
    if (!target) throw new ChannelError('该合作媒体已删除、停用或关闭了推送，未推送', 'webhook_partner_unavailable', false);
    let { eventId, body } = progress ?? { eventId: eventIdFor(request.idempotencyKey), body: '' };
    if (!progress) {
      const item = await this.deps.directory.item(partnerId, request.content);
      body = JSON.stringify({ event: 'item.published', id: eventId, partnerId, sentAt: this.deps.clock.now().toISOString(), item });
      await WebhookProgressModel.updateOne(
        { _id: request.deliveryId },
        { $setOnInsert: { stage: 'posting', eventId, body, attempts: [], updatedAt: this.deps.clock.now() } },
        { upsert: true },
      );
      // A racing writer (there is none while we hold the lease) would have won: send what is stored.
      const stored = await WebhookProgressModel.findById(request.deliveryId).lean();
      if (stored) ({ eventId, body } = stored);
    }
    return this.post(request, target, eventId, body);
  }

  /** A worker died mid-send: acknowledged → sent; otherwise the same event goes again (the partner de-duplicates). */
  async reconcile(request: DeliveryRequest, providerIds: Record<string, string>): Promise<DeliveryOutcome | 'unknown'> {
    if (providerIds.event_id && providerIds.http_status && request.webhook) return sentOutcome(request.webhook.partnerId, providerIds.event_id, Number(providerIds.http_status));
    return this.deliver(request);
  }

  private async post(request: DeliveryRequest, target: WebhookTarget, eventId: string, body: string): Promise<DeliveryOutcome> {
    const nowSeconds = Math.floor(this.deps.clock.now().getTime() / 1000);
    const started = performance.now();
    let status: number | undefined;
    try {
      const res = await fetch(target.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'user-agent': 'lianxin-webhook/1',
          [EVENT_HEADER]: 'item.published',
          [EVENT_ID_HEADER]: eventId,
          [ATTEMPT_HEADER]: String(request.attempt),
          [SIGNATURE_HEADER]: signatureHeader(target.secret, nowSeconds, body),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.deps.timeoutMs),
      });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined);
    } catch (err) {
      const refused = isConnectionRefused(err);
      await this.logAttempt(request.deliveryId, started, undefined, refused ? 'connection refused' : (err as Error).name === 'TimeoutError' ? 'timeout' : (err as Error).message);
      throw new ChannelError(
        refused ? `无法连接${target.name}的接收地址，稍后重试` : `${target.name}的接收地址在 ${this.deps.timeoutMs / 1000} 秒内没有应答，稍后重试（同一事件编号，对方可去重）`,
        refused ? 'webhook_unreachable' : 'webhook_timeout',
        true,
        undefined,
        undefined,
        !refused,
      );
    }
    await this.logAttempt(request.deliveryId, started, status);
    // 409: the partner says it already has this event, which is what we wanted.
    if ((status >= 200 && status < 300) || status === 409) {
      await WebhookProgressModel.updateOne({ _id: request.deliveryId }, { $set: { stage: 'posted', responseStatus: status, updatedAt: this.deps.clock.now() } });
      return sentOutcome(target.partnerId, eventId, status);
    }
    const code = String(status);
    if (status >= 500 || RETRYABLE_STATUSES.has(status)) {
      throw new ChannelError(`${target.name}的接收地址暂时不可用（HTTP ${status}），稍后重试`, 'webhook_http_error', true, code, undefined, true);
    }
    if (status >= 300 && status < 400) {
      throw new ChannelError(`${target.name}的接收地址返回重定向（HTTP ${status}），请在合作媒体设置中填写最终地址`, 'webhook_redirected', false, code);
    }
    if (status === 401 || status === 403) {
      throw new ChannelError(`${target.name}拒绝了签名（HTTP ${status}）：请核对双方的推送密钥`, 'webhook_signature_refused', false, code);
    }
    throw new ChannelError(`${target.name}拒收了推送（HTTP ${status}）`, status === 410 ? 'webhook_gone' : 'webhook_rejected', false, code);
  }

  private async logAttempt(deliveryId: string, started: number, status?: number, error?: string): Promise<void> {
    const attempt = { at: this.deps.clock.now(), ms: Math.round(performance.now() - started), ...(status ? { status } : {}), ...(error ? { error } : {}) };
    await WebhookProgressModel.updateOne(
      { _id: deliveryId },
      { $push: { attempts: { $each: [attempt], $slice: -ATTEMPT_LOG_LIMIT } }, $set: { updatedAt: this.deps.clock.now() } },
    ).catch((err) => this.deps.logger.warn({ err, deliveryId }, 'could not log a webhook attempt'));
  }
}

function sentOutcome(partnerId: string, eventId: string, status?: number): DeliveryOutcome {
  return {
    status: 'sent',
    providerIds: { event_id: eventId, ...(status ? { http_status: String(status) } : {}) },
    recipients: [{ recipient: partnerId, status: 'delivered', providerMessageId: eventId }],
  };
}

function isConnectionRefused(err: unknown): boolean {
  const cause = (err as { cause?: { code?: string } })?.cause;
  return ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH'].includes(cause?.code ?? '');
}
