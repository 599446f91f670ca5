/**
 * A person acts on a stopped delivery: retry a failed one, or decide an unknown one — resend it (accepting the
 * risk of a duplicate) or mark it sent (they checked with the provider).
 *
 * Retry and resend open a new round: a new ledger record (idempotency key `<publication>:<channel>:<batch>:r<n>`)
 * for the recipients that did not get the message, and the old record points to it (`supersededBy`). Channels
 * remember what they did per delivery (SMS per number, WeChat per draft), so a new round is what tells them that
 * a person asked for another try; the old round stays as the history of what happened.
 */
import { Types } from 'mongoose';
import type { Clock } from '../clock';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { deliveryNumbersIn, type SmsMessageStatus } from '../channels/sms';
import { Delivery, DELIVERY_STATUS_LABELS, type DeliveryDoc } from './models/delivery';
import { idempotencyKey } from './planner';
import { refreshPublication } from './rollup';
import { withoutSecrets } from './secrets';

export type RetryAction = 'retry' | 'resend' | 'mark_sent';

export async function actOnDelivery(clock: Clock, id: string, action: RetryAction | undefined, by: string, note?: string) {
  if (!Types.ObjectId.isValid(id)) throw new NotFoundError('投递记录不存在');
  const current = await Delivery.findById(id).lean();
  if (!current) throw new NotFoundError('投递记录不存在');
  if (current.supersededBy) throw new ConflictError('该投递已由新一轮投递接替，请处理最新一轮', 'delivery_superseded', { supersededBy: String(current.supersededBy) });
  const chosen: RetryAction = action ?? 'retry';
  if (current.status === 'failed') {
    if (chosen === 'mark_sent') throw new ValidationError('失败的投递只能重试', [{ field: 'body.action', message: 'failed deliveries can only be retried' }]);
  } else if (current.status === 'unknown') {
    if (chosen === 'retry') {
      throw new ValidationError('结果未知的投递需要选择“重新发送”(resend) 或“标记为已发送”(mark_sent)', [
        { field: 'body.action', message: 'choose resend or mark_sent' },
      ]);
    }
  } else {
    throw new ConflictError(`该投递当前为“${DELIVERY_STATUS_LABELS[current.status]}”，只有失败或结果未知的投递可以处理`, 'delivery_not_retryable', {
      status: current.status,
    });
  }
  const now = clock.now();
  const record = { action: chosen, by, at: now, ...(note ? { note } : {}) };

  if (chosen === 'mark_sent') {
    const recipients = (current.recipients ?? []).map((r) => (r.status === 'unknown' || r.status === 'queued' ? withoutSecrets({ ...r, status: 'sent' as const }) : r));
    const updated = await Delivery.updateOne(
      { _id: current._id, status: 'unknown', supersededBy: null },
      { $set: { status: 'sent', settledAt: now, updatedAt: now, error: null, recipients }, $push: { actions: record } },
    );
    if (updated.matchedCount !== 1) throw new ConflictError('该投递刚被其他人或进程处理，请刷新后重试', 'delivery_changed');
    if (current.channel === 'microsite') await Delivery.updateMany({ publicationId: current.publicationId, waitFor: 'microsite' }, { $set: { waitFor: null } });
  } else {
    await openNewRound(clock, current, record);
  }
  await refreshPublication(current.publicationId, clock);
  return { publicationId: String(current.publicationId) };
}

async function openNewRound(clock: Clock, current: DeliveryDoc, record: DeliveryDoc['actions'][number]): Promise<void> {
  const now = clock.now();
  // Who still needs it: not those sent or delivered, nor those deliberately skipped (opted out, frequency limit).
  const again = new Set(record.action === 'resend' ? ['unknown', 'failed', 'queued'] : ['failed', 'queued']);
  const alreadyHad = current.channel === 'sms' ? await smsAlreadyHad(current, record.action === 'resend') : new Set<string>();
  const recipients = (current.recipients ?? [])
    .filter((r) => again.has(r.status) && !alreadyHad.has(r.recipient))
    .map(({ recipient, name, params, secret }) => ({ recipient, name, params, ...(secret?.length ? { secret } : {}), status: 'queued' as const }));
  if (current.channel === 'sms' && recipients.length === 0) {
    throw new ConflictError('该批次没有需要重新发送的号码', 'nothing_to_retry');
  }
  const round = (current.round ?? 1) + 1;
  const next: Partial<DeliveryDoc> = {
    _id: new Types.ObjectId(),
    publicationId: current.publicationId,
    channel: current.channel,
    batchIndex: current.batchIndex,
    round,
    retryOf: current._id,
    idempotencyKey: `${idempotencyKey(String(current.publicationId), current.channel, current.batchIndex)}:r${round}`,
    status: 'queued',
    attempts: 0,
    maxAttempts: current.maxAttempts,
    nextAttemptAt: now,
    waitFor: null,
    lease: null,
    providerIds: {},
    error: null,
    recipients,
    recipientCount: recipients.length,
    actions: [record],
    createdAt: now,
    updatedAt: now,
  };
  try {
    await Delivery.create(next);
  } catch (err) {
    // Two people pressed retry at once: the unique idempotency key lets one round through.
    if ((err as { code?: number }).code === 11000) throw new ConflictError('该投递刚被其他人处理，请刷新后查看', 'delivery_changed');
    throw err;
  }
  await Delivery.updateOne(
    { _id: current._id, supersededBy: null },
    { $set: { supersededBy: next._id, updatedAt: now }, $push: { actions: record } },
  );
  if (current.channel === 'microsite') {
    // Messages held back because the page did not go live wait for it again (they never reached a provider).
    await Delivery.updateMany(
      { publicationId: current.publicationId, status: 'failed', 'error.code': 'blocked_by_microsite', supersededBy: null },
      { $set: { status: 'queued', waitFor: 'microsite', nextAttemptAt: now, updatedAt: now, error: null }, $unset: { settledAt: 1 } },
    );
  }
}

/**
 * Numbers the SMS channel's own records say got (or may have got) the old round's text, whatever the ledger's
 * list says (it can lag behind, e.g. after a give-up). Only an explicit resend repeats those in doubt.
 */
async function smsAlreadyHad(current: DeliveryDoc, resendInDoubt: boolean): Promise<Set<string>> {
  const statuses: SmsMessageStatus[] = resendInDoubt ? ['sent', 'delivered'] : ['sent', 'delivered', 'sending', 'unknown'];
  return deliveryNumbersIn(String(current._id), statuses);
}
