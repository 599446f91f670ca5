/**
 * Withdrawing messages that events overtook: a meeting cancelled or moved must not send its reminders (or an
 * older change notice) afterwards. Publications not yet started are cancelled; batches of started ones that have
 * not gone out (planned, or queued — e.g. waiting for a retry) are cancelled; what is being sent right now
 * finishes (it cannot be called back) and stays in the ledger as sent.
 */
import type { ItemKind, SmsNotificationKind } from '../channels/types';
import { Delivery } from './models/delivery';
import { Publication } from './models/publication';
import { refreshPublication } from './rollup';
import { publishingRuntime } from './runtime';

export interface WithdrawFilter {
  kind: ItemKind;
  itemId: string;
  /** Which SMS notification kinds of the item's publications to withdraw. */
  notifications: SmsNotificationKind[];
}

/** Returns how many publications were touched. */
export async function withdrawPublications(filter: WithdrawFilter, by: string, reason: string): Promise<number> {
  const clock = publishingRuntime().clock;
  const now = clock.now();
  // Serves: {kind, itemId} (the item's publications), then filtered in the database by notification and status.
  const open = await Publication.find({
    kind: filter.kind,
    itemId: filter.itemId,
    'sms.notification': { $in: filter.notifications },
    status: { $in: ['scheduled', 'pending', 'planning', 'sending'] },
  })
    .select('_id')
    .lean();
  if (!open.length) return 0;
  const ids = open.map((p) => p._id);
  await Publication.updateMany(
    { _id: { $in: ids }, status: { $in: ['scheduled', 'pending'] } },
    { $set: { status: 'cancelled', cancelledAt: now, cancelledBy: by, finishedAt: now, updatedAt: now, error: { code: 'withdrawn', message: reason } } },
  );
  // Conditional on the status: a batch a worker claimed a moment ago is 'sending' and is left to finish.
  await Delivery.updateMany(
    { publicationId: { $in: ids }, status: { $in: ['planned', 'queued'] } },
    { $set: { status: 'cancelled', error: { code: 'withdrawn', message: reason }, settledAt: now, updatedAt: now } },
  );
  for (const id of ids) await refreshPublication(id, clock);
  return ids.length;
}
