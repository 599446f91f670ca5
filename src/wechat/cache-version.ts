/**
 * What replies read from memory (keyword rules, the default reply, published content) is dropped on every instance
 * when it changes: the instance where the change happened drops its own caches at once and bumps a version stamp in
 * wechat_settings; every instance reads the stamp by _id once a second and drops its caches when it has moved. The
 * caches also expire on their own, so a missed poll (database briefly away) costs seconds of staleness, never more.
 */
import type { Logger } from '../logger';
import { WechatSetting } from './models/settings';

const STAMP_ID = 'replyCacheVersion';

export class ReplyCacheVersion {
  private known?: number;
  private timer?: NodeJS.Timeout;
  private polling = false;
  private readonly listeners: Array<() => void> = [];

  constructor(
    private readonly logger: Logger,
    private readonly intervalMs = 1_000,
  ) {}

  /** `drop` runs whenever a change is announced here or seen from another instance. */
  onChange(drop: () => void): void {
    this.listeners.push(drop);
  }

  /** Something replies read changed on this instance: dropped here now, announced to the others. */
  async changed(at: Date): Promise<void> {
    this.drop();
    try {
      // `known` is left as it was: the next poll sees the stamp moved and drops once more, which also covers a
      // change another instance announced just before this one.
      await WechatSetting.updateOne({ _id: STAMP_ID }, { $inc: { value: 1 }, $set: { updatedAt: at } }, { upsert: true });
    } catch (err) {
      this.logger.warn({ err }, 'reply cache change not announced to other instances (their caches expire within seconds)');
    }
  }

  start(): void {
    this.timer ??= setInterval(() => void this.poll(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const doc = await WechatSetting.findById(STAMP_ID, { value: 1 }).lean();
      const stamp = typeof doc?.value === 'number' ? doc.value : 0;
      if (this.known !== undefined && stamp !== this.known) this.drop();
      this.known = stamp;
    } catch {
      // The database is away: the caches expire by themselves meanwhile.
    } finally {
      this.polling = false;
    }
  }

  private drop(): void {
    for (const listener of this.listeners) listener();
  }
}
