/**
 * Runs each inbound message once and answers within WeChat's 5 seconds.
 * - Retry dedupe: the first delivery claims the message's retry identity in MongoDB (unique _id); a retry finds the
 *   claim and answers with the stored reply (waiting briefly while the first delivery is still working). The claim
 *   also records the callback signature with a hash of the body (unique): another body under a signature already
 *   used is refused as a forgery. Claims of concurrent callbacks go to the database together (one insert per batch).
 * - Deadline: the answer is due `deadlineMs` after the request arrived (the route passes the moment); whatever is not
 *   done by then (the claim, the handler, storing the reply) finishes in the background, the answer is `success` and
 *   the handler's reply (if any) follows as a customer-service message.
 */
import { LRUCache } from 'lru-cache';
import type { Collection } from 'mongodb';
import type { Clock } from '../../clock';
import type { Logger } from '../../logger';
import { EXPIRY_RESOLUTION_MS } from '../content-cache';
import { WechatInboundMessage, type InboundMessageDoc } from '../models/inbound-message';
import { WriteBatcher } from '../write-batcher';
import type { InboundHandlers } from './handlers';
import { dedupeKey, type InboundMessage } from './message';
import { renderReplyXml, type Reply } from './reply';

export const SUCCESS = 'success';

/** Where a callback came from: its signature (`timestamp:nonce:signature`) and a hash of its raw body. */
export interface CallbackOrigin {
  signature: string;
  bodyHash: string;
}

/** Another body arrived under a signature already used: a forgery (the route refuses it with 403). */
export class ReplayedSignature extends Error {
  constructor() {
    super('the signature was already used for another body');
    this.name = 'ReplayedSignature';
  }
}

/** The native collection: claims and stored replies are complete as built, so mongoose's casting would be wasted work. */
const inboundMessages = () => WechatInboundMessage.collection as unknown as Collection<InboundMessageDoc>;

type Claimed = 'claimed' | 'retry' | 'replayed';
type ClaimDoc = Pick<InboundMessageDoc, '_id' | 'status' | 'openid' | 'signature' | 'bodyHash' | 'receivedAt'>;

export interface ProcessorOptions {
  /** Time a handler gets before the answer becomes `success` (WeChat gives up at 5 s). */
  deadlineMs: number;
  /** How often a retry looks for the first delivery's stored reply. */
  retryPollMs?: number;
}

export type FollowUp = (msg: InboundMessage, reply: Reply) => Promise<void>;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

type FinishOp = { updateOne: { filter: { _id: string }; update: { $set: Pick<InboundMessageDoc, 'status' | 'reply' | 'deferred' | 'doneAt'> } } };

export class InboundProcessor {
  private readonly background = new Set<Promise<unknown>>();
  /**
   * Replies are stored for retries in batches: one bulk write per 50 ms instead of one write per message (WeChat
   * retries after 5 s; a retry reaching another instance sooner waits for the stored reply, as before). Under load a
   * 10 ms window meant about one update command per 25 messages; 50 ms, one per 100 or more.
   */
  private readonly replies = new WriteBatcher<FinishOp>((ops) => inboundMessages().bulkWrite(ops, { ordered: false }), { delayMs: 50, max: 500 });
  private readonly claims = new WriteBatcher<ClaimDoc, Claimed>((docs) => claimAll(docs), { delayMs: 0, max: 500 });
  /**
   * Replies this instance answered lately, for WeChat's retries (within ~15 s) that reach this instance: answered
   * from memory instead of reading the stored reply back. Bounded; a retry not found here reads the database.
   */
  private readonly recentReplies = new LRUCache<string, string>({ max: 2_000, ttl: 30_000, ttlResolution: EXPIRY_RESOLUTION_MS });

  constructor(
    private readonly handlers: InboundHandlers,
    private readonly followUp: FollowUp,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly options: ProcessorOptions,
  ) {}

  get deadlineMs(): number {
    return this.options.deadlineMs;
  }

