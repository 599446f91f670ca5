/**
 * The account's mass-send quota, tracked in MongoDB so every instance sees the same count: a verified
 * subscription account may mass-send once per day, a service account four times per month (WECHAT_MASS_QUOTA
 * overrides). Each delivery reserves one slot before calling WeChat — idempotently, by delivery id — so a spent
 * quota is refused before any request and a retried delivery never counts twice.
 */
import mongoose, { Schema } from 'mongoose';
import type { Clock } from '../../clock';
import type { Config } from '../../config';
import { beijingDay, beijingMonth } from '../../calendar/beijing';

interface QuotaDoc {
  /** "<appid>:<period>", period = YYYY-MM-DD (subscription) or YYYY-MM (service), Asia/Shanghai. */
  _id: string;
  count: number;
  deliveries: string[];
  /** WeChat said 45028 (no quota left) during this period, whatever our count says. */
  spent?: boolean;
}

const quotaSchema = new Schema<QuotaDoc>(
  { _id: String, count: { type: Number, default: 0 }, deliveries: { type: [String], default: [] }, spent: Boolean },
  { versionKey: false, collection: 'wechat_mass_quota' },
);
// Only lookups by _id (the period key): no secondary index needed.

export const WechatMassQuotaModel = (mongoose.models.WechatMassQuota as mongoose.Model<QuotaDoc>) ?? mongoose.model<QuotaDoc>('WechatMassQuota', quotaSchema);

export interface QuotaStatus {
  period: string;
  periodKind: 'day' | 'month';
  limit: number;
  used: number;
  spent: boolean;
}

export class MassQuota {
  constructor(
    private readonly config: Config['wechat'],
    private readonly clock: Clock,
  ) {}

  get limit(): number {
    return this.config.massQuota ?? (this.config.accountType === 'service' ? 4 : 1);
  }

  get periodKind(): 'day' | 'month' {
    return this.config.accountType === 'service' ? 'month' : 'day';
  }

  private key(): { id: string; period: string } {
    const now = this.clock.now();
    const period = this.periodKind === 'day' ? beijingDay(now) : beijingMonth(now);
    return { id: `${this.config.appId ?? 'unconfigured'}:${period}`, period };
  }

  async status(): Promise<QuotaStatus> {
    const { id, period } = this.key();
    const doc = await WechatMassQuotaModel.findById(id).lean();
    const used = doc?.count ?? 0;
    return { period, periodKind: this.periodKind, limit: this.limit, used, spent: !!doc?.spent || used >= this.limit };
  }

  /** Takes a slot for this delivery (no-op if it already holds one); false when the quota is spent. */
  async reserve(deliveryId: string): Promise<boolean> {
    const { id } = this.key();
    const existing = await WechatMassQuotaModel.findById(id).lean();
    if (existing?.deliveries.includes(deliveryId)) return true;
    if (existing?.spent) return false;
    try {
      const doc = await WechatMassQuotaModel.findOneAndUpdate(
        { _id: id, count: { $lt: this.limit }, spent: { $ne: true }, deliveries: { $ne: deliveryId } },
        { $inc: { count: 1 }, $push: { deliveries: deliveryId } },
        { upsert: true, returnDocument: 'after' },
      ).lean();
      return !!doc;
    } catch (err) {
      // The conditional upsert collides with the existing (full) period document: no slot left.
      if ((err as { code?: number }).code === 11000) return (await WechatMassQuotaModel.findById(id).lean())?.deliveries.includes(deliveryId) ?? false;
      throw err;
    }
  }

  /** Gives the slot back: WeChat refused the send, so nothing was used. */
  async release(deliveryId: string): Promise<void> {
    const { id } = this.key();
    await WechatMassQuotaModel.updateOne({ _id: id, deliveries: deliveryId }, { $inc: { count: -1 }, $pull: { deliveries: deliveryId } });
  }

  /** WeChat answered 45028: nothing more this period. */
  async markSpent(): Promise<void> {
    const { id } = this.key();
    await WechatMassQuotaModel.updateOne({ _id: id }, { $set: { spent: true } }, { upsert: true });
  }
}
