/** The WeChat official-account channel (see channel.ts). */
import type { Clock } from '../../clock';
import type { Config } from '../../config';
import type { Logger } from '../../logger';
import { createWechatClient, type WechatClient } from '../../wechat-api';
import { WechatChannel } from './channel';

export { WechatChannel, WECHAT_LIMITS, PUBLISH_STATUS_REASONS, clientMsgId } from './channel';
export { MassQuota, WechatMassQuotaModel, type QuotaStatus } from './quota';
export { FREEPUBLISH_UNAUTHORIZED_MESSAGE } from './errors';
export { renderWechatArticle, imageSources, clip } from './render';

/** The channel for the configured account, or undefined when WECHAT_APP_ID/SECRET are not set. */
export function createWechatChannel(deps: { config: Config; clock: Clock; logger: Logger; client?: WechatClient }): WechatChannel | undefined {
  if (!deps.config.wechat.appId || !deps.config.wechat.appSecret) return undefined;
  return new WechatChannel({
    client: deps.client ?? createWechatClient(deps.config.wechat),
    config: deps.config.wechat,
    clock: deps.clock,
    logger: deps.logger.child({ channel: 'wechat' }),
  });
}
