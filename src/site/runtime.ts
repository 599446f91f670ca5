/**
 * What every public page needs at request time — base URL, assets, the page cache, the view counter — and the
 * helpers other modules use so their pages look and behave the same (`renderPage`, `cachedPage`).
 * One service runs per process (mongoose's default connection is process-wide too), so the site module
 * installs one runtime when it is built.
 */
import { parse as parseQuery } from 'node:querystring';
import type { RouterMiddleware } from '@koa/router';
import type { FrontResponder } from '../http/front-lane';
import { frontRequestId, splitUrl } from '../http/front-lane';
import type { AppContext, AppState } from '../http/context';
import { absoluteUrl } from '../urls';
import type { SiteAssets } from './assets';
import { sendPage, writePage } from './conditional';
import { strongEtag, type CachedPage, type PageCache } from './page-cache';
import { isCompressible } from './compression';
import type { ViewCounter } from './view-counter';
import type { RenderGate } from './render-gate';
import { renderTemplate } from './views';
import type { QueryParam, QuerySource } from './paging';
import { footerView, type SiteSettings } from './settings';
import { beijingParts } from '../calendar/beijing';

export interface SiteRuntime {
  publicBaseUrl: string;
  /** Current site settings (name, organiser, filing numbers): replaced when an admin changes them. */
  settings: SiteSettings;
  assets: SiteAssets;
  cache: PageCache;
  views: ViewCounter;
  /** Bounds the renders running at once (cache misses). */
  renders: RenderGate;
  now(): Date;
}

let current: SiteRuntime | undefined;

export function installSiteRuntime(runtime: SiteRuntime): void {
  current = runtime;
}

export function siteRuntime(): SiteRuntime {
  if (!current) throw new Error('the site module has not been built');
  return current;
}

/** The site's name as currently set (SITE_NAME until an admin changes it). */
export function siteName(): string {
  return siteRuntime().settings.name;
}
export const SITE_DESCRIPTION = '“人大代表在行动”主题活动：典型代表风采、代表小组活动、典型模式与经验交流会。';

/** Page metadata read by layout.njk: title, description, canonical URL, Open Graph, JSON-LD. */
export interface PageMeta {
  title?: string;
  description?: string;
  /** Site-relative path of the canonical URL; defaults to the request path. */
  canonicalPath?: string;
  ogType?: 'website' | 'article' | 'profile';
  /** Site-relative or absolute image URL; pages without one share the site's default image. */
  image?: string;
  /** Share-card title when it should say more than the page title (a deputy: name, level, place). */
  shareTitle?: string;
  jsonLd?: object | object[];
  noindex?: boolean;
  /** Which navigation entry to highlight. */
  nav?: 'home' | 'news' | 'deputies' | 'groups' | 'cases' | 'meetings' | 'suggestions' | 'search';
}

/** Everything the layout needs besides the page's own data. */
export function layoutData(requestPath: string, meta: PageMeta = {}): Record<string, unknown> {
  const rt = siteRuntime();
  const canonical = absoluteUrl(rt.publicBaseUrl, meta.canonicalPath ?? requestPath);
  const own = meta.image ? (/^https?:/.test(meta.image) ? meta.image : absoluteUrl(rt.publicBaseUrl, meta.image)) : undefined;
  const fallback = rt.assets.shareImage;
  const image = own ?? absoluteUrl(rt.publicBaseUrl, fallback.href);
  const imageSize = own ? undefined : { width: fallback.width, height: fallback.height };
  return {
    site: { ...footerView(rt.settings), description: SITE_DESCRIPTION, baseUrl: rt.publicBaseUrl },
    cssHref: rt.assets.css.href,
    shareScriptHref: rt.assets.shareScript?.href,
    meta: { ...meta, title: meta.title ? `${meta.title} - ${rt.settings.name}` : rt.settings.name, ogTitle: meta.shareTitle ?? meta.title ?? rt.settings.name, canonical, image, imageSize, description: meta.description ?? SITE_DESCRIPTION },
    // The Beijing calendar's year (UTC+8, no daylight saving), whatever the server's own zone.
    year: beijingParts(rt.now()).year,
  };
}

/** Renders a template that extends layout.njk; `data.meta` (PageMeta) fills the head. */
export function renderHtml(requestPath: string, template: string, data: Record<string, unknown> & { meta?: PageMeta }): string {
  return renderTemplate(template, { ...data, ...layoutData(requestPath, data.meta) });
}

/** Renders a page straight to the response, uncached (personal pages such as an RSVP form). */
export function renderPage(ctx: AppContext, template: string, data: Record<string, unknown> & { meta?: PageMeta } = {}, status = 200): void {
  ctx.status = status;
  ctx.type = 'text/html; charset=utf-8';
  ctx.set('Cache-Control', 'private, no-store');
  ctx.body = renderHtml(ctx.path, template, data);
  if (status === 404) ctx.state.handledNotFound = true;
}

/** The friendly 404 page. */
export function renderNotFound(ctx: AppContext, message = '您访问的页面不存在，或内容已下线。'): void {
  renderPage(ctx, 'not-found.njk', { message, meta: { title: '页面未找到', noindex: true } }, 404);
  ctx.set('Cache-Control', 'no-cache');
}

export interface PageResult {
  body: string;
  /** What the page shows, e.g. ['article:<id>', 'deputy:<id>', 'list:article']: invalidating any drops it. */
  tags: string[];
  contentType?: string;
  /** The item this page is the public face of, counted as a view. */
  view?: { kind: string; id: string };
  /** Shorter lifetime for pages that change with time alone (upcoming meetings). */
  ttlMs?: number;
  /**
   * false: serve the page but do not keep it — for what free-form input finds nothing for (a made-up region, a page
   * past the end), so junk query values cannot fill the cache and push popular pages out.
   */
  store?: boolean;
}

