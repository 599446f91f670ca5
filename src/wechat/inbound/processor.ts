/**
 * Runs each inbound message once and answers within WeChat's 5 seconds.
 * - Retry dedupe: the first delivery claims the message's retry identity in MongoDB (unique _id); a retry finds the
 *   claim and answers with the stored reply (waiting briefly while the first delivery is still working). The claim
 *   also records the callback signature with a hash of the body: the same message under the same signature with
 *   another body is refused as a forgery. In plain mode the signature does not cover the body, so another message
 *   under a used signature is refused too: plain-mode signatures are recorded first (WechatCallbackSignature), and a
 *   forgery is never claimed. Claims of concurrent callbacks go to the database together (one insert per batch).
 * - Deadline: the answer is due `deadlineMs` after the request arrived (the route passes the moment); whatever is not
 *   done by then (the claim, the handler, storing the reply) finishes in the background, the answer is `success` and
 *   the handler's reply (if any) follows as a customer-service message.
 */
import { LRUCache } from 'lru-cache';
import type { Collection, OptionalUnlessRequiredId } from 'mongodb';
import type { Clock } from '../../clock';
import type { Logger } from '../../logger';
import { EXPIRY_RESOLUTION_MS } from '../content-cache';
import { WechatCallbackSignature, type CallbackSignatureDoc } from '../models/callback-signature';
import { WechatInboundMessage, type InboundMessageDoc } from '../models/inbound-message';
import { WechatInboundReply, type InboundReplyDoc } from '../models/inbound-reply';
import { WriteBatcher } from '../write-batcher';
import type { InboundHandlers } from './handlers';
import { dedupeKey, type InboundMessage } from './message';
import { renderReplyXml, type Reply } from './reply';

export const SUCCESS = 'success';

/** Where a callback came from: its signature (`timestamp:nonce:signature`) and a hash of its raw body. */
export interface CallbackOrigin {
  signature: string;
  bodyHash: string;
  /** Safe mode: the signature covers the message (msg_signature signs its ciphertext), so no other message can carry it. */
  signsMessage: boolean;
}

/** Another body arrived under a signature already used: a forgery (the route refuses it with 403). */
export class ReplayedSignature extends Error {
  constructor() {
    super('the signature was already used for another body');
    this.name = 'ReplayedSignature';
  }
}

/** The native collections: claims and stored replies are complete as built, so mongoose's casting would be wasted work. */
const inboundMessages = () => WechatInboundMessage.collection as unknown as Collection<InboundMessageDoc>;
const inboundReplies = () => WechatInboundReply.collection as unknown as Collection<InboundReplyDoc>;
const callbackSignatures = () => WechatCallbackSignature.collection as unknown as Collection<CallbackSignatureDoc>;

type Claimed = 'claimed' | 'retry' | 'replayed';
type ClaimDoc = Pick<InboundMessageDoc, '_id' | 'openid' | 'signature' | 'bodyHash' | 'receivedAt'>;
/** A claim to insert; `signsMessage` false (plain mode): its signature must not have signed another body. */
interface ClaimOp {
  doc: ClaimDoc;
  signsMessage: boolean;
}

export interface ProcessorOptions {
  /** Time a handler gets before the answer becomes `success` (WeChat gives up at 5 s). */
  deadlineMs: number;
  /** How often a retry looks for the first delivery's stored reply. */
  retryPollMs?: number;
}

export type FollowUp = (msg: InboundMessage, reply: Reply) => Promise<void>;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));


