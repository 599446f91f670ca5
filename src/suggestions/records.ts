/**
 * A new suggestion record as every entrance writes it (staff, the public form, WeChat, imports): state registered,
 * the first audit entry, a tracking number and where it came from. Tracking numbers are random: a collision with an
 * existing one (about one in a billion per day) is simply drawn again.
 */
import { Types } from 'mongoose';
import { Suggestion, type SuggestionDoc, type SuggestionOrigin, type SuggestionRegion, type Category } from './models';
import { newReceiptNo } from './receipts';
import { suggestionTallies, tallyKeyOf } from './tallies';

export interface NewSuggestion {
  text: string;
  category: Category;
  region: SuggestionRegion;
  deputyIds: string[];
  citizen?: { name: string; phone?: string };
  activityId?: string;
  attachmentIds: string[];
  public: boolean;
}

export interface Registrar {
  id: string;
  displayName: string;
}

export function newSuggestionDoc(input: NewSuggestion, by: Registrar, now: Date, origin: SuggestionOrigin, registeredAt = now): Record<string, unknown> {
  const actorId = new Types.ObjectId(by.id);
  return {
    _id: new Types.ObjectId(),
    text: input.text,
    category: input.category,
    region: input.region,
    deputyIds: [...new Set(input.deputyIds)].map((id) => new Types.ObjectId(id)),
    ...(input.citizen ? { citizen: input.citizen } : {}),
    ...(input.activityId ? { activityId: new Types.ObjectId(input.activityId) } : {}),
    attachmentIds: input.attachmentIds.map((id) => new Types.ObjectId(id)),
    public: input.public,
    status: 'registered',
    version: 0,
    receiptNo: newReceiptNo(registeredAt),
    origin,
    registeredAt,
    createdBy: actorId,
    updatedAt: now,
    history: [{ action: 'register', from: 'registered', to: 'registered', at: now, by: actorId, byName: by.displayName }],
  };
}

const isDuplicateReceipt = (err: unknown) => (err as { code?: number }).code === 11000 && /receiptNo/.test(String((err as Error).message));

export async function insertSuggestion(input: NewSuggestion, by: Registrar, now: Date, origin: SuggestionOrigin): Promise<SuggestionDoc> {
  for (let attempt = 0; ; attempt++) {
    try {
      const fields = newSuggestionDoc(input, by, now, origin);
      const doc = await suggestionTallies.around([tallyKeyOf(fields as never)], () => Suggestion.create(fields));
      return doc.toObject();
    } catch (err) {
      if (attempt < 3 && isDuplicateReceipt(err)) continue;
      throw err;
    }
  }
}
