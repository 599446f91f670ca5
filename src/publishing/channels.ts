/** The channels this instance can deliver through, built from the configuration. */
import type { Channel, ChannelName } from '../channels/types';
import type { Services } from '../module';
import type { ItemKind } from '../channels/types';
import type { Clock } from '../clock';
import { ValidationError } from '../errors';
import { contentFor } from './items';
import { createMicrositeChannel } from '../channels/microsite';
import { createWechatChannel } from '../channels/wechat';
import { createSmsChannel, createSmsProvider } from '../channels/sms';
import { createWeiboChannel } from '../channels/weibo';
import { WebhookChannel } from '../channels/webhook';
import { partnerDirectory } from './partner-push';

/** Numbers per ledger record: the provider's request size, at most 200 so progress and crash loss stay small. */
const MAX_SMS_BATCH = 200;

export interface ChannelSet {
  channels: Map<ChannelName, Channel>;
  smsBatchSize: number;
}

export function buildChannels({ config, clock, logger }: Services): ChannelSet {
  const channels = new Map<ChannelName, Channel>();
  channels.set('microsite', createMicrositeChannel(clock));
  const wechat = createWechatChannel({ config, clock, logger });
  if (wechat) channels.set('wechat', wechat);
  const provider = createSmsProvider(config, clock);
  channels.set('sms', createSmsChannel({ config, clock, logger, provider }));
  const weibo = createWeiboChannel({ config, clock, logger });
  if (weibo) channels.set('weibo', weibo);
  // Always there: a publication pushes to the partners who take the item (none registered: nothing to push).
  channels.set(
    'webhook',
    new WebhookChannel({ directory: partnerDirectory, clock, logger: logger.child({ channel: 'webhook' }), timeoutMs: config.partners.webhookTimeoutMs }),
  );
  return { channels, smsBatchSize: Math.min(MAX_SMS_BATCH, provider.maxSameParams) };
}

/** The chosen channels' own rules for the item (Weibo's text length and link domain), before anything is recorded. */
export async function checkChannelRules(channels: Map<ChannelName, Channel>, names: ChannelName[], kind: ItemKind, itemId: string, publicBaseUrl: string, clock: Clock): Promise<void> {
  const checkers = names.map((n) => channels.get(n)).filter((c): c is Channel => !!c?.check);
  if (!checkers.length) return;
  const content = await contentFor(kind, itemId, publicBaseUrl, clock);
  for (const channel of checkers) {
    const problem = channel.check!(content);
    if (problem) throw new ValidationError(problem.message, [{ field: 'body.channels', message: `${channel.name}: ${problem.code}` }]);
  }
}
