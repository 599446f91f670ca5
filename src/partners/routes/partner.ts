/**
 * /api/partner/…: what a newsroom reaches with its feed key (?key=… or X-Partner-Key): its RSS and JSON
 * feeds, press kits of items it takes, its columns, and "ran on …" records. No staff sign-in involved.
 */
import { ApiRouter } from '../../http/api-router';
import { rateLimit } from '../../http/rate-limit';
import type { AppContext } from '../../http/context';
import type { PartnersContext } from '../context';
import { partnerForKey } from '../keys';
import { partnerItems, renderJsonFeed, renderRss } from '../feeds';
import { buildPressKit } from '../press-kit';
import { partnerColumnsForKey, recordRun } from '../columns';
import { feedQuery, partnerRunBody, pressKitParams } from '../schemas';
import { sendFeed, sendPressKit } from './send';
import { feedUrls } from './admin';

const TAGS = ['partner-feeds'];
const KEY_RESPONSES = { 401: 'No key, or an unknown key', 403: 'The key was revoked or has expired, or the partner is switched off' };

function presentedKey(ctx: AppContext): string | undefined {
  const header = ctx.get('x-partner-key').trim();
  const query = typeof ctx.query.key === 'string' ? ctx.query.key.trim() : '';
  return header || query || undefined;
}

export function partnerFeedRoutes(pc: PartnersContext): ApiRouter {
  const api = new ApiRouter();
  const now = () => pc.clock.now();
  const urls = feedUrls(pc.publicBaseUrl);
  // Newsroom systems poll every few minutes; more than this is a loop gone wrong or someone guessing keys.
  const before = [rateLimit({ clock: pc.clock, windowMs: 60_000, max: 120, key: (ctx) => `partner:${ctx.ip}` })];

  api.add({
    method: 'get',
    path: '/api/partner/feed.rss',
    summary: "RSS 2.0 of exactly what the key's partner takes: full text, original-size images (Media RSS) with captions and credits",
    tags: TAGS,
    access: 'public',
    before,
    query: feedQuery,
    responseType: 'application/rss+xml',
    responses: { 200: 'The feed', 304: 'Not modified (ETag / Last-Modified)', ...KEY_RESPONSES },
    handler: async (ctx) => {
      const { partner } = await partnerForKey(presentedKey(ctx), now());
      sendFeed(ctx, renderRss(partner, await partnerItems(partner, pc.feedItems, pc.publicBaseUrl), pc.publicBaseUrl, urls.rss));
    },
  });
  api.add({
    method: 'get',
    path: '/api/partner/feed.json',
    summary: "JSON Feed 1.1 of exactly what the key's partner takes (extensions under _lianxin: images, captions, credits, Markdown)",
    tags: TAGS,
    access: 'public',
    before,
    query: feedQuery,
    responseType: 'application/feed+json',
    responses: { 200: 'The feed', 304: 'Not modified (ETag / Last-Modified)', ...KEY_RESPONSES },
    handler: async (ctx) => {
      const { partner } = await partnerForKey(presentedKey(ctx), now());
      sendFeed(ctx, renderJsonFeed(partner, await partnerItems(partner, pc.feedItems, pc.publicBaseUrl), pc.publicBaseUrl, urls.json));
    },
  });
  api.add({
    method: 'get',
    path: '/api/partner/press-kits/:kind/:id',
    summary: 'Press kit (zip) of an item the partner takes',
    tags: TAGS,
    access: 'public',
    before,
    params: pressKitParams,
    query: feedQuery,
    responseType: 'application/zip',
    responses: { 404: 'Not published, or not an item this partner takes', ...KEY_RESPONSES },
    handler: async (ctx, { params }) => {
      const { partner } = await partnerForKey(presentedKey(ctx), now());
      sendPressKit(ctx, await buildPressKit(params.kind, params.id, pc.publicBaseUrl, partner.takes));
    },
  });
  api.add({
    method: 'get',
    path: '/api/partner/columns',
    summary: "The partner's columns (ids to record runs against)",
    tags: TAGS,
    access: 'public',
    before,
    query: feedQuery,
    responses: KEY_RESPONSES,
    handler: async (ctx) => {
      const { partner } = await partnerForKey(presentedKey(ctx), now());
      return { items: await partnerColumnsForKey(partner, now()) };
    },
  });
  api.add({
    method: 'post',
    path: '/api/partner/runs',
    summary: 'The partner records that an issue of its column ran these items ("ran on …")',
    tags: TAGS,
    access: 'public',
    before,
    query: feedQuery,
    body: partnerRunBody,
    responses: { 201: 'Recorded', ...KEY_RESPONSES },
    handler: async (ctx, { body }) => {
      const { partner, keyId } = await partnerForKey(presentedKey(ctx), now());
      const { columnId, ...run } = body;
      ctx.status = 201;
      return recordRun(String(partner._id), columnId, run, `partner-key:${keyId}`, now(), true);
    },
  });
  return api;
}
