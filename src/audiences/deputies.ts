/** The `deputies` audience: deputies filtered by level, region (any administrative level) and group. */
import { Types } from 'mongoose';
import { Deputy } from '../content/models/deputy';
import type { AudienceRecipient } from './registry';
import { normalisePhone } from './phone';

export interface DeputyAudience {
  levels?: string[];
  regions?: string[];
  groupIds?: string[];
}

export async function resolveDeputies(filter: DeputyAudience): Promise<AudienceRecipient[]> {
  const out: AudienceRecipient[] = [];
  for await (const r of deputyRecipients(filter)) out.push(r);
  return out;
}

/** The deputies' recipients one at a time from a cursor: a fan-out never holds its whole audience. */
export async function* deputyRecipients(filter: DeputyAudience): AsyncGenerator<AudienceRecipient> {
  for await (const batch of deputyRecipientBatches(filter)) yield* batch;
}

/**
 * The deputies' recipients a cursor batch (1,000) at a time: what the driver has buffered is taken in one step, so a
 * 10,000-deputy audience costs 10 awaits instead of one per deputy (the per-document async iteration was most of the
 * service's CPU in reading an audience, and a fan-out reads it twice: the admin's count and the plan).
 */
export async function* deputyRecipientBatches(filter: DeputyAudience): AsyncGenerator<AudienceRecipient[]> {
  const query: Record<string, unknown> = { deletedAt: null };
  if (filter.levels?.length) query.level = { $in: filter.levels };
  if (filter.regions?.length) query.regionKeys = { $in: filter.regions };
  if (filter.groupIds?.length) query.groupId = { $in: filter.groupIds.map((id) => new Types.ObjectId(id)) };
  // Through the driver (the filter is already in stored types): a mongoose query cursor costs about as much CPU per
  // deputy again.
  const cursor = Deputy.collection.find(query, { projection: { phones: 1, name: 1 }, sort: { _id: 1 }, batchSize: 1000 });
  try {
    while (await cursor.hasNext()) {
      const batch: AudienceRecipient[] = [];
      for (const d of cursor.readBufferedDocuments()) {
        // One message per person: the first usable number.
        const phone = ((d.phones as string[] | undefined) ?? []).find((p) => normalisePhone(p));
        if (phone) batch.push({ phone, name: d.name as string });
      }
      if (batch.length) yield batch;
    }
  } finally {
    await cursor.close();
  }
}
