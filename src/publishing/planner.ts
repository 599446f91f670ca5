/**
 * Planning turns a due publication into its deliveries: stream the audience once, cut it into the channel's
 * batches, write the batches as 'planned' (as they fill) and then commit them all ('queued') in one update, so a worker never
 * sees half a plan. One worker plans a publication at a time (the plan lease); a planner that died is replaced
 * after its lease expires, and the replacement throws away uncommitted batches and starts again.
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
  const committed = await Delivery.exists({ publicationId: pub._id, status: { $ne: 'planned' } });
  let audienceSummary = pub.audienceSummary;
  if (!committed) {
    await Delivery.deleteMany({ publicationId: pub._id, status: 'planned' });
    try {
      // Written as the audience is read (see writeDeliveries): the plan never holds the whole audience.
      audienceSummary = await writeDeliveries(deps, pub);
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
    // Commit only while the plan is still ours: a planner that was too slow (its lease expired and another took
    // over, throwing away the planned batches and writing its own) must not queue what it wrote.
    if (!(await stillPlanning(deps, pub))) {
      deps.logger.warn({ publicationId: String(pub._id) }, 'lost the plan lease before committing; leaving the plan to its new owner');
      return;
    }
    // Commit: every batch becomes claimable at once.
    await Delivery.updateMany({ publicationId: pub._id, status: 'planned' }, { $set: { status: 'queued', updatedAt: deps.clock.now() } });
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

/** Renews the plan lease if this planner still holds it; false when another planner took the publication over. */
async function stillPlanning(deps: PlannerDeps, pub: PublicationDoc): Promise<boolean> {
  const res = await Publication.updateOne(
    { _id: pub._id, status: 'planning', 'planLease.owner': deps.owner },
    { $set: { 'planLease.expiresAt': new Date(Date.now() + deps.leaseMs) } },
  );
  return res.matchedCount === 1;
}

/** Planned batches written per insert: 10 SMS batches (2,000 numbers) at a time. */
const WRITE_EVERY = 10;

/**
 * Writes the publication's deliveries as 'planned': one per channel, the SMS audience in batches as it streams in
 * from the database. Returns the audience summary (SMS only).
 */
async function writeDeliveries(deps: PlannerDeps, pub: PublicationDoc): Promise<PublicationDoc['audienceSummary']> {
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
  // lean: the documents are built complete here; hydrating thousands of recipient subdocuments would dominate planning.
  const write = async () => {
    if (docs.length) await Delivery.insertMany(docs, { ordered: true, lean: true });
    docs = [];
  };
  let summary: PublicationDoc['audienceSummary'];
  if (pub.channels.includes('microsite')) docs.push(base('microsite', 0));
  if (pub.channels.includes('wechat')) docs.push(base('wechat', 0));
  if (pub.channels.includes('weibo')) docs.push(base('weibo', 0));
  if (pub.channels.includes('sms')) {
    let batchIndex = 0;
    summary = await streamPhoneAudience(pub.audience ?? {}, deps.optedOut, Math.max(1, deps.smsBatchSize), async (batch) => {
      docs.push({
        ...base('sms', batchIndex++),
        recipients: batch.map((r) => ({ recipient: r.phone, name: r.name, params: r.params, ...(r.secret?.length ? { secret: r.secret } : {}), status: 'queued' as const })),
        recipientCount: batch.length,
      });
      if (docs.length >= WRITE_EVERY) await write();
    });
  }
  // Putting an item on the microsite publishes it: the partners who take it get it pushed (one delivery each,
  // so one slow newsroom holds up nobody). 'webhook' alone re-pushes without touching the page.
  if (pub.channels.includes('webhook') || pub.channels.includes('microsite')) {
    const partners = await pushSubscribers(pub.kind, String(pub.itemId));
    partners.forEach((p, i) => {
      docs.push({ ...base('webhook', i), recipients: [{ recipient: p.partnerId, name: p.name, status: 'queued' as const }], recipientCount: 1 });
    });
  }
  await write();
  return summary;
}
