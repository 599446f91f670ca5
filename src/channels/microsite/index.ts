/**
 * The microsite channel: puts the item live on the site. Publishing is a workflow transition in the content
 * module (approved|scheduled → published, a no-op when already live), which announces 'item.changed' so the
 * site drops its cached pages. Being idempotent, an interrupted delivery is reconciled by simply doing it again.
 */
import type { Channel, DeliveryOutcome, DeliveryRequest } from '../types';
import { ChannelError } from '../types';
import type { Clock } from '../../clock';
import { AppError } from '../../errors';
import { markPublished } from '../../content/publication-hooks';

export function createMicrositeChannel(clock: Clock): Channel {
  async function deliver(request: DeliveryRequest): Promise<DeliveryOutcome> {
    const { kind, id, url } = request.content;
    try {
      await markPublished(kind, id, clock.now());
    } catch (err) {
      // The item was withdrawn, deleted or sent back to draft after the publication was requested: stop and say so.
      if (err instanceof AppError && err.status < 500) throw new ChannelError(`微站发布失败：${err.message}`, err.code, false);
      throw err;
    }
    return { status: 'sent', providerIds: { url } };
  }
  return {
    name: 'microsite',
    deliver,
    reconcile: (request) => deliver(request),
  };
}
