/**
 * The SMS channel's own records, one document per provider request (a batch of up to 200 numbers) holding each
 * number's state compactly, instead of one document per number: a 10,000-number fan-out writes 50 documents, each
 * once before its request leaves and once after the answer, and reads them back with a single query per delivery.
 *
 * What makes a retried or reconciled delivery never text a number twice is unchanged: a number is claimed (written
 * 'sending' with the batch's `handedAt`) before its request leaves, by an insert that the unique index on
 * (deliveryId, number) refuses if another attempt holds it; a 'sending' number found later is in doubt and is looked
 * up at the provider, never blindly resent.
 *
 * Records written before this layout (`sms_messages`, one per number) are adopted at start-up
 * (`adoptLegacySmsRecords`), so a retry, a receipt or a frequency limit still sees what they say.
 */
import mongoose, { Schema, Types } from 'mongoose';
import type { SmsNotificationKind } from '../types';
import { SmsMessageModel, type SmsMessageDoc, type SmsMessageStatus } from './models';

/** One number inside a batch; short field names because a batch holds up to 200 of them. */
export interface BatchEntry {
  /** E.164 phone. */
  p: string;
  s: SmsMessageStatus;
  /** The provider's message id (Tencent SerialNo, Aliyun BizId). */
  id?: string;
  e?: string;
  m?: string;
  /** What the provider's own records said after a reconcile. */
  ev?: string;
  /** Receipt time. */
  at?: Date;
  /** Settled at. */
  t?: Date;
}

export interface SmsBatchDoc {
  _id: Types.ObjectId;
  deliveryId: string;
  notification: SmsNotificationKind;
  provider: string;
  attemptedAt: Date;
  /** The request left for the provider (or was about to) at this moment: 'sending' numbers are in doubt from here on. */
  handedAt?: Date;
  /** The provider's id of the request (RequestId), when an answer carried one. */
  requestId?: string;
  /** Bumped by every change, so concurrent writers (a receipt, the sender) never overwrite each other. */
  v: number;
  r: BatchEntry[];
}

const entrySchema = new Schema<BatchEntry>(
  { p: String, s: String, id: String, e: String, m: String, ev: String, at: Date, t: Date },
  { _id: false },
);
const batchSchema = new Schema<SmsBatchDoc>(
  {
    deliveryId: { type: String, required: true },
    notification: { type: String, required: true },
    provider: { type: String, required: true },
    attemptedAt: { type: Date, required: true },
    handedAt: Date,
    requestId: String,
    v: { type: Number, default: 0 },
    r: { type: [entrySchema], default: [] },
  },
  { versionKey: false, collection: 'sms_batches' },
);
// Serves: a delivery's records on retry/reconcile ({deliveryId}); uniqueness = one text per number per delivery.
batchSchema.index({ deliveryId: 1, 'r.p': 1 }, { unique: true });
// Serves: per-number frequency limits ({'r.p': {$in}, attemptedAt: {$gte}}), receipts and replies by number.
batchSchema.index({ 'r.p': 1, attemptedAt: -1 });

export const SmsBatchModel = (mongoose.models.SmsBatch as mongoose.Model<SmsBatchDoc>) ?? mongoose.model<SmsBatchDoc>('SmsBatch', batchSchema);

/** One number's record as the channel reads it (the batch's fields flattened in). */
export interface NumberRecord {
  batchId: Types.ObjectId;
  deliveryId: string;
  phone: string;
  notification: SmsNotificationKind;
  provider: string;
  status: SmsMessageStatus;
  providerMessageId?: string;
  errorCode?: string;
  errorMessage?: string;
  evidence?: string;
  receiptAt?: Date;
  settledAt?: Date;
  attemptedAt: Date;
  handedAt?: Date;
  requestId?: string;
}

