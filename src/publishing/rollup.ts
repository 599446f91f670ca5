/** A publication's status follows its deliveries: sending while any is open, then sent / partial / failed. */
import type { Types } from 'mongoose';
import type { Clock } from '../clock';
import { Publication, type PublicationStatus } from './models/publication';
import { Delivery } from './models/delivery';

const OPEN = new Set(['planned', 'queued', 'sending', 'pending']);

export async function refreshPublication(publicationId: Types.ObjectId | string, clock: Clock): Promise<void> {
  // Superseded rounds are history: the round that replaced them counts.
  const rows = await Delivery.find({ publicationId, supersededBy: null }).select('status').lean();
  const counts: Record<string, number> = {};
  for (const r of rows) counts[r.status] = (counts[r.status] ?? 0) + 1;
  const open = rows.some((r) => OPEN.has(r.status));
  let status: PublicationStatus;
  if (open) status = 'sending';
  else if (rows.length === 0) status = 'failed'; // nobody to send to (an empty audience)
  else if (rows.every((r) => r.status === 'sent')) {
    // Done only if everyone got it: a batch that went out with numbers refused or skipped is partial.
    const missed = await Delivery.exists({ publicationId, supersededBy: null, status: 'sent', 'recipients.status': { $in: ['failed', 'skipped'] } });
    status = missed ? 'partial' : 'sent';
  }
  else if (rows.every((r) => r.status === 'cancelled')) status = 'cancelled'; // withdrawn before anything went out
  else if (rows.every((r) => r.status === 'failed' || r.status === 'cancelled')) status = 'failed';
  else status = 'partial';
  const now = clock.now();
  // Only publications that are past planning; a retry re-opens a finished one.
  await Publication.updateOne(
    { _id: publicationId, status: { $in: ['sending', 'sent', 'partial', 'failed'] } },
    open
      ? { $set: { status, deliveryCounts: counts, updatedAt: now }, $unset: { finishedAt: 1 } }
      : { $set: { status, deliveryCounts: counts, finishedAt: now, updatedAt: now } },
  );
}
