/**
 * The delivery worker, running in every instance. Each tick: plan due publications, reconcile deliveries whose
 * worker died mid-send, poll pending provider jobs, then claim queued batches up to the concurrency limit.
 * Claims are atomic (findOneAndUpdate), so instances on several machines never send one batch twice.
 * A delivery interrupted after the provider may have accepted it is reconciled with the provider, never re-sent.
 */
import type { Channel, ChannelName, DeliveryRequest, PublishableContent, RecipientOutcome } from '../channels/types';
import { ChannelError } from '../channels/types';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { Counter, Histogram } from 'prom-client';
import { AppError } from '../errors';
import { Publication, type PublicationDoc } from './models/publication';
import type { DeliveryDoc } from './models/delivery';
import { claimPublicationToPlan, planPublication, type PlannerDeps } from './planner';
import {
  MAX_PENDING_POLLS,
  blockFollowers,
  isLastAttempt,
  claimDelivery,
  claimInterrupted,
  claimPendingPoll,
  recordOutcome,
  recordPermanent,
  recordTransient,
  recordUnknown,
  releaseFollowers,
  renewLease,
} from './ledger';
import { RollupScheduler } from './rollup';
import { contentFor } from './items';
import { collectAfterHeavyWork } from '../heavy-work';

export interface WorkerDeps {
  clock: Clock;
  logger: Logger;
  owner: string;
  leaseMs: number;
  concurrency: number;
  pollMs: number;
  /**
   * Longest wait between polls once they keep finding nothing (each empty poll doubles the wait from pollMs): an idle
   * service asks the database a few times a minute, not several times a second. New work wakes the worker at once
   * (a publication created or coming due, a batch committed); only retries coming due and other instances' expired
   * leases wait for a poll. Default: pollMs (no backoff).
   */
  idlePollMs?: number;
  publicBaseUrl: string;
  channels: Map<ChannelName, Channel>;
  planner: PlannerDeps;
  /** Deliveries settled, by channel and status. */
  settled?: Counter<string>;
  /** Time spent inside channel.deliver, by channel. */
  callSeconds?: Histogram<string>;
}

const MAX_RECONCILE_ATTEMPTS = 5;
/** Numbers texted by one publication from which its end is followed by a full garbage collection. */
const HEAVY_FANOUT_RECIPIENTS = 2000;
const INTERRUPTED_MESSAGE = '发送过程中断，服务商无法确认是否已发出。请核实后选择“重新发送”或“标记为已发送”。';

export class PublishingWorker {
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private ticking = false;
  private again = false;
  private running = false;
  /** Polls in a row that claimed nothing (the next waits longer); any work or wake() starts over. */
  private emptyPolls = 0;
  /** Deliveries launched since start (a tick compares it to tell whether it found work). */
  private claimed = 0;
  private readonly cache = new Map<string, { at: number; pub: PublicationDoc; content?: PublishableContent }>();
  private readonly rollups: RollupScheduler;
  /** performance.now() of the last pass over planning, interrupted and pending work; a freed slot only claims. */
  private lastFullPass = -Infinity;
  private fullPassWanted = true;
  /** Publications being planned, beside the sending: batches are claimed as the planner commits them. */
  private planning: Promise<void> | undefined;
  private readonly planner: PlannerDeps;
  /** Deliveries this instance works on, by publication: a batch that settles with none beside it may be the last. */
  private readonly inFlightOf = new Map<string, number>();
  /** The last claim found no due delivery. */
  private queueDrained = false;

  constructor(private readonly deps: WorkerDeps) {
    this.planner = { ...deps.planner, onCommitted: () => this.wakeForSlot() };
    this.rollups = new RollupScheduler(
      deps.clock,
      (err, publicationId) => deps.logger.warn({ err, publicationId }, 'publication roll-up failed'),
      undefined,
      (_publicationId, { recipients }) => {
        // A fan-out to thousands is rare heavy work: what its batches dropped (promoted while they waited on their
        // round trips) is collected now rather than carried into the next one (bench:fanout; one full GC, tens of ms).
        if (recipients >= HEAVY_FANOUT_RECIPIENTS) collectAfterHeavyWork();
      },
    );
  }

  start(): void {
    this.running = true;
    this.wake();
  }

  /** Look for work now (a publication was just created or became due). */
  wake(): void {
    this.fullPassWanted = true;
    this.emptyPolls = 0;
    this.wakeForSlot();
  }

