/**
 * Runs each inbound message once and answers within WeChat's 5 seconds.
 * - Retry dedupe: the first delivery claims the message's retry identity in MongoDB (unique _id); a retry finds the
 *   claim and answers with the stored reply (waiting briefly while the first delivery is still working).
 * - Deadline: the handler gets `deadlineMs`; if it is not done by then the answer is `success` and the handler
 *   finishes in the background, its reply (if any) sent afterwards as a customer-service message.
 */
import type { Clock } from '../../clock';
import type { Logger } from '../../logger';
import { WechatInboundMessage } from '../models/inbound-message';
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

export class InboundProcessor {
  private readonly background = new Set<Promise<unknown>>();

  constructor(
    private readonly handlers: InboundHandlers,
    private readonly followUp: FollowUp,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly options: ProcessorOptions,
  ) {}

  /** The plain reply XML, or `success`. */
  async process(msg: InboundMessage): Promise<string> {
    // WeChat's 5-second limit is elapsed time, measured on the monotonic clock (not the service clock).
    const started = performance.now();
    const key = dedupeKey(msg);
    if (!(await this.claim(key, msg))) return this.answerRetry(key);
    // The deadline counts from arrival: a slow claim leaves the handler less time, never WeChat more waiting.
    const remaining = Math.max(0, this.options.deadlineMs - (performance.now() - started));

    const work = this.handlers.handle(msg);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), remaining);
    });
    let outcome: Reply | null | 'late' | 'failed';
    try {
      outcome = await Promise.race([work, deadline]);
    } catch (err) {
      this.logger.error({ err, key }, 'wechat handler failed');
      outcome = 'failed';
    } finally {
      clearTimeout(timer);
    }

    if (outcome === 'late') {
      this.logger.warn({ key, deadlineMs: this.options.deadlineMs }, 'wechat handler missed the deadline; answering success and following up');
      await this.finish(key, SUCCESS, true);
      this.track(
        work
          .then((reply) => (reply ? this.followUp(msg, reply) : undefined))
          .catch((err) => this.logger.error({ err, key }, 'wechat background handler or follow-up failed')),
      );
      return SUCCESS;
    }
    const xml =
      outcome && outcome !== 'failed'
        ? renderReplyXml(outcome, { toUser: msg.fromUser, fromUser: msg.toUser, createTime: Math.floor(this.clock.now().getTime() / 1000) })
        : SUCCESS;
    await this.finish(key, xml, false);
    return xml;
  }

  /** Waits for background handlers (bounded by the caller's shutdown timeout). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.background]);
  }

  private track(p: Promise<unknown>): void {
    this.background.add(p);
    void p.finally(() => this.background.delete(p));
  }

  private async claim(key: string, msg: InboundMessage): Promise<boolean> {
    try {
      await WechatInboundMessage.create({ _id: key, status: 'processing', openid: msg.fromUser, receivedAt: this.clock.now() });
      return true;
    } catch (err) {
      if ((err as { code?: number }).code === 11000) return false;
      throw err;
    }
  }

  private async finish(key: string, reply: string, deferred: boolean): Promise<void> {
    try {
      await WechatInboundMessage.updateOne({ _id: key }, { $set: { status: 'done', reply, deferred, doneAt: this.clock.now() } });
    } catch (err) {
      // The answer still goes out; a retry would then wait and answer `success`.
      this.logger.error({ err, key }, 'could not store the wechat reply');
    }
  }

  /** A retry: the stored reply once the first delivery has one; `success` if it is still working at the deadline. */
  private async answerRetry(key: string): Promise<string> {
    const until = performance.now() + this.options.deadlineMs;
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
