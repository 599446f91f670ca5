/**
 * Page-cache invalidations shared between instances through MongoDB: each instance writes the tags it
 * invalidated, and polls (about once a second) for tags written by the others. Events expire after an hour
 * (TTL index); applying one twice is harmless, so polls overlap generously to tolerate clock skew and
 * writes that land out of order.
 */
import { randomUUID } from 'node:crypto';
import mongoose, { Schema } from 'mongoose';
import type { Clock } from '../clock';
import type { Logger } from '../logger';

interface InvalidationDoc {
  origin: string;
  tags: string[];
  createdAt: Date;
}

const invalidationSchema = new Schema<InvalidationDoc>(
  {
    origin: { type: String, required: true },
    tags: { type: [String], required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'site_invalidations' },
);
// The poll (createdAt ≥ since, oldest first); also expires events after an hour.
invalidationSchema.index({ createdAt: 1 }, { expireAfterSeconds: 3600 });

export const SiteInvalidation =
  (mongoose.models.SiteInvalidation as mongoose.Model<InvalidationDoc>) ?? mongoose.model<InvalidationDoc>('SiteInvalidation', invalidationSchema);

/** The relay tag meaning "drop every cached page" (an image changed: it may be on any page). */
export const ALL_PAGES_TAG = 'site:all';

/** How far back each poll looks again, to catch events whose timestamps are behind ours. */
const OVERLAP_MS = 30_000;

export class InvalidationRelay {
  readonly origin = randomUUID();
  private since = 0;
  private readonly seen = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private polling = false;

  constructor(
    private readonly apply: (tags: string[]) => void,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly intervalMs = 1000,
  ) {}

  /** Tells the other instances; a failure is logged (their pages still expire by TTL) and never thrown. */
  async publish(tags: string[]): Promise<void> {
    if (!tags.length) return;
    try {
      await SiteInvalidation.create({ origin: this.origin, tags, createdAt: this.clock.now() });
    } catch (err) {
      this.logger.warn({ err, tags }, 'page-cache invalidation not relayed to other instances');
    }
  }

  start(): void {
    this.since = this.clock.now().getTime();
    this.timer = setInterval(() => void this.poll(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Applies events from other instances not applied yet. Exposed for a final catch-up and for tests. */
  async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const pollStarted = this.clock.now().getTime();
      const from = new Date(this.since - OVERLAP_MS);
      const events = await SiteInvalidation.find({ createdAt: { $gte: from }, origin: { $ne: this.origin } }, { tags: 1, createdAt: 1 })
        .sort({ createdAt: 1 })
        .lean();
      const tags = new Set<string>();
      for (const event of events) {
        const id = String(event._id);
        if (this.seen.has(id)) continue;
        this.seen.set(id, event.createdAt.getTime());
        for (const tag of event.tags) tags.add(tag);
      }
      if (tags.size) this.apply([...tags]);
      this.since = Math.max(this.since, pollStarted);
      for (const [id, at] of this.seen) if (at < this.since - 2 * OVERLAP_MS) this.seen.delete(id);
    } catch (err) {
      this.logger.warn({ err }, 'page-cache invalidation poll failed; retrying');
    } finally {
      this.polling = false;
    }
  }
}