export function flatten(b: SmsBatchDoc, only?: (phone: string) => boolean): NumberRecord[] {
  const out: NumberRecord[] = [];
  for (const e of b.r) {
    if (only && !only(e.p)) continue;
    out.push({
      batchId: b._id,
      deliveryId: b.deliveryId,
      phone: e.p,
      notification: b.notification,
      provider: b.provider,
      status: e.s,
      providerMessageId: e.id,
      errorCode: e.e,
      errorMessage: e.m,
      evidence: e.ev,
      receiptAt: e.at,
      settledAt: e.t,
      attemptedAt: b.attemptedAt,
      handedAt: b.handedAt,
      requestId: b.requestId,
    });
  }
  return out;
}

/** Every number's record of one delivery (one indexed query). */
export async function deliveryRecords(deliveryId: string): Promise<NumberRecord[]> {
  const batches = await SmsBatchModel.find({ deliveryId }).lean();
  return batches.flatMap((b) => flatten(b));
}

/** Numbers of a delivery whose records are in one of these statuses (a person's retry leaves them out). */
export async function deliveryNumbersIn(deliveryId: string, statuses: SmsMessageStatus[]): Promise<Set<string>> {
  const wanted = new Set(statuses);
  return new Set((await deliveryRecords(deliveryId)).filter((r) => wanted.has(r.status)).map((r) => r.phone));
}

/** Texts to these numbers since a moment, other deliveries only, in the given statuses: what frequency limits count. */
export async function recentTexts(
  phones: string[],
  since: Date,
  exceptDeliveryId: string,
  statuses: readonly SmsMessageStatus[],
): Promise<Array<{ phone: string; notification: string; attemptedAt: Date }>> {
  if (!phones.length) return [];
  // Through the driver (once per batch of a fan-out; the filter is in stored types already).
  const batches = (await SmsBatchModel.collection
    .find({ 'r.p': { $in: phones }, attemptedAt: { $gte: since }, deliveryId: { $ne: exceptDeliveryId } }, { projection: { notification: 1, attemptedAt: 1, 'r.p': 1, 'r.s': 1 } })
    .toArray()) as unknown as Array<Pick<SmsBatchDoc, 'notification' | 'attemptedAt' | 'r'>>;
  const asked = new Set(phones);
  const counted = new Set(statuses);
  const out: Array<{ phone: string; notification: string; attemptedAt: Date }> = [];
  for (const b of batches) {
    for (const e of b.r) if (asked.has(e.p) && counted.has(e.s)) out.push({ phone: e.p, notification: b.notification, attemptedAt: b.attemptedAt });
  }
  return out;
}

/** Whether this provider ever handed a text to this number for us (a reply can only answer a text we sent). */
export async function wasTexted(provider: string, phone: string, statuses: SmsMessageStatus[]): Promise<boolean> {
  return Boolean(await SmsBatchModel.exists({ 'r.p': phone, provider, r: { $elemMatch: { p: phone, s: { $in: statuses } } } }));
}

/** The numbers (of these) whose records already carry one of these provider message ids. */
export async function providerIdsOnRecord(phones: string[], ids: string[]): Promise<Set<string>> {
  if (!ids.length || !phones.length) return new Set();
  const wanted = new Set(ids);
  const batches = await SmsBatchModel.find({ 'r.p': { $in: phones }, 'r.id': { $in: ids } }).select('r.id').lean();
  return new Set(batches.flatMap((b) => b.r.map((e) => e.id).filter((id): id is string => Boolean(id && wanted.has(id)))));
}

export type BatchHeader = Pick<SmsBatchDoc, 'deliveryId' | 'notification' | 'provider' | 'attemptedAt' | 'handedAt' | 'requestId'>;

/**
 * Writes one batch of entries, leaving out numbers this delivery already has a record for (another attempt took
 * them). Returns the batch as stored (null when every number was taken).
 */
