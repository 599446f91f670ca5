/** Subscriber sign-up and opt-out, and the `subscribers` audience. */
import type { Clock } from '../clock';
import { ValidationError } from '../errors';
import type { AudienceRecipient } from './registry';
import { Subscriber, type SubscriberDoc } from './subscriber';
import { maskPhone, normalisePhone } from './phone';

/** The number's E.164 form, or a 400 naming body.phone. */
export function requireSubscriberPhone(phone: string): string {
  const e164 = normalisePhone(phone);
  if (!e164) throw new ValidationError('请输入有效的中国大陆手机号码', [{ field: 'body.phone', message: 'not a mainland mobile number' }]);
  return e164;
}

/**
 * Records consent for a number whose owner has shown they hold it (the code of src/subscriptions) or an admin's import.
 * Idempotent: subscribing an active number again changes nothing; an unsubscribed one is re-activated with the new consent.
 */
export async function subscribe(clock: Clock, input: { phone: string; name?: string; source: string }): Promise<{ phone: string; status: 'active' }> {
  const phone = requireSubscriberPhone(input.phone);
  const now = clock.now();
  await Subscriber.updateOne(
    { phone },
    {
      $set: { status: 'active', consentAt: now, source: input.source, unsubscribedAt: null, updatedAt: now, ...(input.name ? { name: input.name } : {}) },
      $unset: { unsubscribeReason: 1 },
      $setOnInsert: { createdAt: now },
    },
    { upsert: true },
  ).catch(async (err) => {
    // Two sign-ups of one number at once: the loser's upsert hits the unique index; the record exists, so retry as an update.
    if ((err as { code?: number }).code !== 11000) throw err;
    await Subscriber.updateOne({ phone }, { $set: { status: 'active', consentAt: now, unsubscribedAt: null, updatedAt: now } });
  });
  return { phone: maskPhone(phone), status: 'active' };
}

/** Stops messages to a number. Unknown numbers are accepted silently (the answer does not reveal who subscribed). */
export async function unsubscribe(clock: Clock, phoneInput: string, reason: 'request' | 'sms' | 'admin'): Promise<void> {
  const phone = normalisePhone(phoneInput);
  if (!phone) {
    if (reason === 'request') requireSubscriberPhone(phoneInput);
    return;
  }
  const now = clock.now();
  await Subscriber.updateOne(
    { phone, status: 'active' },
    { $set: { status: 'unsubscribed', unsubscribedAt: now, unsubscribeReason: reason, updatedAt: now } },
  );
}

/** Active subscribers a cursor batch (1,000) at a time (see deputyRecipientBatches). */
export async function* subscriberRecipientBatches(): AsyncGenerator<AudienceRecipient[]> {
  const cursor = Subscriber.collection.find({ status: 'active' }, { projection: { phone: 1, name: 1 }, sort: { _id: 1 }, batchSize: 1000 });
  try {
    while (await cursor.hasNext()) {
      const batch = cursor.readBufferedDocuments().map((r): AudienceRecipient => (r.name ? { phone: r.phone as string, name: r.name as string } : { phone: r.phone as string }));
      if (batch.length) yield batch;
    }
  } finally {
    await cursor.close();
  }
}

/** Active subscribers' numbers only (E.164 as stored), a cursor batch at a time: what a count needs. */
export async function* subscriberPhoneBatches(): AsyncGenerator<string[]> {
  const cursor = Subscriber.collection.find({ status: 'active' }, { projection: { _id: 0, phone: 1 }, sort: { _id: 1 }, batchSize: 1000 });
  try {
    while (await cursor.hasNext()) {
      const phones = cursor.readBufferedDocuments().map((r) => r.phone as string);
      if (phones.length) yield phones;
    }
  } finally {
    await cursor.close();
  }
}

export interface SubscriberView {
  id: string;
  phone: string;
  name?: string;
  status: SubscriberDoc['status'];
  source: string;
  consentSource?: string;
  consentAt: Date;
  unsubscribedAt?: Date | null;
  unsubscribeReason?: string;
}

export async function listSubscribers(filter: { status?: 'active' | 'unsubscribed'; page: number; pageSize: number }) {
  const query = filter.status ? { status: filter.status } : {};
  const [rows, total] = await Promise.all([
    Subscriber.find(query).sort({ _id: -1 }).skip((filter.page - 1) * filter.pageSize).limit(filter.pageSize).lean(),
    Subscriber.countDocuments(query),
  ]);
  const items: SubscriberView[] = rows.map((r) => ({
    id: String(r._id),
    // Admins see the full number: they need it to answer "why did I get this message?".
    phone: r.phone,
    name: r.name,
    status: r.status,
    source: r.source,
    consentSource: r.consentSource,
    consentAt: r.consentAt,
    unsubscribedAt: r.unsubscribedAt,
    unsubscribeReason: r.unsubscribeReason,
  }));
  return { items, page: filter.page, pageSize: filter.pageSize, total };
}
