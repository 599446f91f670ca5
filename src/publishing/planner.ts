/**
 * Planning turns a due publication into its deliveries: stream the audience once, cut it into the channel's
 * batches, and write them as they fill. Batches are written 'planned' and committed ('queued', claimable) a few at a
 * time while the plan lease is still ours, the first one at once: sending starts while the rest of the audience is
 * still being read. One worker plans a publication at a time (the plan lease); a planner that died is replaced after
 * its lease expires, and the replacement throws away its uncommitted batches and resumes: numbers (and channels)
 * already in committed batches are left out, new batches continue the numbering, so nobody gets two batches.
 */
import { Types } from 'mongoose';
import type { ChannelName } from '../channels/types';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import type { Clock } from '../clock';
import { streamPhoneAudience, type OptOutCheck } from '../audiences/resolve';
import { Publication, type PublicationDoc } from './models/publication';
import { Delivery, type DeliveryDoc } from './models/delivery';
import { refreshPublication } from './rollup';
import { blockFollowers, releaseFollowers } from './ledger';
import { pushSubscribers } from './partner-push';
import { withoutSecrets } from './secrets';

export interface PlannerDeps {
  clock: Clock;
  logger: Logger;
  owner: string;
  leaseMs: number;
  /** Numbers per provider request for the SMS channel. */
  smsBatchSize: number;
  optedOut: OptOutCheck;
  maxAttempts: (channel: ChannelName) => number;
  /** Batches just became claimable (the worker claims them while planning goes on). */
  onCommitted?: () => void;
}

export function idempotencyKey(publicationId: string, channel: ChannelName, batchIndex: number): string {
  return `${publicationId}:${channel}:${batchIndex}`;
}

/** Takes one publication that needs planning (pending, or planning with an expired lease); null when none. */
export async function claimPublicationToPlan(deps: PlannerDeps): Promise<PublicationDoc | null> {
  // The plan lease is about process liveness: wall clock, like every lease (src/jobs/lease.ts).
  const wallNow = new Date();
  return Publication.findOneAndUpdate(
    { $or: [{ status: 'pending' }, { status: 'planning', 'planLease.expiresAt': { $lte: wallNow } }] },
    { $set: { status: 'planning', planLease: { owner: deps.owner, expiresAt: new Date(wallNow.getTime() + deps.leaseMs) }, updatedAt: deps.clock.now() } },
    { returnDocument: 'after', sort: { dueAt: 1 } },
  ).lean();
}

export async function planPublication(deps: PlannerDeps, pub: PublicationDoc): Promise<void> {
  let audienceSummary = pub.audienceSummary;
  // A planner that was too slow (its lease went to another) touches nothing.
  if (!(await stillPlanning(deps, pub))) return;
  // A planner before us may have died after committing some batches: those stay, the rest is planned again.
  await Delivery.deleteMany({ publicationId: pub._id, status: 'planned' });
  const done = await committedSoFar(pub);
  try {
    // Written as the audience is read (see writeDeliveries): the plan never holds the whole audience.
    const written = await writeDeliveries(deps, pub, done);
    if (written === 'lost') {
      deps.logger.warn({ publicationId: String(pub._id) }, 'lost the plan lease before committing; leaving the plan to its new owner');
      return;
    }
    audienceSummary = written ?? audienceSummary;
  } catch (err) {
    if (err instanceof AppError && err.status < 500) {
      // The audience cannot be resolved as asked (an unknown resolver, a meeting that is gone): nothing will be sent.
      await Delivery.deleteMany({ publicationId: pub._id, status: 'planned' });
      await Publication.updateOne(
        { _id: pub._id, 'planLease.owner': deps.owner },
        { $set: { status: 'failed', planLease: null, finishedAt: deps.clock.now(), updatedAt: deps.clock.now(), error: { code: err.code, message: err.message } } },
      );
      return;
    }
    throw err;
  }
  const now = deps.clock.now();
  const error =
    pub.channels.includes('sms') && audienceSummary?.recipients === 0
      ? { code: 'no_recipients', message: '短信受众中没有可发送的号码（可能均已退订或号码无效）' }
      : null;
  // The deliveries carry each recipient's personal params from here on: the publication keeps no credentials.
  const recipients = pub.audience?.recipients;
  const scrubbed = recipients?.some((r) => r.secret?.length) ? { 'audience.recipients': recipients.map(withoutSecrets) } : {};
  await Publication.updateOne(
    { _id: pub._id, status: 'planning', 'planLease.owner': deps.owner },
    { $set: { status: 'sending', planLease: null, startedAt: pub.startedAt ?? now, audienceSummary, error, updatedAt: now, ...scrubbed } },
  );
  await refreshPublication(pub._id, deps.clock);
}