export async function insertBatch(header: BatchHeader, entries: BatchEntry[]): Promise<SmsBatchDoc | null> {
  let rest = entries;
  for (let round = 0; rest.length && round < 5; round++) {
    const doc = { ...header, _id: new Types.ObjectId(), v: 0, r: rest } as SmsBatchDoc;
    try {
      // Through the driver: built complete here, so nothing to cast or validate in up to 200 entries.
      await SmsBatchModel.collection.insertOne(doc);
      return doc;
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
      // Some of these numbers were claimed meanwhile: they are the other attempt's.
      const phones = rest.map((e) => e.p);
      const taken = new Set((await SmsBatchModel.find({ deliveryId: header.deliveryId, 'r.p': { $in: phones } }).select('r.p').lean()).flatMap((b) => b.r.map((e) => e.p)));
      rest = rest.filter((e) => !taken.has(e.p));
    }
  }
  if (rest.length) throw new Error('could not record an SMS batch: its numbers keep being claimed by another attempt');
  return null;
}

/**
 * Changes a batch's entries: `change` gets the current entries and returns them as they should be (entries it
 * leaves out are removed; a batch left empty is deleted). Guarded by the batch's version: when a receipt or another
 * writer changed it in between, the batch is read again and `change` applied to the fresh entries.
 */
export async function changeBatch(
  batch: Pick<SmsBatchDoc, '_id' | 'v' | 'r'>,
  change: (r: BatchEntry[]) => BatchEntry[],
  set: Partial<SmsBatchDoc> = {},
): Promise<BatchEntry[]> {
  let current: Pick<SmsBatchDoc, '_id' | 'v' | 'r'> | null = batch;
  for (let round = 0; current && round < 20; round++) {
    const next = change(current.r);
    const res = next.length
      ? await SmsBatchModel.collection.updateOne({ _id: current._id, v: current.v }, { $set: { ...set, r: next }, $inc: { v: 1 } })
      : await SmsBatchModel.collection.deleteOne({ _id: current._id, v: current.v }).then((d) => ({ matchedCount: d.deletedCount }));
    if (res.matchedCount === 1) {
      // The caller's copy follows, so a second change of the same batch in this run needs no read.
      Object.assign(batch, { v: current.v + 1, r: next });
      return next;
    }
    current = await SmsBatchModel.findById(current._id).select('v r').lean();
  }
  if (current) throw new Error(`SMS batch ${String(batch._id)} kept changing under us`);
  return [];
}

/** Applies `change` to the entries of these numbers, batch by batch (the others are kept as they are). */
export async function changeNumbers(
  records: NumberRecord[],
  change: (e: BatchEntry, record: NumberRecord) => BatchEntry | null,
): Promise<void> {
  const byBatch = new Map<string, Map<string, NumberRecord>>();
  for (const rec of records) {
    const key = String(rec.batchId);
    if (!byBatch.has(key)) byBatch.set(key, new Map());
    byBatch.get(key)!.set(rec.phone, rec);
  }
  for (const group of byBatch.values()) {
    const batchId = [...group.values()][0].batchId;
    const fresh = await SmsBatchModel.findById(batchId).select('v r').lean();
    if (!fresh) continue;
    await changeBatch(fresh, (r) =>
      r.flatMap((e) => {
        const rec = group.get(e.p);
        if (!rec) return [e];
        const next = change(e, rec);
        return next ? [next] : [];
      }),
    );
  }
}

/**
 * A receipt for one number: the first one settles it (providers repeat pushes). Matched by the provider's message
 * id, else by the delivery id the provider echoes. Returns the delivery id it settled, 'repeat', or null.
 */
export async function settleByReceipt(
  provider: string,
  phone: string,
  match: { providerMessageId?: string; deliveryId?: string },
  set: { s: SmsMessageStatus; at: Date; id?: string; e?: string | null; m?: string | null },
): Promise<string | 'repeat' | null> {
  const tries: Array<{ filter: Record<string, unknown>; elem: Record<string, unknown> }> = [];
  if (match.providerMessageId) tries.push({ filter: { 'r.p': phone, provider }, elem: { p: phone, id: match.providerMessageId } });
  if (match.deliveryId) tries.push({ filter: { deliveryId: match.deliveryId, 'r.p': phone, provider }, elem: { p: phone } });
  const $set: Record<string, unknown> = { 'r.$.s': set.s, 'r.$.at': set.at };
  if (set.id) $set['r.$.id'] = set.id;
  if (set.e !== undefined) $set['r.$.e'] = set.e;
  if (set.m !== undefined) $set['r.$.m'] = set.m;
  for (const t of tries) {
    const doc = await SmsBatchModel.collection.findOneAndUpdate(
      { ...t.filter, r: { $elemMatch: { ...t.elem, at: { $exists: false } } } },
      { $set, $inc: { v: 1 } },
      { projection: { deliveryId: 1 } },
    );
    if (doc) return doc.deliveryId as string;
  }
  if (tries.length && (await SmsBatchModel.exists({ $or: tries.map((t) => ({ ...t.filter, r: { $elemMatch: t.elem } })) }))) return 'repeat';
  return null;
}

