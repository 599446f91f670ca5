/**
 * The public microsite: server-rendered pages from a memory cache invalidated by item changes (relayed to the
 * other instances through MongoDB), feeds and discovery, the public JSON API, batched page-view counting.
 */
import Router from '@koa/router';
import type { FeatureModule, Services } from '../module';
import type { AppState } from '../http/context';
import type { DomainEvents } from '../events';
import type { Logger } from '../logger';
import { loadAssets } from './assets';
import { PageCache } from './page-cache';
import { ViewCounter } from './view-counter';
import { RenderGate } from './render-gate';
import { ALL_PAGES_TAG, InvalidationRelay } from './invalidation-relay';
import { cachedPageFrontLane, installSiteRuntime, renderNotFound, type SiteRuntime } from './runtime';
import { followUpTags, immediateTags } from './change-tags';
import { publicApi } from './public-api';
import { registerHome } from './pages/home';
import { registerContentPages } from './pages/content';
import { registerMeetingPages } from './pages/meetings';
import { registerSearch } from './pages/search';
import { registerDiscovery } from './pages/discovery';
import { loadSiteSettings, SETTINGS_TAG } from './settings';
import { siteSettingsApi } from './settings-api';

export const VIEW_FLUSH_MS = 2_000;
/** Page renders at once per instance (see render-gate.ts): enough to keep the database and both cores busy. */
const RENDERS_AT_ONCE = 4;

export interface SiteModule extends FeatureModule {
  runtime: SiteRuntime;
  relay: InvalidationRelay;
}

/**
 * One item change: its own pages now, the pages related to it once looked up — each dropped here (`drop`) and
 * relayed to the other instances.
 */
async function relayChange(event: DomainEvents['item.changed'], relay: InvalidationRelay, log: Logger, drop: (tags: string[]) => void): Promise<void> {
  const first = immediateTags(event);
  drop(first);
  const more = await followUpTags(event).catch((err) => {
    log.warn({ err, event }, 'could not look up pages related to a changed item');
    return [];
  });
  if (more.length) drop(more);
  await relay.publish([...first, ...more]);
}

/**
 * For processes that change content without serving pages (npm run seed, other scripts): tells running instances
 * which cached pages to drop, through the same relay. Returns a function that waits until every change is relayed.
 */
export function relayItemChanges({ clock, logger, events }: Pick<Services, 'clock' | 'logger' | 'events'>): () => Promise<void> {
  const log = logger.child({ component: 'site' });
  const relay = new InvalidationRelay(() => undefined, clock, log);
  const pending: Promise<void>[] = [];
  events.on('item.changed', (event) => {
    pending.push(relayChange(event, relay, log, () => undefined));
  });
  return async () => {
    await new Promise((resolve) => setImmediate(resolve)); // listeners start asynchronously
    await Promise.all(pending);
  };
}

export function siteModule(services: Services): SiteModule {
  const { clock, logger, events } = services;
  const log = logger.child({ component: 'site' });
  const cache = new PageCache({ maxBytes: services.config.pageCacheBytes });
  const views = new ViewCounter(log, () => clock.now());
  const defaults = services.config.site;
  const runtime: SiteRuntime = { publicBaseUrl: services.config.publicBaseUrl, settings: { ...defaults }, assets: loadAssets(), cache, views, renders: new RenderGate(RENDERS_AT_ONCE), now: () => clock.now() };
  installSiteRuntime(runtime);
  /** New settings: read them, then drop every page (pages begun before the drop are not stored). */
  const reloadSettings = async () => {
    const stored = await loadSiteSettings(defaults);
    runtime.settings = stored.settings;
    cache.clear();
    return stored;
  };
  const relay = new InvalidationRelay(
    (tags) => {
      if (tags.includes(SETTINGS_TAG)) reloadSettings().catch((err) => log.error({ err }, 'could not reload the site settings'));
      else if (tags.includes(ALL_PAGES_TAG)) cache.clear();
      else cache.invalidate(tags);
    },
    clock,
    log,
  );
  const settingsChanged = async () => {
    const stored = await reloadSettings();
    await relay.publish([SETTINGS_TAG]);
    return stored;
  };

  const unsubscribe = events.on('item.changed', (event) => relayChange(event, relay, log, (tags) => cache.invalidate(tags)));
  // An image may be on any page (covers in lists, on the home page, in related items), and changes are rare: drop all.
  const unsubscribeMedia = events.on('media.changed', async () => {
    cache.clear();
    await relay.publish([ALL_PAGES_TAG]);
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
    routers: [publicApi(clock), siteSettingsApi({ clock, defaults, changed: settingsChanged })],
    pageRouters: [pages, notFound],
    frontLane: [cachedPageFrontLane],
    runtime,
    relay,
    async start() {
      await reloadSettings();
      views.start(VIEW_FLUSH_MS);
      relay.start();
    },
    async stop() {
      unsubscribe();
      unsubscribeMedia();
      relay.stop();
      await views.stop();
    },
  };
}
