/** Opt-outs: numbers that asked (TD / 退订) or were flagged by an admin never receive another text. */
import type { DomainEventBus } from '../../events';
import { SmsOptOutModel, type SmsOptOutDoc } from './models';
import { wasTexted } from './records';
import { normalizeChinaMobile } from './phone';

/** Replies that mean "stop" (compared after trimming, case-insensitively). */
const STOP_WORDS = new Set(['td', 't', 'n', '退订', '退定', '取消', '退出', 'unsubscribe', 'stop', '0000']);

export function isOptOutReply(text: string): boolean {
  const t = String(text ?? '').trim().replace(/[。.!！\s]+$/g, '').toLowerCase();
  return STOP_WORDS.has(t) || /^(td|退订)/i.test(t);
}

/** The numbers among `phones` (any spelling) that opted out, in the spelling given. Fits the audience resolver. */
export async function optedOutAmong(phones: string[]): Promise<Set<string>> {
  const byE164 = new Map<string, string[]>();
  for (const p of phones) {
    const n = normalizeChinaMobile(p);
    if (n) byE164.set(n, [...(byE164.get(n) ?? []), p]);
  }
  if (!byE164.size) return new Set();
  const rows = await SmsOptOutModel.find({ _id: { $in: [...byE164.keys()] } }).select('_id').lean();
  return new Set(rows.flatMap((r) => byE164.get(r._id) ?? []));
}

/** Adds an opt-out (idempotent) and announces it; returns false when the number was already opted out. */
export async function addOptOut(
  events: DomainEventBus,
  phone: string,
  entry: Omit<SmsOptOutDoc, '_id' | 'createdAt'>,
  now: Date,
): Promise<boolean> {
  const res = await SmsOptOutModel.updateOne({ _id: phone }, { $setOnInsert: { ...entry, createdAt: now } }, { upsert: true });
  if (res.upsertedCount) events.emit('sms.optedOut', { phone });
  return res.upsertedCount > 0;
}

export async function removeOptOut(phone: string): Promise<boolean> {
  return (await SmsOptOutModel.deleteOne({ _id: phone })).deletedCount > 0;
}

/**
 * Whether this provider ever handed a text to this number (E.164) for us. A reply can only answer a text we
 * sent, so an opt-out "reply" for any other number is forged or misrouted and is ignored.
 */
export async function wasTextedBy(provider: string, phone: string): Promise<boolean> {
  return wasTexted(provider, phone, ['sent', 'delivered', 'unknown', 'sending']);
}
