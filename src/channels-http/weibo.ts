/**
 * Connecting the Weibo account by the OAuth2 authorization-code flow: an admin asks for the authorize URL (a
 * random `state`, stored, valid 10 minutes, usable once), Weibo sends the browser back to the callback, which
 * checks the state, exchanges the code for the token and stores it with its expiry. Plus the channel status.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { AppError, BadRequestError, ConflictError } from '../errors';
import { ApiRouter } from '../http/api-router';
import type { Services } from '../module';
import {
  WeiboApiError,
  WeiboClient,
  WEIBO_EXPIRY_JOB,
  connectionStatus,
  consumeOAuthState,
  createOAuthState,
  readConnection,
  saveConnection,
  warnBeforeWeiboExpiry,
} from '../channels/weibo';

const STATE_TTL_MS = 10 * 60_000;
export const WEIBO_CALLBACK_PATH = '/api/weibo/oauth/callback';

export function weiboRoutes(services: Services): ApiRouter {
  const { config, clock, logger } = services;
  const log = logger.child({ component: 'weibo-oauth' });
  const { weibo } = config;
  const configured = () => {
    if (!weibo.appKey || !weibo.appSecret || !weibo.redirectUri) {
      throw new ConflictError('尚未配置微博应用（WEIBO_APP_KEY / WEIBO_APP_SECRET / WEIBO_REDIRECT_URI），无法连接微博', 'weibo_not_configured');
    }
    return { appKey: weibo.appKey, appSecret: weibo.appSecret, redirectUri: weibo.redirectUri };
  };
  const router = new ApiRouter();

  router.add({
    method: 'get',
    path: '/api/admin/channels/weibo/authorize-url',
    summary: 'The Weibo OAuth2 authorize URL to send the admin to (state valid 10 minutes, single use)',
    tags: ['weibo'],
    access: ['admin'],
    handler: async (ctx) => {
      const app = configured();
      const state = randomBytes(24).toString('base64url');
      const expiresAt = new Date(clock.now().getTime() + STATE_TTL_MS);
      await createOAuthState(state, ctx.state.user!.id, expiresAt);
      const url = new URL('/oauth2/authorize', weibo.apiBase);
      url.search = new URLSearchParams({ client_id: app.appKey, redirect_uri: app.redirectUri, response_type: 'code', state }).toString();
      return { url: url.toString(), state, expiresAt };
    },
  });

  router.add({
    method: 'get',
    path: WEIBO_CALLBACK_PATH,
    summary: 'Weibo OAuth2 redirect: checks the state, exchanges the code, stores the token with its expiry',
    tags: ['weibo'],
    access: 'public',
    query: z.object({
      code: z.string().min(1).max(200).optional(),
      state: z.string().min(1).max(200),
      error: z.string().max(200).optional(),
      error_code: z.string().max(20).optional(),
      error_description: z.string().max(500).optional(),
    }),
    handler: async (_ctx, { query }) => {
      const app = configured();
      const pending = await consumeOAuthState(query.state, clock.now());
      if (!pending) throw new BadRequestError('授权链接无效、已使用或已过期，请回到后台重新点击"连接微博"', 'weibo_oauth_state_invalid');
      if (query.error || !query.code) {
        throw new BadRequestError(`微博授权未完成：${query.error_description ?? query.error ?? '没有授权码'}`, 'weibo_oauth_denied');
      }
      let token;
      try {
        token = await new WeiboClient(weibo.apiBase).exchangeCode({ ...app, code: query.code });
      } catch (err) {
        if (err instanceof WeiboApiError && err.errorCode) {
          throw new BadRequestError(`微博拒绝了授权码（${err.errorCode} ${err.errorText}），请重新连接`, 'weibo_oauth_exchange_failed');
        }
        log.warn({ err }, 'Weibo token exchange failed');
        throw new AppError(502, 'weibo_unreachable', '暂时无法连接微博服务器，请稍后重新连接');
      }
      const now = clock.now();
      const expiresAt = new Date(now.getTime() + token.expiresInSeconds * 1000);
      await saveConnection({ accessToken: token.accessToken, uid: token.uid, expiresAt, connectedAt: now, connectedBy: pending.createdBy });
      log.info({ uid: token.uid, expiresAt, by: pending.createdBy }, 'Weibo account connected');
      return { connected: true, uid: token.uid, expiresAt, message: '微博账号已连接，可以关闭此页面回到后台。' };
    },
  });

  router.add({
    method: 'get',
    path: '/api/admin/channels/weibo',
    summary: 'Weibo channel status: configured, connected account, token expiry, reconnect warnings',
    tags: ['weibo'],
    access: ['admin', 'editor', 'reviewer'],
    handler: async () => ({
      configured: !!(weibo.appKey && weibo.appSecret && weibo.redirectUri),
      ...connectionStatus(await readConnection(), clock.now()),
    }),
  });

  return router;
}

/** Daily (and at start-up) under the scheduler's lease: warn before the token runs out. */
export function registerWeiboJobs(services: Services): void {
  if (!services.config.weibo.appKey) return;
  services.scheduler.register({
    name: WEIBO_EXPIRY_JOB,
    schedule: '0 30 9 * * *',
    leaseMs: 60_000,
    runOnStart: true,
    run: () => warnBeforeWeiboExpiry(services.clock, services.logger.child({ component: 'weibo' })),
  });
}
