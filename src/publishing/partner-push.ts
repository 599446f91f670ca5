/**
 * Where the pipeline learns which media partners take an item and want it pushed, and how to reach them.
 * The partner registry (src/partners) registers itself at start-up; until then (scripts, or an installation
 * without partners) nobody is pushed to. Publishing imports nothing of src/partners.
 */
import type { ItemKind, PublishableContent } from '../channels/types';
import type { WebhookDirectory, WebhookTarget } from '../channels/webhook';

export interface PartnerPush extends WebhookDirectory {
  /** Active partners with push turned on whose scope (kinds, regions, topics) takes this published item. */
  subscribers(kind: ItemKind, itemId: string): Promise<Array<{ partnerId: string; name: string }>>;
}

let registered: PartnerPush | undefined;

export function registerPartnerPush(push: PartnerPush): void {
  registered = push;
}

export function pushSubscribers(kind: ItemKind, itemId: string): Promise<Array<{ partnerId: string; name: string }>> {
  return registered ? registered.subscribers(kind, itemId) : Promise.resolve([]);
}

/** The channel's view of the registry, read at each delivery (the registry may register after the channel is built). */
export const partnerDirectory: WebhookDirectory = {
  target: (partnerId: string): Promise<WebhookTarget | undefined> => (registered ? registered.target(partnerId) : Promise.resolve(undefined)),
  item: (partnerId: string, content: PublishableContent) => {
    if (!registered) throw new Error('partner push used before the partners module registered it');
    return registered.item(partnerId, content);
  },
};
