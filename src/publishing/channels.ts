/** The channels this instance can deliver through, built from the configuration. */
import type { Channel, ChannelName } from '../channels/types';
import type { Services } from '../module';
import { createMicrositeChannel } from '../channels/microsite';
import { createWechatChannel } from '../channels/wechat';
import { createSmsChannel, createSmsProvider } from '../channels/sms';

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
  return { channels, smsBatchSize: Math.min(MAX_SMS_BATCH, provider.maxSameParams) };
}
