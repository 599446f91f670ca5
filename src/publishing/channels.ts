/** The channels this instance can deliver through, built from the configuration. */
import type { Channel, ChannelName } from '../channels/types';
import type { Services } from '../module';
import { createMicrositeChannel } from '../channels/microsite';
import { createWechatChannel } from '../channels/wechat';

export interface ChannelSet {
  channels: Map<ChannelName, Channel>;
  /** Numbers per SMS provider request (Tencent 200, Aliyun 1000 but 100 with personal params, outbox any). */
  smsBatchSize: number;
}

export function buildChannels({ config, clock, logger }: Services): ChannelSet {
  const channels = new Map<ChannelName, Channel>();
  channels.set('microsite', createMicrositeChannel(clock));
  const wechat = createWechatChannel({ config, clock, logger });
  if (wechat) channels.set('wechat', wechat);
  return { channels, smsBatchSize: 200 };
}
