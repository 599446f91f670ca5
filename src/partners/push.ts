/** The partner registry as the publishing pipeline sees it: who takes an item and wants it pushed, and how. */
import { Types } from 'mongoose';
import { ChannelError, type ItemKind, type PublishableContent } from '../channels/types';
import type { PartnerPush } from '../publishing/partner-push';
import { getPublishedSource, scopeFieldsOf } from '../content/public-queries';
import type { ContentKind } from '../content/enums';
import { Partner } from './models';
import { takesItem } from './registry';
import { jsonFeedItem, toPartnerItem } from './feed-items';

export function partnerPush(publicBaseUrl: string): PartnerPush {
  return {
    async subscribers(kind: ItemKind, itemId: string) {
      const fields = await scopeFieldsOf(kind, itemId);
      if (!fields) return [];
      const partners = await Partner.find({ 'push.enabled': true, active: true, deletedAt: null }, { name: 1, takes: 1 }).sort({ _id: 1 }).lean();
      return partners.filter((p) => takesItem(p.takes, fields)).map((p) => ({ partnerId: String(p._id), name: p.name }));
    },
    async target(partnerId: string) {
      if (!Types.ObjectId.isValid(partnerId)) return undefined;
      const p = await Partner.findOne({ _id: new Types.ObjectId(partnerId), deletedAt: null, active: true, 'push.enabled': true }).lean();
      if (!p?.push.url || !p.push.secret) return undefined;
      return { partnerId, name: p.name, url: p.push.url, secret: p.push.secret };
    },
    async item(partnerId: string, content: PublishableContent) {
      const partner = await Partner.findById(partnerId, { takes: 1 }).lean();
      const source = partner ? await getPublishedSource(content.kind as ContentKind, content.id, partner.takes) : null;
      // The scope changed since planning, or the item was withdrawn: the partner must not get it.
      if (!source) throw new ChannelError('该稿件已不在此合作媒体的供稿范围内（或已撤下），未推送', 'webhook_out_of_scope', false);
      return jsonFeedItem(await toPartnerItem(source, publicBaseUrl));
    },
  };
}
