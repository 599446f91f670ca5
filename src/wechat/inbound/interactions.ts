/** Menu taps, link opens and QR scans (WechatInteraction), recorded for the engagement figures. */
import { WechatInteraction, type InteractionDoc } from '../models/interaction';
import { WriteBatcher } from '../write-batcher';

export class InteractionLog {
  /** Concurrent callbacks' records go in one insert; each callback still waits until its record is written. */
  private readonly inserts = new WriteBatcher<InteractionDoc>((docs) => WechatInteraction.collection.insertMany(docs, { ordered: false }), { delayMs: 0, max: 500 });

  record(openid: string, event: InteractionDoc['event'], key: string, at: Date): Promise<void> {
    return this.inserts.add({ openid, event, key: (key || '-').slice(0, 1024), at });
  }

  drain(): Promise<void> {
    return this.inserts.drain();
  }
}
