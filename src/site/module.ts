/**
 * The public microsite: server-rendered pages from a memory cache invalidated by item changes (relayed to the
 * other instances through MongoDB), feeds and discovery, the public JSON API, batched page-view counting.
 */
import Router from '@koa/router';
import type { FeatureModule, Services } from '../module';
import type { AppState } from '../http/context';
import { loadAssets } from './assets';
import { PageCache } from './page-cache';
import { ViewCounter } from './view-counter';
import { InvalidationRelay } from './invalidation-relay';
import { cachedPageFrontPath, installSiteRuntime, renderNotFound, type SiteRuntime } from './runtime';
import { followUpTags, immediateTags } from './change-tags';
import { publicApi } from './public-api';
import { registerHome } from './pages/home';
import { registerContentPages } from './pages/content';
import { registerMeetingPages } from './pages/meetings';
import { registerSearch } from './pages/search';
import { registerDiscovery } from './pages/discovery';

export const VIEW_FLUSH_MS = 2_000;

export interface SiteModule extends FeatureModule {
  runtime: SiteRuntime;
  relay: InvalidationRelay;
}

/**
 * For processes that change content without serving pages (npm run seed, other scripts): tells running instances
 * which cached pages to drop, through the same relay. Returns a function that waits until every change is relayed.
 */
export function relayItemChanges({ clock, logger, events }: Pick<Services, 'clock' | 'logger' | 'events'>): () => Promise<void> {
  const relay = new InvalidationRelay(() => undefined, clock, logger.child({ component: 'site' }));
  const pending: Promise<void>[] = [];
  events.on('item.changed', (event) => {
    pending.push(followUpTags(event).catch(() => []).then((more) => relay.publish([...immediateTags(event), ...more])));
  });
  return async () => {
    await new Promise((resolve) => setImmediate(resolve)); // listeners start asynchronously
    await Promise.all(pending);
  };
}

export function siteModule(services: Services): SiteModule {
  const { clock, logger, events } = services;
  const log = logger.child({ component: 'site' });
  const cache = new PageCache();
  const views = new ViewCounter(log, () => clock.now());
  const runtime: SiteRuntime = { publicBaseUrl: services.config.publicBaseUrl, assets: loadAssets(), cache, views, now: () => clock.now() };
  installSiteRuntime(runtime);
  const relay = new InvalidationRelay((tags) => cache.invalidate(tags), clock, log);

  // Drop what the change touches now, then what it newly touches once looked up; tell the other instances both.
  const unsubscribe = events.on('item.changed', async (event) => {
    const first = immediateTags(event);
    cache.invalidate(first);
    const more = await followUpTags(event).catch((err) => {
      log.warn({ err, event }, 'could not look up pages related to a changed item');
      return [];
    });
    if (more.length) cache.invalidate(more);
    await relay.publish([...first, ...more]);
  });

  const pages = new Router<AppState>();
  pages.get('/assets/:file', (ctx) => {
    const asset = runtime.assets.byHref.get(ctx.path);
    if (!asset) return renderNotFound(ctx);
    ctx.set('Cache-Control', 'public, max-age=31536000, immutable');
    ctx.set('ETag', asset.etag);
    ctx.type = asset.contentType;
    ctx.body = asset.body;
  });
  registerHome(pages);
  registerContentPages(pages);
  registerMeetingPages(pages);
  registerSearch(pages);
  registerDiscovery(pages);

  // Last: whatever no route answered gets the friendly page — except the JSON API, which keeps its JSON 404.
  const notFound = new Router<AppState>();
  notFound.get('/{*rest}', async (ctx, next) => {
    await next();
    if (ctx.status === 404 && ctx.body == null && !ctx.path.startsWith('/api/')) renderNotFound(ctx);
  });

  return {
    name: 'site',
    routers: [publicApi(clock)],
    pageRouters: [pages, notFound],
    frontMiddleware: [cachedPageFrontPath],
    runtime,
    relay,
    start() {
      views.start(VIEW_FLUSH_MS);
      relay.start();
    },
    async stop() {
      unsubscribe();
      relay.stop();
      await views.stop();
    },
  };
}
