/** The `deputies` audience: deputies filtered by level, region (any administrative level) and group. */
import { Types, mongo } from 'mongoose';
import { Deputy } from '../content/models/deputy';
import type { AudienceRecipient } from './registry';
import { normalisePhone } from './phone';

export interface DeputyAudience {
  levels?: string[];
  regions?: string[];
  groupIds?: string[];
}

/**
 * The deputies' recipients a cursor batch (1,000) at a time: a fan-out never holds its whole audience, and what the
 * driver has buffered is taken in one step, so a 10,000-deputy audience costs 10 awaits instead of one per deputy.
 */
export async function* deputyRecipientBatches(filter: DeputyAudience): AsyncGenerator<AudienceRecipient[]> {
  for await (const docs of deputyDocumentBatches(filter, { _id: 0, phones: 1, name: 1 })) {
    const batch: AudienceRecipient[] = [];
    for (const d of docs) {
      const phone = firstUsablePhone(d.phones);
      if (phone) batch.push({ phone, name: d.name });
    }
    if (batch.length) yield batch;
  }
}

/** The deputies' numbers only (as stored, the first usable one each), a cursor batch at a time: what a count needs. */
export async function* deputyPhoneBatches(filter: DeputyAudience): AsyncGenerator<string[]> {
  for await (const docs of deputyDocumentBatches(filter, { _id: 0, phones: 1 })) {
    const phones: string[] = [];
    for (const d of docs) {
      const phone = firstUsablePhone(d.phones);
      if (phone) phones.push(phone);
    }
    if (phones.length) yield phones;
  }
}

/** One message per person: the first usable number. */
function firstUsablePhone(phones: string[] | undefined): string | undefined {
  return (phones ?? []).find((p) => normalisePhone(p));
}

/**
 * The filtered deputies with only the projected fields, a cursor batch at a time. Through the driver (the filter is
 * already in stored types), and as raw bytes each deserialised here with default options: the driver's own
 * per-document path copies the cursor's options twice per document and allocated ~3 KB per 75-byte deputy (a fan-out's
 * audience was a quarter of the service's allocations, promoted while the batch waited on its round trips); this
 * allocates about a third of that.
 */
async function* deputyDocumentBatches(filter: DeputyAudience, projection: Record<string, 0 | 1>): AsyncGenerator<Array<{ phones?: string[]; name?: string }>> {
  const query: Record<string, unknown> = { deletedAt: null };
  if (filter.levels?.length) query.level = { $in: filter.levels };
  if (filter.regions?.length) query.regionKeys = { $in: filter.regions };
  if (filter.groupIds?.length) query.groupId = { $in: filter.groupIds.map((id) => new Types.ObjectId(id)) };
  const cursor = Deputy.collection.find(query, { projection, sort: { _id: 1 }, batchSize: 1000, raw: true });
  try {
    while (await cursor.hasNext()) {
      const raw = cursor.readBufferedDocuments() as unknown as Uint8Array[];
      yield raw.map((bytes) => mongo.BSON.deserialize(bytes) as { phones?: string[]; name?: string });
    }
  } finally {
    await cursor.close();
  }
}
