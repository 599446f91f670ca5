/**
 * Runs each inbound message once and answers within WeChat's 5 seconds.
 * - Retry dedupe: the first delivery claims the message's retry identity in MongoDB (unique _id); a retry finds the
 *   claim and answers with the stored reply (waiting briefly while the first delivery is still working).
 * - Deadline: the answer is due `deadlineMs` after the request arrived (the route passes the moment); whatever is not
 *   done by then (the claim, the handler, storing the reply) finishes in the background, the answer is `success` and
 *   the handler's reply (if any) follows as a customer-service message.
 */
import type { Clock } from '../../clock';
import type { Logger } from '../../logger';
import { WechatInboundMessage, type InboundMessageDoc } from '../models/inbound-message';
import { WriteBatcher } from './write-batcher';
import type { InboundHandlers } from './handlers';
import { dedupeKey, type InboundMessage } from './message';
import { renderReplyXml, type Reply } from './reply';

export const SUCCESS = 'success';

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
   * Replies are stored for retries in batches: one bulk write per few milliseconds instead of one write per message
   * (WeChat retries after 5 s; a retry arriving sooner waits for the stored reply as before).
   */
  private readonly replies = new WriteBatcher<FinishOp>((ops) => WechatInboundMessage.bulkWrite(ops, { ordered: false }), { delayMs: 10, max: 200 });

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
  async process(msg: InboundMessage, deadlineAt = performance.now() + this.options.deadlineMs): Promise<string> {
    const key = dedupeKey(msg);
    // The claim and the handler race the deadline together; what is decided below happens exactly once.
    const work = (async (): Promise<{ retryAnswer: string } | { reply: Reply | null }> => {
      if (!(await this.claim(key, msg))) return { retryAnswer: await this.answerRetry(key, deadlineAt) };
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
            if ('retryAnswer' in done) return;
            await this.finish(key, SUCCESS, true);
            if (done.reply) await this.followUp(msg, done.reply);
          })
          .catch((err) => this.logger.error({ err, key }, 'wechat background handler or follow-up failed')),
      );
      return SUCCESS;
    }
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
    await Promise.allSettled([...this.background]);
    await this.replies.drain();
  }

  private track(p: Promise<unknown>): void {
    this.background.add(p);
    void p.finally(() => this.background.delete(p));
  }

  private async claim(key: string, msg: InboundMessage): Promise<boolean> {
    try {
      // lean: the record is complete as built here; hydrating and validating a mongoose document per message is wasted work.
      await WechatInboundMessage.insertMany([{ _id: key, status: 'processing', openid: msg.fromUser, receivedAt: this.clock.now() }], { lean: true });
      return true;
    } catch (err) {
      if ((err as { code?: number }).code === 11000) return false;
      throw err;
    }
  }

  private async finish(key: string, reply: string, deferred: boolean): Promise<void> {
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
      const doc = await WechatInboundMessage.findById(key, { status: 1, reply: 1 }).lean();
      if (!doc) return SUCCESS;
      if (doc.status === 'done') return doc.reply ?? SUCCESS;
      if (performance.now() + poll > until) return SUCCESS;
      await sleep(poll);
    }
  }
}
