/**
 * A person acts on a stopped delivery: retry a failed one, or decide an unknown one — resend it (accepting the
 * risk of a duplicate) or mark it sent (they checked with the provider). Every action is recorded on the delivery.
 */
import { Types } from 'mongoose';
import type { Clock } from '../clock';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { Delivery, DELIVERY_STATUS_LABELS } from './models/delivery';
import { refreshPublication } from './rollup';

export type RetryAction = 'retry' | 'resend' | 'mark_sent';

export async function actOnDelivery(clock: Clock, id: string, action: RetryAction | undefined, by: string, note?: string) {
  if (!Types.ObjectId.isValid(id)) throw new NotFoundError('投递记录不存在');
  const current = await Delivery.findById(id).select('status channel publicationId maxAttempts attempts recipients').lean();
  if (!current) throw new NotFoundError('投递记录不存在');
  const now = clock.now();
  const chosen: RetryAction = action ?? 'retry';
  let from: 'failed' | 'unknown';
  if (current.status === 'failed') {
    if (chosen === 'mark_sent') throw new ValidationError('失败的投递只能重试', [{ field: 'body.action', message: 'failed deliveries can only be retried' }]);
    from = 'failed';
  } else if (current.status === 'unknown') {
    if (chosen === 'retry') {
      throw new ValidationError('结果未知的投递需要选择“重新发送”(resend) 或“标记为已发送”(mark_sent)', [
        { field: 'body.action', message: 'choose resend or mark_sent' },
      ]);
    }
    from = 'unknown';
  } else {
    throw new ConflictError(`该投递当前为“${DELIVERY_STATUS_LABELS[current.status]}”，只有失败或结果未知的投递可以处理`, 'delivery_not_retryable', {
      status: current.status,
    });
  }
  const record = { action: chosen, by, at: now, ...(note ? { note } : {}) };
  const open = new Set(['unknown', 'failed', 'queued']);
  const recipients = (current.recipients ?? []).map((r) =>
    open.has(r.status) ? { ...r, status: chosen === 'mark_sent' ? 'sent' : 'queued', errorCode: undefined, errorMessage: undefined } : r,
  );
  const update: Record<string, unknown> =
    chosen === 'mark_sent'
      ? {
          $set: { status: 'sent', settledAt: now, updatedAt: now, error: null, recipients },
          $push: { actions: record },
        }
      : {
          $set: {
            status: 'queued',
            nextAttemptAt: now,
            updatedAt: now,
            lease: null,
            // A fresh round of attempts; the total stays visible in `attempts`.
            maxAttempts: current.attempts + Math.max(1, current.maxAttempts),
            recipients,
          },
          $unset: { settledAt: 1 },
          $push: { actions: record },
        };
  const updated = await Delivery.findOneAndUpdate({ _id: id, status: from }, update, { returnDocument: 'after' }).lean();
  if (!updated) throw new ConflictError('该投递刚被其他人或进程处理，请刷新后重试', 'delivery_changed');
  if (current.channel === 'microsite' && chosen !== 'mark_sent') {
    // Messages that were held back because the page did not go live wait for it again.
    await Delivery.updateMany(
      { publicationId: current.publicationId, status: 'failed', 'error.code': 'blocked_by_microsite' },
      { $set: { status: 'queued', waitFor: 'microsite', nextAttemptAt: now, updatedAt: now, error: null }, $unset: { settledAt: 1 } },
    );
  } else if (current.channel === 'microsite') {
    await Delivery.updateMany({ publicationId: current.publicationId, waitFor: 'microsite' }, { $set: { waitFor: null } });
  }
  await refreshPublication(current.publicationId, clock);
  return { publicationId: String(updated.publicationId) };
}
