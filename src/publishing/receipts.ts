/**
 * Results that arrive after a delivery was recorded: SMS delivery receipts (per number) and WeChat job results
 * (per publish / mass send). Providers repeat callbacks, so each update sets a value rather than adding one.
 */
import { Types } from 'mongoose';
import type { Clock } from '../clock';
import type { DomainEventBus, DomainEvents } from '../events';
import type { Logger } from '../logger';
import { normalisePhone } from '../audiences/phone';
import { unsubscribe } from '../audiences/subscribers';
import { Delivery } from './models/delivery';
import { refreshPublication } from './rollup';

export async function applySmsReceipt(receipt: DomainEvents['sms.receipt']): Promise<boolean> {
  const phone = normalisePhone(receipt.phone) ?? receipt.phone;
  // The SMS channel matches a receipt in its own records first (by the provider's message id or the echoed delivery
  // id) and announces it with the delivery it belongs to: the ledger is found by that id alone.
  if (!receipt.deliveryId || !Types.ObjectId.isValid(receipt.deliveryId)) return false;
  const d = await Delivery.findOne({ _id: new Types.ObjectId(receipt.deliveryId), 'recipients.recipient': phone }).select('recipients').lean();
  const current = d?.recipients.find((r) => r.recipient === phone);
  if (!d || !current) return false;
  const updated = {
    ...current,
    status: receipt.delivered ? ('delivered' as const) : ('failed' as const),
    receiptAt: receipt.receivedAt,
    ...(receipt.delivered
      ? { errorCode: undefined, errorMessage: undefined }
      : { errorCode: receipt.errorCode ?? 'undelivered', errorMessage: receipt.errorMessage ?? '运营商回执：未送达' }),
    ...(receipt.providerMessageId ? { providerMessageId: receipt.providerMessageId } : {}),
  };
  // The whole element through the positional operator: one path, so concurrent receipts for other numbers stay intact.
  const res = await Delivery.updateOne({ _id: d._id, recipients: { $elemMatch: { recipient: phone } } }, { $set: { 'recipients.$': updated } });
  return res.matchedCount === 1;
}

const JOB_SUCCESS = new Set(['0', 'success', 'send success', 'SUCCESS']);

export async function applyWechatJob(clock: Clock, job: DomainEvents['wechat.jobFinished']): Promise<boolean> {
  const or: Record<string, unknown>[] = [];
  if (job.publishId) or.push({ 'providerIds.publish_id': String(job.publishId) });
  if (job.msgId) or.push({ 'providerIds.msg_id': String(job.msgId) });
  if (!or.length) return false;
  const ok = JOB_SUCCESS.has(String(job.status));
  const now = clock.now();
  const d = await Delivery.findOneAndUpdate(
    { channel: 'wechat', $or: or, status: { $in: ['pending', 'sending', 'unknown'] } },
    {
      $set: {
        status: ok ? 'sent' : 'failed',
        settledAt: now,
        updatedAt: now,
        lease: null,
        error: ok ? null : { code: 'wechat_job_failed', providerCode: String(job.status), message: `微信发布任务未成功（${job.status}）` },
        ...(job.articleUrl ? { 'providerIds.article_url': job.articleUrl } : {}),
      },
    },
    { returnDocument: 'after' },
  ).lean();
  if (!d) return false;
  await refreshPublication(d.publicationId, clock);
  return true;
}

export function listenForResults(events: DomainEventBus, clock: Clock, logger: Logger): Array<() => void> {
  return [
    events.on('sms.receipt', async (receipt) => {
      if (!(await applySmsReceipt(receipt))) logger.debug({ deliveryId: receipt.deliveryId }, 'SMS receipt matched no delivery');
    }),
    events.on('wechat.jobFinished', async (job) => {
      // The event can overtake our own record of the submit (publish_id is stored once WeChat's answer is in):
      // look again for a few seconds before giving up on it (the status poll still covers it).
      for (let i = 0; i < 10; i++) {
        if (await applyWechatJob(clock, job)) return;
        await new Promise((r) => setTimeout(r, 500).unref());
      }
      logger.info({ publishId: job.publishId, msgId: job.msgId }, 'WeChat job result matched no pending delivery');
    }),
    events.on('sms.optedOut', async ({ phone }) => {
      await unsubscribe(clock, phone, 'sms');
    }),
  ];
}
