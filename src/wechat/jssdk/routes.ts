/** GET /api/public/wechat/jssdk: a signed JS-SDK config for a microsite page, so shares show its title and cover. */
import { z } from 'zod';
import type { Clock } from '../../clock';
import type { Config } from '../../config';
import { BadRequestError, ServiceUnavailableError } from '../../errors';
import { ApiRouter } from '../../http/api-router';
import type { Logger } from '../../logger';
import { rateLimit } from '../../http/rate-limit';
import type { WechatApi } from '../api';
import { jsapiSignature, nonceStr, signableUrl } from './sign';

export const SHARE_JS_API_LIST = ['updateAppMessageShareData', 'updateTimelineShareData', 'onMenuShareAppMessage', 'onMenuShareTimeline'];

export function jssdkRoutes(deps: { config: Config; clock: Clock; logger: Logger; api: () => WechatApi | undefined }): ApiRouter {
  const { config, clock, logger } = deps;
  const api = new ApiRouter();
  api.add({
    method: 'get',
    path: '/api/public/wechat/jssdk',
    summary: 'JS-SDK config (appId, timestamp, nonceStr, signature, jsApiList) for a page on PUBLIC_BASE_URL',
    tags: ['wechat'],
    access: 'public',
    query: z.object({ url: z.string().min(1).max(2048) }).strict(),
    before: [rateLimit({ clock, windowMs: 60_000, max: 120 })],
    responses: { 200: 'Signed config', 400: 'URL not on the microsite', 503: 'WeChat API not configured or unreachable' },
    handler: async (ctx, { query }) => {
      const url = signableUrl(query.url, config.publicBaseUrl);
      if (!url) throw new BadRequestError(`只能为本站（${config.publicBaseUrl}）的页面签名`, 'url_not_allowed');
      const client = deps.api();
      if (!client) throw new ServiceUnavailableError('未配置公众号 AppID/AppSecret', 'wechat_not_configured');
      let ticket: string;
      try {
        ({ ticket } = await client.getLatestTicket());
      } catch (err) {
        logger.warn({ err }, 'could not get the jsapi_ticket');
        throw new ServiceUnavailableError('暂时无法获取微信签名，请稍后再试', 'wechat_unavailable');
      }
      const timestamp = Math.floor(clock.now().getTime() / 1000);
      const nonce = nonceStr();
      ctx.set('Cache-Control', 'no-store');
      return {
        appId: config.wechat.appId,
        timestamp,
        nonceStr: nonce,
        signature: jsapiSignature({ ticket, nonceStr: nonce, timestamp, url }),
        jsApiList: SHARE_JS_API_LIST,
      };
    },
  });
  return api;
}