  /** A batch finished: claim the next queued one (planning and recovery keep their own pace, every poll). */
  private wakeForSlot(): void {
    if (!this.running) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), 0);
  }

  /** Stops claiming and waits for batches in flight (the caller bounds the wait); unfinished leases expire and are reconciled. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    while (this.ticking) await new Promise((r) => setTimeout(r, 10));
    await Promise.allSettled([...this.inFlight]);
    await this.planning;
    await this.rollups.flush();
  }

  private async tick(): Promise<void> {
    if (this.ticking) {
      this.again = true;
      return;
    }
    this.ticking = true;
    this.again = false;
    const { deps } = this;
    const claimedBefore = this.claimed;
    try {
      const full = this.fullPassWanted || performance.now() - this.lastFullPass >= deps.pollMs;
      if (full) {
        this.fullPassWanted = false;
        this.lastFullPass = performance.now();
      }
      if (full && !this.planning) {
        this.planning = this.planDue().finally(() => {
          this.planning = undefined;
        });
      }
      while (full && this.inFlight.size < deps.concurrency) {
        const d = await claimInterrupted(deps.clock, deps.owner, deps.leaseMs);
        if (!d) break;
        this.launch(d, () => this.reconcile(d));
      }
      while (full && this.inFlight.size < deps.concurrency) {
        const d = await claimPendingPoll(deps.clock, deps.owner, deps.leaseMs);
        if (!d) break;
        this.launch(d, () => this.poll(d));
      }
      while (this.running && this.inFlight.size < deps.concurrency) {
        const d = await claimDelivery(deps.clock, deps.owner, deps.leaseMs);
        this.queueDrained = !d;
        if (!d) break;
        this.launch(d, () => this.send(d));
      }
    } catch (err) {
      deps.logger.warn({ err }, 'publishing worker tick failed');
    } finally {
      this.ticking = false;
      if (this.running) {
        clearTimeout(this.timer);
        this.timer = setTimeout(() => void this.tick(), this.again ? 0 : this.nextPollMs(claimedBefore));
      }
    }
  }

  /**
   * Plans due publications one after another, off the tick: the batches a planner commits are claimed by the ticks
   * it wakes, so the first texts leave while the rest of the audience is still being read.
   */
  private async planDue(): Promise<void> {
    const { deps } = this;
    let planned = 0;
    try {
      for (; this.running && planned < 20; planned++) {
        const pub = await claimPublicationToPlan(this.planner);
        if (!pub) break;
        try {
          await planPublication(this.planner, pub);
        } catch (err) {
          deps.logger.error({ err, publicationId: String(pub._id) }, 'planning a publication failed; it will be retried when its lease expires');
        }
      }
    } catch (err) {
      deps.logger.warn({ err }, 'looking for publications to plan failed');
    }
    // More may be due (or these were everything): look again now rather than at the next poll.
    if (planned) this.wake();
  }

  /** The wait before the next poll: pollMs after one that found work, doubling per empty one up to idlePollMs. */
  private nextPollMs(claimedBefore: number): number {
    const { pollMs, idlePollMs = pollMs } = this.deps;
    if (this.claimed !== claimedBefore || this.planning) {
      this.emptyPolls = 0;
      return pollMs;
    }
    this.emptyPolls = Math.min(this.emptyPolls + 1, 16);
    return Math.min(idlePollMs, pollMs * 2 ** this.emptyPolls);
  }

  private launch(d: DeliveryDoc, work: () => Promise<void>): void {
    this.claimed++;
    // Keep the lease while the provider call runs (uploads and large batches can be slow).
    const heartbeat = setInterval(() => {
      renewLease(d._id, this.deps.owner, this.deps.leaseMs).catch(() => {});
    }, Math.max(500, Math.floor(this.deps.leaseMs / 3)));
    const key = String(d.publicationId);
    this.inFlightOf.set(key, (this.inFlightOf.get(key) ?? 0) + 1);
    const p = work()
      .catch((err) => this.deps.logger.error({ err, deliveryId: String(d._id) }, 'delivery handling failed'))
      .finally(() => {
        clearInterval(heartbeat);
        this.inFlight.delete(p);
        const left = (this.inFlightOf.get(key) ?? 1) - 1;
        if (left) this.inFlightOf.set(key, left);
        else this.inFlightOf.delete(key);
        this.wakeForSlot();
      });
    this.inFlight.add(p);
  }

  private async publicationOf(d: DeliveryDoc): Promise<{ pub: PublicationDoc; content: PublishableContent }> {
    const key = String(d.publicationId);
    const cached = this.cache.get(key);
    // A few seconds of process time (monotonic), not the service clock: it only spares re-reading for each batch.
    if (cached?.content && performance.now() - cached.at < 5_000) return { pub: cached.pub, content: cached.content };
    const pub = await Publication.findById(d.publicationId).lean();
    if (!pub) throw new AppError(404, 'publication_missing', '发布记录已不存在');
    const content = await contentFor(pub.kind, pub.itemId, this.deps.publicBaseUrl, this.deps.clock);
    if (this.cache.size > 100) this.cache.clear();
    this.cache.set(key, { at: performance.now(), pub, content });
    return { pub, content };
  }

  private requestFor(d: DeliveryDoc, pub: PublicationDoc, content: PublishableContent): DeliveryRequest {
    const request: DeliveryRequest = { deliveryId: String(d._id), idempotencyKey: d.idempotencyKey, attempt: d.attempts, content };
    if (d.channel === 'sms') {
      request.sms = {
        notification: pub.sms?.notification ?? 'news',
        params: pub.sms?.params ?? {},
        recipients: (d.recipients ?? []).map((r) => ({ phone: r.recipient, name: r.name, params: r.params })),
      };
    }
    if (d.channel === 'wechat') request.wechat = pub.wechat ?? { mode: 'publish' };
    if (d.channel === 'webhook') request.webhook = { partnerId: d.recipients?.[0]?.recipient ?? '' };
    return request;
  }

  private channelOf(d: DeliveryDoc): Channel {
    const channel = this.deps.channels.get(d.channel);
    if (!channel) throw new AppError(503, 'channel_unavailable', `渠道 ${d.channel} 未配置`);
    return channel;
  }

  private async send(d: DeliveryDoc): Promise<void> {
    const { clock, owner } = this.deps;
    let request: DeliveryRequest;
    let channel: Channel;
    try {
      channel = this.channelOf(d);
      const { pub, content } = await this.publicationOf(d);
      request = this.requestFor(d, pub, content);
      request.firstTry = d.attempts === 1 && !d.reconcileAttempts && (d.recipients ?? []).every((r) => r.status === 'queued');
    } catch (err) {
      // Nothing reached the provider yet: a missing item is permanent, anything else (database hiccup) is retried.
      if (err instanceof AppError && err.status < 500) {
        await recordPermanent(clock, d, owner, { code: err.code, message: err.message });
        return this.settled(d, 'failed', err.message);
      }
      const message = `准备发送时出错：${(err as Error).message}`;
      if ((await recordTransient(clock, d, owner, { code: 'prepare_failed', message })) === 'failed') await this.settled(d, 'failed', message);
      return;
    }
    let outcome;
    const endTimer = this.deps.callSeconds?.startTimer({ channel: d.channel });
    try {
      outcome = await channel.deliver(request);
    } catch (err) {
      endTimer?.();
      if (err instanceof ChannelError && err.inDoubt) {
        // An earlier attempt may have done it and the provider cannot tell: a person decides (resend or mark sent).
        this.deps.logger.warn({ deliveryId: String(d._id), code: err.code }, 'delivery in doubt; marked unknown');
        await recordUnknown(clock, d, owner, err.message);
        return this.settled(d, 'unknown');
      }
      if (err instanceof ChannelError) {
        const error = { code: err.code, providerCode: err.providerCode, message: err.providerMessage ? `${err.message}（${err.providerMessage}）` : err.message };
        if (err.transient) {
          const settledRecipients = isLastAttempt(d) ? await this.settleAbandoned(channel, request) : undefined;
          const result = await recordTransient(clock, d, owner, error, settledRecipients);
          this.deps.logger.warn({ deliveryId: String(d._id), code: err.code, providerCode: err.providerCode, result }, 'delivery failed transiently');
          if (result === 'failed') await this.settled(d, 'failed', error.message);
        } else {
          await recordPermanent(clock, d, owner, error);
          this.deps.logger.warn({ deliveryId: String(d._id), code: err.code, providerCode: err.providerCode }, 'delivery failed permanently');
          await this.settled(d, 'failed', error.message);
        }
        return;
      }
      // We cannot tell whether the provider acted on it: never guess, ask a person.
      this.deps.logger.error({ err, deliveryId: String(d._id) }, 'channel raised an unexpected error; delivery marked unknown');
      await recordUnknown(clock, d, owner, `${INTERRUPTED_MESSAGE}（${(err as Error).message}）`);
      return this.settled(d, 'unknown');
    }
    endTimer?.();
    const recorded = await recordOutcome(clock, d, owner, outcome);
    if (!recorded) {
      this.deps.logger.warn({ deliveryId: String(d._id) }, 'lost the lease before recording a delivery outcome');
      return;
    }
    if (recorded === 'queued') {
      // Held back by a frequency limit: back in the queue until it may go.
      this.deps.logger.info({ deliveryId: String(d._id), deferUntil: outcome.deferUntil }, 'delivery deferred by a frequency limit');
      return this.rollups.request(d.publicationId);
    }
    await this.settled(d, recorded, outcome.error?.message);
  }

  /** Giving up on a delivery: what the channel knows per recipient (undefined when it cannot say). */
  private async settleAbandoned(channel: Channel, request: DeliveryRequest): Promise<RecipientOutcome[] | undefined> {
    if (!channel.settleAbandoned) return undefined;
    try {
      return await channel.settleAbandoned(request);
    } catch (err) {
      this.deps.logger.warn({ err, deliveryId: request.deliveryId }, 'could not settle the recipients of an abandoned delivery');
      return undefined;
    }
  }

  /** The worker that sent this batch died: ask the provider what became of it. */
  private async reconcile(d: DeliveryDoc): Promise<void> {
    const { clock, owner } = this.deps;
    let result;
    let request: DeliveryRequest | undefined;
    try {
      const { pub, content } = await this.publicationOf(d);
      request = this.requestFor(d, pub, content);
      result = await this.channelOf(d).reconcile(request, d.providerIds ?? {});
    } catch (err) {
      if ((d.reconcileAttempts ?? 0) < MAX_RECONCILE_ATTEMPTS && !(err instanceof ChannelError && !err.transient)) {
        // Leave it 'sending'; the lease expires again and someone asks once more (the provider's records may be late).
        this.deps.logger.warn({ err, deliveryId: String(d._id) }, 'reconciliation failed; will ask again');
        return;
      }
      result = 'unknown' as const;
    }
    if (result === 'unknown') {
      const settledRecipients = request ? await this.settleAbandoned(this.channelOf(d), request) : undefined;
      await recordUnknown(clock, d, owner, INTERRUPTED_MESSAGE, settledRecipients);
      this.deps.logger.warn({ deliveryId: String(d._id), channel: d.channel }, 'interrupted delivery could not be reconciled; marked unknown');
      return this.settled(d, 'unknown');
    }
    const recorded = await recordOutcome(clock, d, owner, result);
    if (recorded === 'queued') return this.rollups.request(d.publicationId);
    if (recorded) await this.settled(d, recorded, result.error?.message);
  }

  /** A provider job still running (WeChat publish / mass send) whose result event has not arrived: poll it. */
  private async poll(d: DeliveryDoc): Promise<void> {
    const { clock, owner } = this.deps;
    let result;
    try {
      const { pub, content } = await this.publicationOf(d);
      result = await this.channelOf(d).reconcile(this.requestFor(d, pub, content), d.providerIds ?? {});
    } catch (err) {
      this.deps.logger.warn({ err, deliveryId: String(d._id) }, 'polling a pending delivery failed');
      result = 'unknown' as const;
    }
    if (result === 'unknown' || result.status === 'pending') {
      if ((d.polls ?? 0) >= MAX_PENDING_POLLS) {
        await recordUnknown(clock, d, owner, '平台长时间未返回发布结果，请在公众号后台核实。');
        return this.settled(d, 'unknown');
      }
      if (result !== 'unknown') await recordOutcome(clock, d, owner, result);
      return;
    }
    const recorded = await recordOutcome(clock, d, owner, result);
    if (recorded) await this.settled(d, recorded, result.error?.message);
  }

  private async settled(d: DeliveryDoc, status: string, reason?: string): Promise<void> {
    this.deps.settled?.inc({ channel: d.channel, status });
    if (d.channel === 'microsite') {
      if (status === 'sent') await releaseFollowers(d.publicationId);
      else if (status === 'failed' || status === 'unknown') await blockFollowers(this.deps.clock, d.publicationId, reason ?? status);
    }
    // Nothing being planned or queued here and no other batch of it in hand: possibly its last, so its status is
    // rolled up at once rather than after the roll-up interval.
    const maybeLast = !this.planning && this.queueDrained && (this.inFlightOf.get(String(d.publicationId)) ?? 0) <= 1;
    this.rollups.request(d.publicationId, maybeLast);
  }
}