/**
 * Batches committed after the microsite already settled would wait for it forever: the worker releases (or blocks)
 * the followers once, when the page goes live (or cannot). Whichever comes second, that or this, applies it to them.
 */
async function followMicrosite(clock: Clock, publicationId: Types.ObjectId): Promise<void> {
  const page = await Delivery.findOne({ publicationId, channel: 'microsite', supersededBy: null }).select('status error').lean();
  if (page?.status === 'sent') await releaseFollowers(publicationId);
  else if (page?.status === 'failed' || page?.status === 'unknown') await blockFollowers(clock, publicationId, page.error?.message ?? page.status);
}

/** Renews the plan lease if this planner still holds it; false when another planner took the publication over. */
async function stillPlanning(deps: PlannerDeps, pub: PublicationDoc): Promise<boolean> {
  const res = await Publication.updateOne(
    { _id: pub._id, status: 'planning', 'planLease.owner': deps.owner },
    { $set: { 'planLease.expiresAt': new Date(Date.now() + deps.leaseMs) } },
  );
  return res.matchedCount === 1;
}

/** What committed batches of this publication already hold (a planner before us died mid-plan), by channel. */
interface CommittedPlan {
  channels: Set<ChannelName>;
  /** Numbers in committed SMS batches, and the next free batch index. */
  smsNumbers: Set<string>;
  nextSmsIndex: number;
  /** Partners with a committed webhook delivery, and the next free index. */
  partners: Set<string>;
  nextWebhookIndex: number;
}

async function committedSoFar(pub: PublicationDoc): Promise<CommittedPlan> {
  const rows = await Delivery.find({ publicationId: pub._id, round: 1 }).select('channel batchIndex recipients.recipient').lean();
  const plan: CommittedPlan = { channels: new Set(), smsNumbers: new Set(), nextSmsIndex: 0, partners: new Set(), nextWebhookIndex: 0 };
  for (const d of rows) {
    plan.channels.add(d.channel);
    if (d.channel === 'sms') {
      plan.nextSmsIndex = Math.max(plan.nextSmsIndex, d.batchIndex + 1);
      for (const r of d.recipients ?? []) plan.smsNumbers.add(r.recipient);
    }
    if (d.channel === 'webhook') {
      plan.nextWebhookIndex = Math.max(plan.nextWebhookIndex, d.batchIndex + 1);
      for (const r of d.recipients ?? []) plan.partners.add(r.recipient);
    }
  }
  return plan;
}

/** Planned batches committed together at most: 10 SMS batches (2,000 numbers) at a time. */
const WRITE_EVERY = 10;

/**
 * Writes the publication's deliveries: one per channel, the SMS audience in batches as it streams in from the
 * database, each group written 'planned' and then committed while the plan lease is ours. Returns the audience
 * summary (SMS only), or 'lost' when another planner took the publication over (nothing more is committed).
 */