/**
 * Records from before the batch layout (`sms_messages`, one document per number) become batches: grouped by
 * delivery and hand-off, 200 to a batch. Idempotent (a batch whose numbers are already adopted is refused by the
 * unique index) and resumable; the old collection is dropped once everything is over. Returns how many numbers.
 */
export async function adoptLegacySmsRecords(): Promise<number> {
  const db = mongoose.connection.db;
  if (!db) return 0;
  const present = await db.listCollections({ name: SmsMessageModel.collection.collectionName }, { nameOnly: true }).toArray();
  if (!present.length) return 0;
  let adopted = 0;
  let pending: SmsMessageDoc[] = [];
  const flush = async () => {
    const groups = new Map<string, SmsMessageDoc[]>();
    for (const d of pending) {
      const key = `${d.deliveryId}|${d.handedAt?.getTime() ?? ''}|${d.requestId ?? ''}`;
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key)!.push(d);
    }
    const docs: Array<Omit<SmsBatchDoc, '_id'>> = [];
    for (const group of groups.values()) {
      for (let i = 0; i < group.length; i += 200) {
        const part = group.slice(i, i + 200);
        const first = part[0];
        docs.push({
          deliveryId: first.deliveryId,
          notification: first.notification,
          provider: first.provider,
          attemptedAt: new Date(Math.min(...part.map((d) => d.attemptedAt.getTime()))),
          ...(first.handedAt ? { handedAt: first.handedAt } : {}),
          ...(first.requestId ? { requestId: first.requestId } : {}),
          v: 0,
          r: part.map((d) => entryOf(d)),
        });
      }
    }
    if (docs.length) {
      await SmsBatchModel.insertMany(docs, { ordered: false, lean: true }).catch((err: { writeErrors?: Array<{ code?: number; err?: { code?: number } }> }) => {
        if (!err.writeErrors?.every((w) => (w.code ?? w.err?.code) === 11000)) throw err;
      });
    }
    adopted += pending.length;
    pending = [];
  };
  // By delivery, so a delivery's numbers land in as few batches as possible.
  for await (const d of SmsMessageModel.find({}).sort({ deliveryId: 1, phone: 1 }).lean().cursor()) {
    // Flushed only between deliveries, so the grouping (and a resumed run's batches) never depends on where it stopped.
    if (pending.length >= 2000 && pending[pending.length - 1].deliveryId !== d.deliveryId) await flush();
    pending.push(d as SmsMessageDoc);
  }
  await flush();
  await SmsMessageModel.collection.drop().catch(() => undefined);
  return adopted;
}

/** A number's record (current or of the old per-number layout) as its compact batch entry. */
export function entryOf(d: Pick<NumberRecord, 'phone' | 'status' | 'providerMessageId' | 'errorCode' | 'errorMessage' | 'evidence' | 'receiptAt' | 'settledAt'>): BatchEntry {
  const e: BatchEntry = { p: d.phone, s: d.status };
  if (d.providerMessageId) e.id = d.providerMessageId;
  if (d.errorCode) e.e = d.errorCode;
  if (d.errorMessage) e.m = d.errorMessage;
  if (d.evidence) e.ev = d.evidence;
  if (d.receiptAt) e.at = d.receiptAt;
  if (d.settledAt) e.t = d.settledAt;
  return e;
}
