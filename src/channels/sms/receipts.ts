/**
 * Delivery receipts from the providers, applied once each: a receipt settles its number in the SMS batch record (delivered
 * or failed) only if no receipt did before — providers retry pushes, so repeats are expected — and then announces
 * 'sms.receipt' for the pipeline's ledger.
 */
import type { DomainEventBus } from '../../events';
import { settleByReceipt } from './records';
import { normalizeChinaMobile } from './phone';
import { beijingTime } from '../../calendar/beijing';

export interface Receipt {
  provider: 'tencent' | 'aliyun';
  phone: string;
  delivered: boolean;
  /** Tencent sid (SerialNo) or Aliyun biz_id. */
  providerMessageId?: string;
  /** The delivery id echoed back (Aliyun out_id; Tencent SessionContext when enabled). */
  deliveryId?: string;
  errorCode?: string;
  errorMessage?: string;
  receivedAt: Date;
}

/** Applies receipts; returns how many were new (the rest were repeats or matched nothing of ours). */
export async function applyReceipts(events: DomainEventBus, receipts: Receipt[]): Promise<{ applied: number; repeated: number; unmatched: number }> {
  let applied = 0;
  let repeated = 0;
  let unmatched = 0;
  for (const r of receipts) {
    const phone = normalizeChinaMobile(r.phone);
    if (!phone) {
      unmatched += 1;
      continue;
    }
    // By the provider's message id; else by the delivery id it echoes (a send whose answer was lost has no id on
    // record yet: its receipt is what settles it).
    if (!r.providerMessageId && !r.deliveryId) {
      unmatched += 1;
      continue;
    }
    const settled = await settleByReceipt(r.provider, phone, { providerMessageId: r.providerMessageId, deliveryId: r.deliveryId }, {
      s: r.delivered ? 'delivered' : 'failed',
      at: r.receivedAt,
      ...(r.providerMessageId ? { id: r.providerMessageId } : {}),
      ...(r.delivered ? {} : { e: r.errorCode ?? 'undelivered', m: r.errorMessage ?? '运营商回执：未送达' }),
    });
    if (settled === 'repeat') repeated += 1;
    if (settled === 'repeat' || settled === null) {
      if (settled === null) unmatched += 1;
      continue;
    }
    applied += 1;
    events.emit('sms.receipt', {
      provider: r.provider,
      deliveryId: settled,
      phone,
      delivered: r.delivered,
      providerMessageId: r.providerMessageId,
      errorCode: r.errorCode,
      errorMessage: r.errorMessage,
      receivedAt: r.receivedAt,
    });
  }
  return { applied, repeated, unmatched };
}

/** "2024-05-01 12:00:00" in Asia/Shanghai → instant (providers report local wall time). */
export function parseShanghaiTime(text: string | undefined, fallback: Date): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/.exec(String(text ?? '').trim());
  if (!m) return fallback;
  const [, y, mo, d, h, mi, s] = m.map(Number);
  return beijingTime(y, mo, d, h, mi, s);
}
