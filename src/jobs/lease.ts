/**
 * Leases in MongoDB: whoever holds an unexpired lease on a name does the work; others skip.
 * This is what makes every background job safe with several instances on several machines.
 * Leases use wall-clock time (they are about process liveness), not the application Clock.
 */
import mongoose, { Schema } from 'mongoose';
import { randomUUID } from 'node:crypto';

interface LeaseDoc {
  _id: string;
  owner: string;
  expiresAt: Date;
}

const leaseSchema = new Schema<LeaseDoc>(
  {
    _id: { type: String, required: true },
    owner: { type: String, required: true },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'leases' },
);

export const LeaseModel = mongoose.models.Lease ?? mongoose.model<LeaseDoc>('Lease', leaseSchema);

/** Identifies this process as a lease owner. */
export const processOwnerId = `${process.pid}-${randomUUID().slice(0, 8)}`;

/** Takes or renews the lease; false when another owner holds it. */
export async function acquireLease(name: string, ttlMs: number, owner = processOwnerId): Promise<boolean> {
  const now = new Date();
  try {
    await LeaseModel.findOneAndUpdate(
      { _id: name, $or: [{ expiresAt: { $lte: now } }, { owner }] },
      { $set: { owner, expiresAt: new Date(now.getTime() + ttlMs) } },
      { upsert: true },
    );
    return true;
  } catch (err) {
    if ((err as { code?: number }).code === 11000) return false;
    throw err;
  }
}

export async function releaseLease(name: string, owner = processOwnerId): Promise<void> {
  await LeaseModel.deleteOne({ _id: name, owner });
}
