/**
 * Every state change of a delivery, each one a single conditional update so that concurrent workers, receipts
 * and people never overwrite each other: a worker only records results while it still holds the lease.
 */
import type { Types } from 'mongoose';
import type { Clock } from '../clock';
import type { DeliveryOutcome, RecipientOutcome } from '../channels/types';
import { Delivery, type DeliveryDoc, type DeliveryError } from './models/delivery';
import { scrubIfReached } from './secrets';

/** Exponential backoff with jitter: 10 s, 20 s, 40 s … capped at 10 minutes. */
export function backoffMs(attempt: number, random = Math.random): number {
  const base = Math.min(10 * 60_000, 10_000 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/**
 * How often a 'pending' delivery is polled (WeChat publish jobs whose result event has not come), and for how long:
 * soon at first (most jobs finish within seconds), then backing off to once a minute.
 */
export const PENDING_POLL_MS = 60_000;
export const MAX_PENDING_POLLS = 60;
export function pendingPollDelayMs(pollsSoFar: number): number {
  return Math.min(PENDING_POLL_MS, 3_000 * 2 ** Math.max(0, pollsSoFar));
}

/**
 * Leases are about process liveness, so they use the wall clock (as src/jobs/lease.ts does) and are only ever
 * compared with the wall clock; due times (nextAttemptAt) are business time and follow the service clock.
 */
function leaseUntil(leaseMs: number) {
  return new Date(Date.now() + leaseMs);
}

/**
 * Claims the next due delivery: queued, due, not waiting for the microsite. The same update marks it 'sending' and
 * counts the attempt, BEFORE the provider is called: a crash from here on is found by the lease expiring.
 */
export async function claimDelivery(clock: Clock, owner: string, leaseMs: number): Promise<DeliveryDoc | null> {
  const now = clock.now();
  // Through the driver: every value is already in stored form, and this runs once per batch of a fan-out.
  return (await Delivery.collection.findOneAndUpdate(
    { status: 'queued', nextAttemptAt: { $lte: now }, waitFor: null },
    { $set: { status: 'sending', lease: { owner, expiresAt: leaseUntil(leaseMs) }, lastAttemptAt: now, updatedAt: now }, $inc: { attempts: 1 } },
    { returnDocument: 'after', sort: { nextAttemptAt: 1 } },
  )) as DeliveryDoc | null;
}

/** Claims a delivery whose worker stopped renewing its lease mid-send, to reconcile it with the provider. */
export async function claimInterrupted(clock: Clock, owner: string, leaseMs: number): Promise<DeliveryDoc | null> {
  return Delivery.findOneAndUpdate(
    { status: 'sending', 'lease.expiresAt': { $lte: new Date() } },
    { $set: { lease: { owner, expiresAt: leaseUntil(leaseMs) }, updatedAt: clock.now() }, $inc: { reconcileAttempts: 1 } },
    { returnDocument: 'after', sort: { 'lease.expiresAt': 1 } },
  ).lean();
}

/** Claims a 'pending' delivery due for a status poll (its final result event has not come). */
export async function claimPendingPoll(clock: Clock, owner: string, leaseMs: number): Promise<DeliveryDoc | null> {
  const now = clock.now();
  return Delivery.findOneAndUpdate(
    { status: 'pending', nextAttemptAt: { $lte: now }, $or: [{ lease: null }, { 'lease.expiresAt': { $lte: new Date() } }] },
    { $set: { lease: { owner, expiresAt: leaseUntil(leaseMs) }, nextAttemptAt: new Date(now.getTime() + PENDING_POLL_MS), updatedAt: now }, $inc: { polls: 1 } },
    { returnDocument: 'after', sort: { nextAttemptAt: 1 } },
  ).lean();
}

export async function renewLease(id: Types.ObjectId, owner: string, leaseMs: number): Promise<boolean> {
  const res = await Delivery.updateOne({ _id: id, 'lease.owner': owner }, { $set: { 'lease.expiresAt': leaseUntil(leaseMs) } });
  return res.matchedCount === 1;
}

/** Merges the provider's per-recipient results into the batch's recipient list. */
export function mergeRecipients(current: DeliveryDoc['recipients'], outcome: DeliveryOutcome): DeliveryDoc['recipients'] {
  const byRecipient = new Map<string, RecipientOutcome>();
  for (const r of outcome.recipients ?? []) byRecipient.set(r.recipient, r);
  const fallback = outcome.status === 'failed' ? 'failed' : outcome.status === 'sent' ? 'sent' : undefined;
  return current.map((r) => {
    const o = byRecipient.get(r.recipient);
    if (o) {
      return scrubIfReached({ ...r, status: o.status, providerMessageId: o.providerMessageId, errorCode: o.errorCode, errorMessage: o.errorMessage });
    }
    // A receipt may already have said more than "sent". A number held back by a frequency limit and not reached
    // this time is settled with the batch.
    if (r.status === 'deferred' && outcome.status === 'failed') return { ...r, status: 'failed', errorMessage: '受频率限制等待时投递已停止，未发送' };
    if (r.status === 'queued' && fallback) return scrubIfReached({ ...r, status: fallback });
    return r;
  });
}

/** Records what the provider said. Returns false when this worker no longer held the delivery. */
export async function recordOutcome(clock: Clock, d: DeliveryDoc, owner: string, outcome: DeliveryOutcome): Promise<DeliveryDoc['status'] | null> {
  const now = clock.now();
  const recipients = mergeRecipients(d.recipients ?? [], outcome);
  if (outcome.deferUntil) return recordDeferred(now, d, owner, outcome, recipients);
  const inDoubt = recipients.filter((r) => r.status === 'unknown').length;
  // Some numbers may or may not have received it (an interrupted request the provider cannot confirm): a person decides.
  // Nobody got it (every number skipped or refused): that is not "sent", whatever the provider call returned.
  const reached = recipients.filter((r) => ['sent', 'delivered', 'unknown'].includes(r.status)).length;
  const noneReached = outcome.status === 'sent' && recipients.length > 0 && reached === 0;
  const status = outcome.status === 'sent' && inDoubt > 0 ? 'unknown' : noneReached ? 'failed' : outcome.status;
  const firstMiss = noneReached ? recipients.find((r) => r.errorMessage) : undefined;
  const error =
    status === 'unknown'
      ? { code: 'outcome_unknown', message: `${inDoubt} 个号码的发送结果未知（发送中断且服务商无法核实）。请核实后选择“重新发送”或“标记为已发送”。` }
      : noneReached
        ? { code: 'none_reached', message: `没有号码收到这条消息${firstMiss ? `（如：${firstMiss.errorMessage}）` : ''}` }
        : outcome.error
        ? { code: outcome.error.code, message: outcome.error.message }
        : null;
  const set: Record<string, unknown> = {
    status,
    providerIds: { ...(d.providerIds ?? {}), ...(outcome.providerIds ?? {}) },
    recipients,
    error,
    updatedAt: now,
  };
  if (status === 'pending') {
    set.nextAttemptAt = new Date(now.getTime() + pendingPollDelayMs(d.polls ?? 0));
    set.lease = null;
  } else {
    set.settledAt = now;
    set.lease = null;
  }
  // Through the driver: the recipients are already in stored shape, and casting a 200-element subdocument array
  // through mongoose on every batch costs more than the provider call (see scripts/bench/fanout.ts).
  const res = await Delivery.collection.updateOne({ _id: d._id, 'lease.owner': owner, status: { $in: ['sending', 'pending'] } }, { $set: set });
  return res.matchedCount === 1 ? status : null;
}

/**
 * Some recipients wait for a frequency limit: back to the queue until the earliest of them may go, without using
 * up an attempt (waiting is not failing); the others' results are recorded already.
 */
async function recordDeferred(now: Date, d: DeliveryDoc, owner: string, outcome: DeliveryOutcome, recipients: DeliveryDoc['recipients']): Promise<'queued' | null> {
  const waiting = recipients.filter((r) => r.status === 'deferred').length;
  const res = await Delivery.collection.updateOne(
    { _id: d._id, 'lease.owner': owner, status: 'sending' },
    {
      $set: {
        status: 'queued',
        nextAttemptAt: outcome.deferUntil,
        attempts: Math.max(0, d.attempts - 1),
        providerIds: { ...(d.providerIds ?? {}), ...(outcome.providerIds ?? {}) },
        recipients,
        error: { code: 'deferred', message: `${waiting} 个号码受发送频率限制，稍后自动发送` },
        lease: null,
        updatedAt: now,
      },
    },
  );
  return res.matchedCount === 1 ? 'queued' : null;
}

/** Whether a transient failure of this attempt is the last one allowed. */
export function isLastAttempt(d: DeliveryDoc): boolean {
  return d.attempts >= d.maxAttempts;
}

/**
 * A transient failure: try again later, or give up after the last attempt. When giving up, `settled` is what the
 * channel knows per recipient (sent, in doubt → unknown, skipped): recorded so a person's retry only repeats those
 * who did not get it; recipients the channel never reached become 'failed'.
 */
export async function recordTransient(
  clock: Clock,
  d: DeliveryDoc,
  owner: string,
  error: DeliveryError,
  settled?: RecipientOutcome[],
): Promise<'retry' | 'failed' | 'lost'> {
  const now = clock.now();
  const giveUp = isLastAttempt(d);
  let giveUpSet: Record<string, unknown> | undefined;
  if (giveUp) {
    const recipients = settled ? mergeRecipients(d.recipients ?? [], { status: 'failed', recipients: settled }) : (d.recipients ?? []);
    const inDoubt = recipients.filter((r) => r.status === 'unknown').length;
    const doubt = inDoubt ? `；另有 ${inDoubt} 个号码的发送结果未知，重试不会再发给它们，需要时请选择“重新发送”` : '';
    giveUpSet = {
      status: 'failed',
      error: { ...error, message: `${error.message}（已重试 ${d.attempts} 次${doubt}）` },
      lease: null,
      settledAt: now,
      updatedAt: now,
      ...(settled ? { recipients } : {}),
    };
  }
  const res = await Delivery.updateOne(
    { _id: d._id, 'lease.owner': owner, status: 'sending' },
    {
      $set: giveUpSet ?? { status: 'queued', error, lease: null, nextAttemptAt: new Date(now.getTime() + backoffMs(d.attempts)), updatedAt: now },
    },
  );
  if (res.matchedCount !== 1) return 'lost';
  return giveUp ? 'failed' : 'retry';
}

export async function recordPermanent(clock: Clock, d: DeliveryDoc, owner: string, error: DeliveryError): Promise<boolean> {
  const now = clock.now();
  const res = await Delivery.updateOne(
    { _id: d._id, 'lease.owner': owner, status: { $in: ['sending', 'pending'] } },
    {
      $set: {
        status: 'failed',
        error,
        lease: null,
        settledAt: now,
        updatedAt: now,
        recipients: (d.recipients ?? []).map((r) => (r.status === 'queued' || r.status === 'deferred' ? { ...r, status: 'failed', errorCode: error.providerCode ?? error.code } : r)),
      },
    },
  );
  return res.matchedCount === 1;
}

/**
 * Nobody can tell whether the provider got it: a person decides (resend or mark sent). Never re-sent by itself.
 * `settled` is what the channel knows per recipient (sent, unknown with evidence); recipients it never reached are failed.
 */
export async function recordUnknown(clock: Clock, d: DeliveryDoc, owner: string, message: string, settled?: RecipientOutcome[]): Promise<boolean> {
  const now = clock.now();
  const recipients = settled
    ? mergeRecipients(d.recipients ?? [], { status: 'failed', recipients: settled })
    : (d.recipients ?? []).map((r) =>
        r.status === 'queued' ? { ...r, status: 'unknown' as const } : r.status === 'deferred' ? { ...r, status: 'failed' as const } : r,
      );
  const res = await Delivery.updateOne(
    { _id: d._id, 'lease.owner': owner, status: { $in: ['sending', 'pending'] } },
    {
      $set: {
        status: 'unknown',
        error: { code: 'outcome_unknown', message },
        lease: null,
        settledAt: now,
        updatedAt: now,
        recipients,
      },
    },
  );
  return res.matchedCount === 1;
}

/** The microsite went live: the other channels of the publication may go. */
export async function releaseFollowers(publicationId: Types.ObjectId): Promise<void> {
  await Delivery.updateMany({ publicationId, waitFor: 'microsite' }, { $set: { waitFor: null } });
}

/** The microsite could not go live: messages linking to it are not sent; retrying the microsite re-queues them. */
export async function blockFollowers(clock: Clock, publicationId: Types.ObjectId, reason: string): Promise<void> {
  const now = clock.now();
  await Delivery.updateMany(
    { publicationId, waitFor: 'microsite', status: 'queued' },
    { $set: { status: 'failed', error: { code: 'blocked_by_microsite', message: `微站未能上线，未发送：${reason}` }, settledAt: now, updatedAt: now } },
  );
}
