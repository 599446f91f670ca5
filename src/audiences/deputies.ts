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
  const query: Record<string, unknown> = { deletedAt: null };
  if (filter.levels?.length) query.level = { $in: filter.levels };
  if (filter.regions?.length) query.regionKeys = { $in: filter.regions };
  if (filter.groupIds?.length) query.groupId = { $in: filter.groupIds.map((id) => new Types.ObjectId(id)) };
  const deputies = await Deputy.find(query).select('+phones name').sort({ _id: 1 }).lean();
  const out: AudienceRecipient[] = [];
  for (const d of deputies) {
    // One message per person: the first usable number.
    const phone = (d.phones ?? []).find((p) => normalisePhone(p));
    if (phone) out.push({ phone, name: d.name });
  }
  return out;
}
