/**
 * The official account, inbound: the callback (/wechat), keyword and menu replies, followers, the menu definition,
 * JS-SDK share cards. Outbound publishing to the account is the WeChat channel's (src/channels/wechat/).
 */
import type { FeatureModule, Services } from '../module';
import { adminRoutes, FOLLOWER_SYNC_JOB } from './admin-routes';
import { wechatApiFor, type WechatApi } from './api';
import { publishedContent, type ContentLookup } from './content-lookup';
import { FollowerService } from './followers/service';
import { FollowerSync } from './followers/sync';
import { cachedContent } from './content-cache';
import { ReplyCacheVersion } from './cache-version';
import { ContentReplies } from './inbound/content-replies';
import { InteractionLog } from './inbound/interactions';
import { InboundHandlers, type TextHandler } from './inbound/handlers';
import { InboundProcessor, type FollowUp } from './inbound/processor';
import { wechatCallback } from './inbound/callback';
import { callbackFrontLane } from './inbound/front-lane';
import { callbackRoutes } from './inbound/routes';
import { jssdkRoutes } from './jssdk/routes';
import { KeywordService } from './keywords/service';
import { MenuService } from './menu/service';
import { allowedLinkHosts } from '../allowed-links';

export interface WechatModuleOptions {
  /** Time a handler gets before the callback answers `success` and follows up later (default 4 s; WeChat waits 5 s). */
  deadlineMs?: number;
  /** Callback body limit in bytes (default 64 KB). */
  bodyLimitBytes?: number;
  /** Text handlers tried before the keyword rules (tests use one to be slow on purpose). */
  extraTextHandlers?: TextHandler[];
  /** Where replies find published content (default: the content module's public queries). */
  content?: ContentLookup;
}

export function wechatModule(services: Services, options: WechatModuleOptions = {}): FeatureModule {
  const { config, clock, logger: rootLogger, events, metrics, scheduler } = services;
  const logger = rootLogger.child({ module: 'wechat' });
  let client: WechatApi | undefined | null = null;
  const api = () => (client === null ? (client = wechatApiFor(config)) : client);

  const followers = new FollowerService(events);
  const interactions = new InteractionLog();
  const content = options.content ?? publishedContent;
  // Replies read content through a short cache, dropped whenever an item changes; rule edits check it uncached.
  const cachedReplyContent = cachedContent(content);
  // Rule, default-reply and content changes drop these caches here at once and on the other instances within a second.
  const cacheVersion = new ReplyCacheVersion(logger);
  const announce = () => cacheVersion.changed(clock.now());
  const stopInvalidating = [events.on('item.changed', announce), events.on('media.changed', announce)];
  const replies = new ContentReplies(cachedReplyContent, config.publicBaseUrl, clock);
  const keywords = new KeywordService(clock, content, (at) => cacheVersion.changed(at));
  // The menu's click replies follow the same stamp: a save on any instance is answered everywhere within a second.
  const menu = new MenuService(clock, config.publicBaseUrl, allowedLinkHosts(config), (at) => cacheVersion.changed(at));
  cacheVersion.onChange(() => {
    cachedReplyContent.invalidate();
    keywords.dropCaches();
    menu.dropCache();
  });
  const handlers = new InboundHandlers({ clock, events, replies, keywords, followers, interactions, menu, extraTextHandlers: options.extraTextHandlers });

  const followUp: FollowUp = async (msg, reply) => {
    const client = api();
    if (!client) {
      logger.warn({ openid: msg.fromUser }, 'late reply dropped: WeChat API not configured for customer-service messages');
      return;
    }
    if (reply.type === 'text') await client.sendText(msg.fromUser, reply.content);
    else {
      const a = reply.article;
      await client.sendNews(msg.fromUser, [{ title: a.title, description: a.description, url: a.url, picurl: a.picUrl }]);
    }
  };
  const processor = new InboundProcessor(handlers, followUp, clock, logger, { deadlineMs: options.deadlineMs ?? 4_000 });

  const callback = wechatCallback({ config, clock, metrics, processor, bodyLimitBytes: options.bodyLimitBytes });
  const callbackKoa = callbackRoutes(callback);

  return {
    name: 'wechat',
    // Ordinary message POSTs before Koa; the rest of /wechat (verification, odd requests) first thing in Koa.
    frontLane: [callbackFrontLane(callback, rootLogger, { proxy: config.trustProxy, maxIpsCount: config.trustProxyHops })],
    frontMiddleware: [callbackKoa.frontPath],
    routers: [
      callbackKoa.router,
      adminRoutes({ keywords, followers, menu, scheduler, clock, api }),
      jssdkRoutes({ config, clock, logger, api }),
    ],
    start() {
      cacheVersion.start();
      scheduler.register({
        name: FOLLOWER_SYNC_JOB,
        // Just after midnight in Asia/Shanghai, so the day's counts close with the day.
        schedule: '0 30 0 * * *',
        leaseMs: 60 * 60_000,
        run: async () => {
          const client = api();
          if (!client) {
            logger.info('follower sync skipped: WECHAT_APP_ID/WECHAT_APP_SECRET not configured');
            return;
          }
          await new FollowerSync(client, followers, clock, logger).run();
        },
      });
      if (!config.wechat.token) logger.warn('WECHAT_TOKEN is not set: the /wechat callback refuses every request');
    },
    async stop() {
      for (const off of stopInvalidating) off();
      cacheVersion.stop();
      await processor.drain();
      await Promise.all([followers.drain(), interactions.drain()]);
    },
  };
}