export interface CachedPageOptions {
  /**
   * Query parameters that change the page, each with the normaliser giving the value the builder uses; all others
   * are ignored. The cache key holds the normalised values, so spellings of one page share one entry.
   */
  query?: Readonly<Record<string, QueryParam>>;
}

type QueryParams = Readonly<Record<string, QueryParam>>;
const NO_QUERY: QueryParams = {};

/** The cache key: path plus the page's own normalised query values in a fixed order. */
export function cacheKey(path: string, source: QuerySource, query: QueryParams = NO_QUERY): string {
  let key = path;
  let sep = '?';
  for (const name in query) {
    const value = query[name](source, name);
    if (value === undefined || value === '') continue;
    key += `${sep}${name}=${encodeURIComponent(value)}`;
    sep = '&';
  }
  return key;
}

/**
 * A cached public page: served from memory with ETag / Last-Modified (304 on revalidation) when present,
 * otherwise built, stored under its tags and served. `build` returns null for "no such public item" (→ 404 page).
 */
export function cachedPage(options: CachedPageOptions, build: (ctx: AppContext) => Promise<PageResult | null>): RouterMiddleware<AppState> {
  const query = options.query ?? NO_QUERY;
  /**
   * Renders under way, by cache key: a request missing the cache while one is running joins it instead of rendering
   * the same page again (a popular page just invalidated). Only while nothing has been invalidated since the render
   * began — a request arriving after an invalidation gets a render of its own, as it would without sharing.
   */
  const rendering = new Map<string, { epoch: number; page: Promise<CachedPage | null> }>();
  return (async (ctx: AppContext) => {
    const rt = siteRuntime();
    const key = cacheKey(ctx.path, ctx, query);
    let page = rt.cache.get(key);
    if (!page) {
      const epoch = rt.cache.begin();
      let flight = rendering.get(key);
      if (!flight || flight.epoch !== epoch) {
        const started = { epoch, page: renderAndStore(ctx, key, query, epoch, build) };
        rendering.set(key, started);
        const done = () => {
          if (rendering.get(key) === started) rendering.delete(key);
        };
        started.page.then(done, done);
        flight = started;
      }
      const rendered = await flight.page;
      if (!rendered) return renderNotFound(ctx);
      page = rendered;
    }
    if (page.view && ctx.method === 'GET') rt.views.hit(page.view.kind, page.view.id);
    sendPage(ctx, page);
  }) as RouterMiddleware<AppState>;
}

/** Builds a page, and keeps it when its builder allows and nothing it shows changed meanwhile; null: no such page. */
async function renderAndStore(ctx: AppContext, key: string, query: QueryParams, startedAt: number, build: (ctx: AppContext) => Promise<PageResult | null>): Promise<CachedPage | null> {
  const rt = siteRuntime();
  const result = await rt.renders.run(() => build(ctx));
  if (!result) return null;
  const body = Buffer.from(result.body, 'utf8');
  const contentType = result.contentType ?? 'text/html; charset=utf-8';
  const lastModified = new Date(Math.floor(rt.now().getTime() / 1000) * 1000);
  const page: CachedPage = {
    status: 200,
    contentType,
    body,
    compressible: isCompressible(body, contentType),
    encoded: {},
    etag: strongEtag(body),
    lastModified,
    lastModifiedHttp: lastModified.toUTCString(),
    tags: result.tags,
    view: result.view,
  };
  if (result.store !== false && rt.cache.set(key, page, startedAt, result.ttlMs)) rememberRoute(ctx.path, query, (ctx as { _matchedRoute?: string })._matchedRoute);
  return page;
}

/** For each path with a cached page: its query parameters and route pattern, so the front lane can find the page. */
const routesByPath = new Map<string, { query: QueryParams; route?: string }>();
const MAX_REMEMBERED_PATHS = 50_000;

function rememberRoute(path: string, query: QueryParams, route: string | undefined): void {
  if (routesByPath.has(path)) return;
  if (routesByPath.size >= MAX_REMEMBERED_PATHS) routesByPath.clear();
  routesByPath.set(path, { query, route });
}

const NO_PARSED_QUERY: QuerySource = Object.freeze({ query: Object.freeze({}) });

/**
 * Serves cached pages before Koa — no context, body parsing, authentication or routing, none of which a cached
 * public page needs: the hot path of the site (src/http/front-lane.ts). Requests carrying credentials, other
 * methods, URLs Koa must parse and misses go the normal way.
 */
export const cachedPageFrontLane: FrontResponder = (req, res, security) => {
  if ((req.method !== 'GET' && req.method !== 'HEAD') || !current || req.headers.authorization) return undefined;
  const url = splitUrl(req.url);
  if (!url) return undefined;
  const known = routesByPath.get(url.path);
  if (!known) return undefined;
  const source = url.querystring && known.query !== NO_QUERY ? { query: parseQuery(url.querystring) } : NO_PARSED_QUERY;
  const page = current.cache.get(cacheKey(url.path, source, known.query));
  if (!page) return undefined;
  const requestId = frontRequestId(req);
  const status = writePage(req, res, page, requestId, security);
  if (status === undefined) return undefined;
  if (page.view && req.method === 'GET') current.views.hit(page.view.kind, page.view.id);
  return { status, route: known.route, requestId };
};
