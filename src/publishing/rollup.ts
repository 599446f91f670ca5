/** A publication's status follows its deliveries: sending while any is open, then sent / partial / failed. */
import type { Types } from 'mongoose';
import type { Clock } from '../clock';
import { Publication, type PublicationStatus } from './models/publication';
import { Delivery } from './models/delivery';

const OPEN = new Set(['planned', 'queued', 'sending', 'pending']);

/** What a roll-up found: whether it is the one that finished the publication, and how many numbers it texted. */
export interface Rollup {
  finished: boolean;
  recipients: number;
}

export async function refreshPublication(publicationId: Types.ObjectId | string, clock: Clock): Promise<Rollup> {
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
  const filter = { _id: publicationId, status: { $in: ['sending', 'sent', 'partial', 'failed'] as PublicationStatus[] } };
  if (open) {
    await Publication.updateOne(filter, { $set: { status, deliveryCounts: counts, updatedAt: now }, $unset: { finishedAt: 1 } });
    return { finished: false, recipients: 0 };
  }
  // As it was before: receipts and people's retries roll a finished publication up again, only one roll-up finishes it.
  const before = await Publication.findOneAndUpdate(filter, { $set: { status, deliveryCounts: counts, finishedAt: now, updatedAt: now } })
    .select('status audienceSummary.recipients')
    .lean();
  return { finished: before?.status === 'sending', recipients: before?.audienceSummary?.recipients ?? 0 };
}

interface RollupState {
  timer?: NodeJS.Timeout;
  running?: Promise<void>;
  again: boolean;
  /** The next roll-up should not wait for the interval (see request). */
  urgent?: boolean;
  lastAt: number;
}

/**
 * Roll-ups requested by the worker as its batches settle, coalesced per publication: at most one a second (the
 * console's delivery page asks every 2 s), so a fan-out settling 50 batches in a second or two recomputes its
 * publication two or three times, not 50 (each roll-up reads every delivery of it). The last request is always
 * followed by a roll-up that starts after it, so the final status is never missed, and one the worker flags as
 * possibly the last runs at once; senders do not wait for it. `flush()` waits for every roll-up requested so far (shutdown, tests).
 */
export class RollupScheduler {
  private readonly pending = new Map<string, RollupState>();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly clock: Clock,
    private readonly onError: (err: unknown, publicationId: string) => void,
    private readonly minIntervalMs = 1000,
    /** A roll-up finished the publication (once per publication and round of sending). */
    private readonly onFinished?: (publicationId: string, rollup: Rollup) => void,
  ) {}

  /**
   * `settling`: the caller believes this may be the publication's last open delivery (its queue is empty and it holds
   * no other of its batches): the roll-up runs now rather than after the interval, so the final status is not late.
   */
  request(publicationId: Types.ObjectId | string, settling = false): void {
    const key = String(publicationId);
    const state: RollupState = this.pending.get(key) ?? { again: false, lastAt: 0 };
    this.pending.set(key, state);
    if (settling) state.urgent = true;
    if (state.running) {
      state.again = true;
      return;
    }
    if (state.timer) {
      if (!settling) return;
      clearTimeout(state.timer);
      state.timer = undefined;
    }
    this.schedule(key, state);
  }

  async flush(): Promise<void> {
    for (const state of this.pending.values()) {
      if (state.timer) {
        clearTimeout(state.timer);
        state.timer = undefined;
      }
    }
    for (const key of [...this.pending.keys()]) {
      const state = this.pending.get(key);
      if (state && !state.running) this.run(key, state);
    }
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  private schedule(key: string, state: RollupState): void {
    const wait = state.urgent ? 0 : Math.max(0, state.lastAt + this.minIntervalMs - performance.now());
    state.timer = setTimeout(() => {
      state.timer = undefined;
      this.run(key, state);
    }, wait);
  }

  private run(key: string, state: RollupState): void {
    state.again = false;
    state.urgent = false;
    state.lastAt = performance.now();
    const p = refreshPublication(key, this.clock)
      .then((rollup) => {
        if (rollup.finished) this.onFinished?.(key, rollup);
      })
      .catch((err) => this.onError(err, key))
      .finally(() => {
        state.running = undefined;
        this.inFlight.delete(p);
        if (state.again) this.schedule(key, state);
        else this.pending.delete(key);
      });
    state.running = p;
    this.inFlight.add(p);
  }
}
