/**
 * Page views counted in memory and added to the items in batches ($inc, one write per item per flush), so a
 * popular page costs no database write per request. Counts that fail to flush are kept for the next flush.
 */
import { CONTENT_KINDS, type ContentKind } from '../content/enums';
import { recordViews } from '../content/public-queries';
import type { Logger } from '../logger';

const countable = new Set<string>(CONTENT_KINDS);

export class ViewCounter {
  private pending = new Map<ContentKind, Map<string, number>>();
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;

  constructor(
    private readonly logger: Logger,
    /** When views happen, for the per-month tally (the service clock). */
    private readonly now: () => Date,
  ) {}

  hit(kind: string, id: string): void {
    if (countable.has(kind)) this.add(kind as ContentKind, id, 1);
  }

  start(intervalMs: number): void {
    this.timer = setInterval(() => void this.flush(), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  /** Writes what has been counted; concurrent calls share one flush, then a later call picks up the rest. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    this.flushing = (async () => {
      for (const [kind, counts] of batch) {
        try {
          await recordViews(kind, counts, this.now());
        } catch (err) {
          this.logger.warn({ err, kind, items: counts.size }, 'page views not written; kept for the next flush');
          for (const [id, n] of counts) this.add(kind, id, n);
        }
      }
    })();
    try {
      await this.flushing;
    } finally {
      this.flushing = undefined;
    }
  }

  private add(kind: ContentKind, id: string, n: number): void {
    let counts = this.pending.get(kind);
    if (!counts) this.pending.set(kind, (counts = new Map()));
    counts.set(id, (counts.get(id) ?? 0) + n);
  }
}