export class InboundProcessor {
  private readonly background = new Set<Promise<unknown>>();
  /**
   * Replies are stored for retries in batches: one insert per 50 ms instead of one write per message (WeChat
   * retries after 5 s; a retry reaching another instance sooner waits for the stored reply, as before). Under load a
   * 10 ms window meant about one command per 25 messages; 50 ms, one per 100 or more.
   */
  private readonly replies = new WriteBatcher<InboundReplyDoc>((docs) => insertNew(inboundReplies(), docs), { delayMs: 50, max: 500 });
  private readonly claims = new WriteBatcher<ClaimOp, Claimed>((ops) => claimAll(ops), { delayMs: 0, max: 500 });
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
      const doc: ClaimDoc = { _id: key, openid: msg.fromUser, receivedAt: this.clock.now() };
      if (origin) Object.assign(doc, { signature: origin.signature, bodyHash: origin.bodyHash });
      const claimed = await this.claims.add({ doc, signsMessage: origin?.signsMessage ?? true });
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
      // A reply already stored under this key (none is expected: one claimant finishes) is left as it is.
      await this.replies.add({ _id: key, reply, deferred, doneAt: this.clock.now() });
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
      const stored = await inboundReplies().findOne({ _id: key }, { projection: { reply: 1 } });
      if (stored) return stored.reply;
      const claim = await inboundMessages().findOne({ _id: key }, { projection: { status: 1, reply: 1 } });
      if (!claim) return SUCCESS;
      // Claimed by an instance of an earlier version, which stores the reply with its claim.
      if (claim.status === 'done') return claim.reply ?? SUCCESS;
      if (performance.now() + poll > until) return SUCCESS;
      await sleep(poll);
    }
  }
}

/**
 * Inserts a batch of claims (unordered: one duplicate does not stop the others) and tells each apart: claimed, a
 * retry of a message already claimed, or a replay of a used signature with another body. Only duplicates are read
 * back. Plain-mode signatures are recorded first, and a claim whose signature signed another body is not inserted.
 */
async function claimAll(ops: ClaimOp[]): Promise<Claimed[]> {
  const results: Claimed[] = ops.map(() => 'claimed');
  const plain = ops.flatMap((op, i) => (!op.signsMessage && op.doc.signature && op.doc.bodyHash ? [i] : []));
  if (plain.length) {
    for (const i of await replayedSignatures(plain.map((i) => ops[i].doc))) results[plain[i]] = 'replayed';
  }
  const toClaim = ops.flatMap((op, i) => (results[i] === 'claimed' ? [i] : []));
  const duplicates = (await insertNew(inboundMessages(), toClaim.map((i) => ops[i].doc))).map((d) => toClaim[d]);
  if (!duplicates.length) return results;
  const stored = await inboundMessages()
    .find({ _id: { $in: duplicates.map((i) => ops[i].doc._id) } }, { projection: { signature: 1, bodyHash: 1 } })
    .toArray();
  const byId = new Map(stored.map((d) => [d._id, d]));
  for (const i of duplicates) {
    const { _id, signature, bodyHash } = ops[i].doc;
    const first = byId.get(_id);
    // The same message under the signature it was claimed with but another body is a forgery; anything else
    // (the same body again, a fresh signature) is WeChat retrying.
    results[i] = signature && first?.signature === signature && first.bodyHash !== bodyHash ? 'replayed' : 'retry';
  }
  return results;
}

/** Records plain-mode signatures; returns the positions of those already used for another body (forgeries). */
async function replayedSignatures(docs: ClaimDoc[]): Promise<number[]> {
  const records = docs.map((d) => ({ _id: d.signature!, bodyHash: d.bodyHash!, at: d.receivedAt }));
  const duplicates = await insertNew(callbackSignatures(), records);
  if (!duplicates.length) return [];
  const seen = await callbackSignatures()
    .find({ _id: { $in: duplicates.map((i) => records[i]._id) } }, { projection: { bodyHash: 1 } })
    .toArray();
  const hashOf = new Map(seen.map((d) => [d._id, d.bodyHash]));
  // A duplicate within the batch compares with the record its first holder wrote.
  return duplicates.filter((i) => {
    const first = hashOf.get(records[i]._id);
    return first !== undefined && first !== records[i].bodyHash;
  });
}

/** Inserts the documents unordered; returns the positions refused as duplicate keys (any other error is thrown). */
async function insertNew<T extends { _id: string }>(collection: Collection<T>, docs: T[]): Promise<number[]> {
  if (!docs.length) return [];
  try {
    await collection.insertMany(docs as unknown as OptionalUnlessRequiredId<T>[], { ordered: false });
    return [];
  } catch (err) {
    const writeErrors = (err as { writeErrors?: unknown }).writeErrors;
    const errors = (Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : []) as { index: number; code: number }[];
    if (!errors.length || errors.some((e) => e.code !== 11000)) throw err;
    return errors.map((e) => e.index);
  }
}