  /**
   * The plain reply XML, or `success`; never later than `deadlineAt` (performance.now() ms: WeChat's limit is
   * elapsed time, measured on the monotonic clock, not the service clock; default: deadlineMs from now).
   */
  async process(msg: InboundMessage, deadlineAt = performance.now() + this.options.deadlineMs, origin?: CallbackOrigin): Promise<string> {
    const key = dedupeKey(msg);
    // The claim and the handler race the deadline together; what is decided below happens exactly once.
    const work = (async (): Promise<{ retryAnswer: string } | { reply: Reply | null } | { replayed: true }> => {
      const claimed = await this.claims.add({ _id: key, status: 'processing', openid: msg.fromUser, ...origin, receivedAt: this.clock.now() });
      if (claimed === 'replayed') return { replayed: true };
      if (claimed === 'retry') return { retryAnswer: await this.answerRetry(key, deadlineAt) };
      try {
        return { reply: await this.handlers.handle(msg) };
      } catch (err) {
        this.logger.error({ err, key }, 'wechat handler failed');
        return { reply: null };
      }
    })();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), Math.max(0, deadlineAt - performance.now()));
    });
    let outcome: Awaited<typeof work> | 'late';
    try {
      outcome = await Promise.race([work, deadline]);
    } catch (err) {
      this.logger.error({ err, key }, 'wechat message processing failed');
      return SUCCESS;
    } finally {
      clearTimeout(timer);
    }
    if (outcome === 'late') {
      this.logger.warn({ key, deadlineMs: this.options.deadlineMs }, 'wechat reply deadline reached; answering success and following up');
      this.track(
        work
          .then(async (done) => {
            if (!('reply' in done)) return;
            await this.finish(key, SUCCESS, true);
            if (done.reply) await this.followUp(msg, done.reply);
          })
          .catch((err) => this.logger.error({ err, key }, 'wechat background handler or follow-up failed')),
      );
      return SUCCESS;
    }
    if ('replayed' in outcome) throw new ReplayedSignature();
    if ('retryAnswer' in outcome) return outcome.retryAnswer;
    const xml = outcome.reply
      ? renderReplyXml(outcome.reply, { toUser: msg.fromUser, fromUser: msg.toUser, createTime: Math.floor(this.clock.now().getTime() / 1000) })
      : SUCCESS;
    // Stored for WeChat's retries in the background: the answer does not wait for the write.
    this.track(this.finish(key, xml, false));
    return xml;
  }

  /** Waits for background handlers (bounded by the caller's shutdown timeout). */
  async drain(): Promise<void> {
    await this.claims.drain();
    await Promise.allSettled([...this.background]);
    await this.replies.drain();
  }

  private track(p: Promise<unknown>): void {
    this.background.add(p);
    void p.finally(() => this.background.delete(p));
  }

  private async finish(key: string, reply: string, deferred: boolean): Promise<void> {
    this.recentReplies.set(key, reply);
    try {
      await this.replies.add({ updateOne: { filter: { _id: key }, update: { $set: { status: 'done', reply, deferred, doneAt: this.clock.now() } } } });
    } catch (err) {
      // The answer still goes out; a retry would then wait and answer `success`.
      this.logger.error({ err, key }, 'could not store the wechat reply');
    }
  }

  /** A retry: the stored reply once the first delivery has one; `success` if it is still working at the deadline. */
  private async answerRetry(key: string, until: number): Promise<string> {
    const poll = this.options.retryPollMs ?? 50;
    for (;;) {
      const known = this.recentReplies.get(key);
      if (known !== undefined) return known;
      const doc = await inboundMessages().findOne({ _id: key }, { projection: { status: 1, reply: 1 } });
      if (!doc) return SUCCESS;
      if (doc.status === 'done') return doc.reply ?? SUCCESS;
      if (performance.now() + poll > until) return SUCCESS;
      await sleep(poll);
    }
  }
}

/**
 * Inserts a batch of claims (unordered: one duplicate does not stop the others) and tells each apart: claimed, a
 * retry of a message already claimed, or a replay of a used signature with another body. Only duplicates are read back.
 */
async function claimAll(docs: ClaimDoc[]): Promise<Claimed[]> {
  let duplicates: number[] = [];
  try {
    await inboundMessages().insertMany(docs, { ordered: false });
  } catch (err) {
    const writeErrors = (err as { writeErrors?: unknown }).writeErrors;
    const errors = (Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : []) as { index: number; code: number }[];
    if (!errors.length || errors.some((e) => e.code !== 11000)) throw err;
    duplicates = errors.map((e) => e.index);
  }
  const results: Claimed[] = docs.map(() => 'claimed');
  if (!duplicates.length) return results;
  const dupDocs = duplicates.map((i) => docs[i]);
  const signatures = dupDocs.flatMap((d) => (d.signature ? [d.signature] : []));
  const seen = signatures.length
    ? await inboundMessages().find({ signature: { $in: signatures } }, { projection: { signature: 1, bodyHash: 1 } }).toArray()
    : [];
  const hashOf = new Map(seen.map((d) => [d.signature, d.bodyHash]));
  for (const i of duplicates) {
    const { signature, bodyHash } = docs[i];
    const stored = signature ? hashOf.get(signature) : undefined;
    // Another body under a used signature is a forgery; the same body again (or a new signature) is WeChat retrying.
    results[i] = stored !== undefined && stored !== bodyHash ? 'replayed' : 'retry';
  }
  return results;
}
