/** The outbox provider (default): stores each text in MongoDB instead of sending it. Exact reconcile from its own records. */
import type { Clock } from '../../../clock';
import { SmsProviderError, type LookupAnswer, type ProviderRequest, type ProviderResult, type SmsProvider } from '../provider';
import { renderSmsText } from '../templates';
import { OutboxMessageModel } from './model';

export { OutboxMessageModel, type OutboxMessageDoc } from './model';

export class OutboxProvider implements SmsProvider {
  readonly name = 'outbox' as const;
  readonly maxSameParams = 1000;
  readonly maxMixedParams = 1000;
  readonly lookupIsExact = true;

  constructor(private readonly clock: Clock) {}

  async send(request: ProviderRequest): Promise<ProviderResult[]> {
    const now = this.clock.now();
    try {
      await OutboxMessageModel.bulkWrite(
        request.messages.map((m) => ({
          updateOne: {
            filter: { deliveryId: request.deliveryId, phone: m.phone },
            update: {
              $setOnInsert: {
                notification: request.notification,
                templateId: request.template.tencent,
                values: m.values,
                text: `【${request.signName}】${renderSmsText(request.template, m.values)}`,
                createdAt: now,
              },
            },
            upsert: true,
          },
        })),
        { ordered: false },
      );
    } catch (err) {
      throw new SmsProviderError(`写入短信发件箱失败：${(err as Error).message}`, 'outbox_write_failed', true, true);
    }
    const rows = await OutboxMessageModel.find({ deliveryId: request.deliveryId, phone: { $in: request.messages.map((m) => m.phone) } }).select('phone').lean();
    const ids = new Map(rows.map((r) => [r.phone, String(r._id)]));
    return request.messages.map((m) => ({ phone: m.phone, ok: true, providerMessageId: ids.get(m.phone) }));
  }

  async lookup(deliveryId: string, items: Array<{ phone: string }>): Promise<Map<string, LookupAnswer>> {
    const rows = await OutboxMessageModel.find({ deliveryId, phone: { $in: items.map((i) => i.phone) } }).select('phone createdAt').lean();
    const byPhone = new Map(rows.map((r) => [r.phone, r]));
    return new Map(
      items.map((i) => {
        const row = byPhone.get(i.phone);
        const records = row ? [{ providerMessageId: String(row._id), tag: deliveryId, at: row.createdAt, status: 'sent' as const }] : [];
        return [i.phone, { ok: true, records, complete: true, query: '短信发件箱' }];
      }),
    );
  }
}