async function writeDeliveries(deps: PlannerDeps, pub: PublicationDoc, done: CommittedPlan): Promise<PublicationDoc['audienceSummary'] | 'lost'> {
  const now = deps.clock.now();
  const pubId = String(pub._id);
  const followsMicrosite = pub.channels.includes('microsite');
  const base = (channel: ChannelName, batchIndex: number): Partial<DeliveryDoc> => ({
    _id: new Types.ObjectId(),
    publicationId: pub._id,
    channel,
    batchIndex,
    round: 1,
    supersededBy: null,
    idempotencyKey: idempotencyKey(pubId, channel, batchIndex),
    status: 'planned',
    attempts: 0,
    reconcileAttempts: 0,
    polls: 0,
    maxAttempts: deps.maxAttempts(channel),
    nextAttemptAt: now,
    // Messages link to the item's page: they wait until the page is live.
    waitFor: channel !== 'microsite' && followsMicrosite ? 'microsite' : null,
    lease: null,
    providerIds: {},
    error: null,
    recipients: [],
    recipientCount: 0,
    actions: [],
    createdAt: now,
    updatedAt: now,
  });

  let docs: Array<Partial<DeliveryDoc>> = [];
  let lost = false;
  let commits = 0;
  let flushes = 0;
  // lean: the documents are built complete here; hydrating thousands of recipient subdocuments would dominate planning.
  const commit = async (group: Array<Partial<DeliveryDoc>>) => {
    if (lost) return;
    await Delivery.insertMany(group, { ordered: true, lean: true });
    // Commit only while the plan is still ours: a planner that was too slow (its lease expired and another took
    // over, throwing away the planned batches and writing its own) must not queue what it wrote.
    if (!(await stillPlanning(deps, pub))) {
      lost = true;
      return;
    }
    await Delivery.updateMany({ _id: { $in: group.map((d) => d._id!) }, status: 'planned' }, { $set: { status: 'queued', updatedAt: deps.clock.now() } });
    commits += 1;
    if (followsMicrosite && commits > 1) await followMicrosite(deps.clock, pub._id);
    deps.onCommitted?.();
  };
  // One group is written while the next is read (never two at once, so groups commit in order); a failed write
  // surfaces at the next flush or at the end.
  let writing: Promise<void> = Promise.resolve();
  const flush = async () => {
    await writing;
    if (!docs.length || lost) return;
    const group = docs;
    docs = [];
    flushes += 1;
    writing = commit(group);
    writing.catch(() => undefined); // awaited later; not an unhandled rejection meanwhile
  };
  // The first batch goes at once (sending starts while the audience is still being read), then 2, 4, 8 and ten at a
  // time: the worker has batches to claim early, and later commits cost few round trips per batch.
  const full = () => docs.length >= Math.min(WRITE_EVERY, 2 ** flushes);
  let summary: PublicationDoc['audienceSummary'];
  for (const channel of ['microsite', 'wechat', 'weibo'] as const) {
    if (pub.channels.includes(channel) && !done.channels.has(channel)) docs.push(base(channel, 0));
  }
  if (pub.channels.includes('sms')) {
    let batchIndex = done.nextSmsIndex;
    summary = await streamPhoneAudience(
      pub.audience ?? {},
      deps.optedOut,
      Math.max(1, deps.smsBatchSize),
      async (batch) => {
        if (lost) return;
        docs.push({
          ...base('sms', batchIndex++),
          recipients: batch.map((r) => ({ recipient: r.phone, name: r.name, params: r.params, ...(r.secret?.length ? { secret: r.secret } : {}), status: 'queued' as const })),
          recipientCount: batch.length,
        });
        if (full()) await flush();
      },
      done.smsNumbers,
    );
  }
  // Putting an item on the microsite publishes it: the partners who take it get it pushed (one delivery each,
  // so one slow newsroom holds up nobody). 'webhook' alone re-pushes without touching the page.
  if (pub.channels.includes('webhook') || pub.channels.includes('microsite')) {
    const partners = (await pushSubscribers(pub.kind, String(pub.itemId))).filter((p) => !done.partners.has(p.partnerId));
    partners.forEach((p, i) => {
      docs.push({ ...base('webhook', done.nextWebhookIndex + i), recipients: [{ recipient: p.partnerId, name: p.name, status: 'queued' as const }], recipientCount: 1 });
    });
  }
  await flush();
  await writing;
  return lost ? 'lost' : summary;
}
