/** The Weibo channel (see channel.ts) and the account connection it posts with (connection.ts). */
import type { Clock } from '../../clock';
import type { Config } from '../../config';
import type { Logger } from '../../logger';
import { WeiboChannel } from './channel';
import { WeiboClient } from './client';

export { WeiboChannel, WeiboProgressModel } from './channel';
export { WeiboClient, WeiboApiError, type WeiboStatus } from './client';
export { composeWeiboText, weiboLength, WEIBO_TEXT_LIMIT } from './text';
export {
  readConnection,
  saveConnection,
  markExpiryWarned,
  createOAuthState,
  consumeOAuthState,
  WeiboConnectionModel,
  connectionStatus,
  EXPIRY_WARNING_MS,
  type WeiboConnectionStatus,
  type WeiboConnectionDoc,
} from './connection';

/** The channel, or undefined when WEIBO_APP_KEY / SECRET / REDIRECT_URI are not set. */
export function createWeiboChannel(deps: { config: Config; clock: Clock; logger: Logger; client?: WeiboClient }): WeiboChannel | undefined {
  const { weibo, publicBaseUrl } = deps.config;
  if (!weibo.appKey || !weibo.appSecret || !weibo.redirectUri) return undefined;
  return new WeiboChannel({
    client: deps.client ?? new WeiboClient(weibo.apiBase),
    safeHost: new URL(publicBaseUrl).host,
    clock: deps.clock,
    logger: deps.logger.child({ channel: 'weibo' }),
  });
}
export { warnBeforeWeiboExpiry, WEIBO_EXPIRY_JOB } from './expiry';
