/** Short links: GET /l/<code> (public redirect, counted per channel) and the click figures for staff. */
import Router from '@koa/router';
import { z } from 'zod';
import { ApiRouter } from '../http/api-router';
import type { AppState } from '../http/context';
import { objectId, pagination } from '../http/schemas';
import type { FeatureModule, Services } from '../module';
import { follow, listShortLinks } from './service';

export function shortLinksModule({ config, clock }: Services): FeatureModule {
  const pages = new Router<AppState>();
  pages.get('/l/:code', async (ctx) => {
    const path = await follow(ctx.params.code, clock);
    if (!path) return; // falls through to the site's 404 page
    // Not cached by the browser or a proxy: each tap reaches us once and is counted once.
    ctx.set('Cache-Control', 'no-store');
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.status = 302;
    ctx.redirect(path);
  });

  const api = new ApiRouter();
  const view = z.object({
    code: z.string(),
    url: z.string(),
    path: z.string(),
    channel: z.string(),
    itemKind: z.string().optional(),
    itemId: z.string().optional(),
    clicks: z.number(),
    lastClickedAt: z.iso.datetime().optional(),
    createdAt: z.iso.datetime(),
  });
  api.add({
    method: 'get',
    path: '/api/admin/short-links',
    summary: 'Short links with their clicks per channel (counts only: no reader is recorded); filter by item',
    tags: ['short-links'],
    access: ['editor', 'reviewer', 'organizer'],
    query: z.object({ itemKind: z.string().trim().max(20).optional(), itemId: objectId.optional(), ...pagination }).strict(),
    response: z.object({ items: z.array(view), page: z.number(), pageSize: z.number(), total: z.number() }),
    handler: (_ctx, { query }) => listShortLinks(config.publicBaseUrl, query, query.page, query.pageSize),
  });

  return { name: 'short-links', routers: [api], pageRouters: [pages] };
}
