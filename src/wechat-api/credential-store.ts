/**
 * Access token and JS-SDK tickets, cached in MongoDB and shared by every instance: WeChat invalidates the
 * previous token five minutes after a new fetch, so instances must not fetch their own. A refresh takes a
 * short lease on the credential's document first; whoever loses the race waits for the winner's value.
 * Wall clock on purpose: a token's lifetime is WeChat's real seconds (`expires_in`) and the refresh lease is about
 * process liveness; both are written and compared only here, never against the service clock's business time.
 */
import mongoose, { Schema } from 'mongoose';
import { randomUUID } from 'node:crypto';

interface CredentialDoc {
  /** "<kind>:<appid>", kind = access_token | ticket:jsapi | ticket:wx_card */
  _id: string;
  value?: string;
  expiresAt?: Date;
  /** Set while one instance fetches a new value; others wait until it is filled or this passes. */
  refreshingUntil?: Date;
  refreshOwner?: string;
  updatedAt?: Date;
}

const credentialSchema = new Schema<CredentialDoc>(
  {
    _id: { type: String, required: true },
    value: String,
    expiresAt: Date,
    refreshingUntil: Date,
    refreshOwner: String,
    updatedAt: Date,
  },
  { versionKey: false, collection: 'wechat_credentials' },
);
// Only lookups by _id: no secondary index needed.

export const WechatCredentialModel =
  (mongoose.models.WechatCredential as mongoose.Model<CredentialDoc>) ?? mongoose.model<CredentialDoc>('WechatCredential', credentialSchema);

export interface CachedCredential {
  value: string;
  expiresAt: number;
}

export interface CredentialStoreOptions {
  /** How long a refresh may hold the lease (ms). */
  refreshLeaseMs?: number;
  /** How long a waiting instance polls for another's refresh before trying itself (ms). */
  waitMs?: number;
  /** Refresh this long before WeChat's expiry, so requests in flight never carry an expiring token (ms). */
  safetyMarginMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class CredentialStore {
  private readonly owner = randomUUID();
  private readonly memory = new Map<string, CachedCredential>();
  private readonly inFlight = new Map<string, Promise<CachedCredential>>();
  private readonly leaseMs: number;
  private readonly waitMs: number;
  private readonly marginMs: number;

  constructor(options: CredentialStoreOptions = {}) {
    this.leaseMs = options.refreshLeaseMs ?? 15_000;
    this.waitMs = options.waitMs ?? 20_000;
    this.marginMs = options.safetyMarginMs ?? 60_000;
  }

  /** The cached value if still valid (memory first, then MongoDB). */
  async get(id: string): Promise<CachedCredential | undefined> {
    const mem = this.memory.get(id);
    if (mem && mem.expiresAt > Date.now()) return mem;
    const doc = await WechatCredentialModel.findById(id).lean();
    if (doc?.value && doc.expiresAt && doc.expiresAt.getTime() > Date.now()) {
      const c = { value: doc.value, expiresAt: doc.expiresAt.getTime() };
      this.memory.set(id, c);
      return c;
    }
    this.memory.delete(id);
    return undefined;
  }

  /** Stores a value fetched outside `refresh` (co-wechat-api's saveToken hook). */
  async save(id: string, value: string, expiresAt: number): Promise<void> {
    await WechatCredentialModel.updateOne({ _id: id }, { $set: { value, expiresAt: new Date(expiresAt), updatedAt: new Date() } }, { upsert: true });
    this.memory.set(id, { value, expiresAt });
  }

  /**
   * Marks a value as no longer good. With `value`, only when it is still the stored one — a token another
   * instance already replaced stays replaced, so a burst of 40001s triggers one refresh, not one per failure.
   */
  async invalidate(id: string, value?: string): Promise<void> {
    const mem = this.memory.get(id);
    if (!value || mem?.value === value) this.memory.delete(id);
    await WechatCredentialModel.updateOne(value ? { _id: id, value } : { _id: id }, { $set: { expiresAt: new Date(0), updatedAt: new Date() } });
  }

  /**
   * Returns a valid value, fetching a new one with `fetch` only when none is stored; concurrent callers in this
   * process share one fetch, and across processes the lease lets exactly one fetch while the rest wait.
   */
  refresh(id: string, fetch: () => Promise<{ value: string; expiresInSeconds: number }>): Promise<CachedCredential> {
    let p = this.inFlight.get(id);
    if (!p) {
      p = this.refreshShared(id, fetch).finally(() => this.inFlight.delete(id));
      this.inFlight.set(id, p);
    }
    return p;
  }

  private async refreshShared(id: string, fetch: () => Promise<{ value: string; expiresInSeconds: number }>): Promise<CachedCredential> {
    const deadline = performance.now() + this.waitMs;
    for (let round = 0; ; round += 1) {
      const current = await this.get(id);
      if (current) return current;
      if (await this.takeLease(id)) {
        try {
          // Someone may have finished a refresh between our read and our lease.
          const again = await this.get(id);
          if (again) return again;
          const fresh = await fetch();
          const expiresAt = Date.now() + Math.max(60_000, fresh.expiresInSeconds * 1000 - this.marginMs);
          await WechatCredentialModel.updateOne(
            { _id: id },
            { $set: { value: fresh.value, expiresAt: new Date(expiresAt), updatedAt: new Date() }, $unset: { refreshingUntil: 1, refreshOwner: 1 } },
          );
          const c = { value: fresh.value, expiresAt };
          this.memory.set(id, c);
          return c;
        } catch (err) {
          await WechatCredentialModel.updateOne({ _id: id, refreshOwner: this.owner }, { $unset: { refreshingUntil: 1, refreshOwner: 1 } }).catch(() => {});
          throw err;
        }
      }
      if (performance.now() > deadline) throw new Error(`timed out waiting for another instance to refresh ${id.split(':')[0]}`);
      await sleep(Math.min(50 * 2 ** round, 500));
    }
  }

  private async takeLease(id: string): Promise<boolean> {
    const now = new Date();
    try {
      const doc = await WechatCredentialModel.findOneAndUpdate(
        { _id: id, $or: [{ refreshingUntil: { $exists: false } }, { refreshingUntil: null }, { refreshingUntil: { $lte: now } }] },
        { $set: { refreshingUntil: new Date(now.getTime() + this.leaseMs), refreshOwner: this.owner } },
        { upsert: true, returnDocument: 'after' },
      ).lean();
      return doc?.refreshOwner === this.owner;
    } catch (err) {
      if ((err as { code?: number }).code === 11000) return false; // another instance holds the lease
      throw err;
    }
  }
}
