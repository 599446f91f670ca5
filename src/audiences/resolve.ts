/**
 * Turns an audience spec into the phone recipients of one publication: normalised to E.164, each number once
 * (explicit recipients first, so their personal params win), opted-out numbers left out.
 */
import type { AudienceSpec } from './types';
import { getAudienceResolver, type AudienceRecipient } from './registry';
import { deputyPhoneBatches, deputyRecipientBatches } from './deputies';
import { subscriberPhoneBatches, subscriberRecipientBatches } from './subscribers';
import { normalisePhone } from './phone';

export interface AudienceSummary {
  recipients: number;
  excludedOptedOut: number;
  invalid: number;
  duplicates: number;
  invalidSamples: string[];
}

/** Which of these E.164 numbers must not receive messages (opt-outs kept by the SMS channel). */
export type OptOutCheck = (phones: string[]) => Promise<Set<string>>;

/**
 * Counts an audience as a publication would reach it, and gives its first recipient (a sample of the text), without
 * holding the recipients: a 10,000-deputy count reads them from the cursor and keeps only the numbers seen.
 */
export async function summarisePhoneAudience(spec: AudienceSpec, optedOut: OptOutCheck): Promise<{ summary: AudienceSummary; first?: AudienceRecipient }> {
  let first: AudienceRecipient | undefined;
  const summary = await streamPhoneAudience(spec, optedOut, 1000, async (batch) => {
    first ??= batch[0];
  });
  return { summary, first };
}

/**
 * How many recipients the audience has before opt-outs (each valid number once): the most a publication could reach,
 * as streamPhoneAudience would count it without opt-outs. Reads only the numbers (no names, no recipient objects)
 * and keeps only the distinct numbers seen: the admin's large-send count costs a fraction of the plan's read.
 */
export async function countPhoneAudience(spec: AudienceSpec): Promise<number> {
  const seen = new Set<string>();
  const sources: Array<Iterable<string[]> | AsyncIterable<string[]>> = [];
  if (spec.recipients?.length) sources.push([spec.recipients.map((r) => r.phone)]);
  for (const [name, args] of Object.entries(spec.resolvers ?? {})) sources.push([(await getAudienceResolver(name)(args)).map((r) => r.phone)]);
  if (spec.deputies) sources.push(deputyPhoneBatches(spec.deputies));
  if (spec.subscribers) sources.push(subscriberPhoneBatches());
  for (const source of sources) {
    for await (const phones of source) {
      for (const p of phones) {
        const phone = normalisePhone(p);
        if (phone) seen.add(phone);
      }
    }
  }
  return seen.size;
}

/** Numbers per opt-out query once the first batch has gone: fewer round trips than one per batch. */
const OPT_OUT_CHUNK = 1000;

/**
 * The audience's recipients, handed over in batches of `batchSize` (the last may be shorter) as it is read: deputies
 * and subscribers come from cursors, so only the numbers seen so far (for duplicates) and about a thousand recipients
 * are held, whatever the audience's size. Opt-outs are checked a thousand numbers at a time (the first batch's at
 * once, so it goes out while the rest is read). Numbers in `handedOver` (already in batches written before: a resumed
 * plan) count as recipients but are not handed over again.
 */
export async function streamPhoneAudience(
  spec: AudienceSpec,
  optedOut: OptOutCheck,
  batchSize: number,
  onBatch: (recipients: AudienceRecipient[]) => Promise<void>,
  handedOver: ReadonlySet<string> = new Set(),
): Promise<AudienceSummary> {
  const size = Math.max(1, batchSize);
  const seen = new Set<string>();
  let invalid = 0;
  let duplicates = 0;
  let excludedOptedOut = 0;
  let count = 0;
  const invalidSamples: string[] = [];
  let unchecked: AudienceRecipient[] = [];
  let ready: AudienceRecipient[] = [];
  const check = async () => {
    if (!unchecked.length) return;
    const blocked = await optedOut(unchecked.map((r) => r.phone));
    for (const r of unchecked) {
      if (blocked.has(r.phone)) excludedOptedOut += 1;
      else ready.push(r);
    }
    unchecked = [];
  };
  const emit = async (all: boolean) => {
    while (ready.length >= size || (all && ready.length)) {
      const batch = ready.slice(0, size);
      ready = ready.slice(size);
      count += batch.length;
      await onBatch(batch);
    }
  };
  // Each source in batches (cursors hand over what they have buffered): one await per batch, not per recipient.
  const sources: Array<Iterable<AudienceRecipient[]> | AsyncIterable<AudienceRecipient[]>> = [];
  if (spec.recipients?.length) sources.push([spec.recipients]);
  for (const [name, args] of Object.entries(spec.resolvers ?? {})) sources.push([await getAudienceResolver(name)(args)]);
  if (spec.deputies) sources.push(deputyRecipientBatches(spec.deputies));
  if (spec.subscribers) sources.push(subscriberRecipientBatches());
  for (const source of sources) {
    for await (const recipients of source) {
      for (const r of recipients) {
        const phone = normalisePhone(r.phone);
        if (!phone) {
          invalid += 1;
          if (invalidSamples.length < 20) invalidSamples.push(String(r.phone).slice(0, 30));
          continue;
        }
        if (seen.has(phone)) {
          duplicates += 1;
          continue;
        }
        seen.add(phone);
        if (handedOver.has(phone)) {
          count += 1;
          continue;
        }
        unchecked.push({ ...r, phone });
        // Opt-outs are asked in chunks of OPT_OUT_CHUNK numbers (one query each), the first batch's at once.
        if (unchecked.length >= (count ? Math.max(size, OPT_OUT_CHUNK) : size)) {
          await check();
          await emit(false);
        }
      }
    }
  }
  await check();
  await emit(true);
  return { recipients: count, excludedOptedOut, invalid, duplicates, invalidSamples };
}
