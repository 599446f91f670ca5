/**
 * Previews of unsaved edits, for the editor's live preview: POST /api/admin/{articles,deputies,groups,cases}/preview
 * with the fields as they stand in the editor (and the item's id when it exists) answers the microsite page exactly
 * as the site renders it (its own templates, through site/pages/content.ts) and the WeChat article as the channel
 * renders it. Nothing is saved. Lives apart from content because it needs the site, which depends on content.
 */
import { z } from 'zod';
import type { FeatureModule, Services } from '../module';
import { ApiRouter } from '../http/api-router';
import { objectId } from '../http/schemas';
import { CONTENT_KINDS } from '../content/enums';
import { contentKinds } from '../content/kinds';
import { previewFieldsSchema } from '../content/schemas';
import { previewResponse } from '../content/response-schemas';
import { ownMediaPath, previewDoc, previewPublicItem, previewPublishable } from '../content/preview';
import { relatedFor, type RelatedItems } from '../content/public-queries';
import { itemPageHtml } from '../site/pages/content';
import { siteName } from '../site/runtime';
import { wechatPreview } from './wechat-view';
import { CAMPAIGN_TIME_ZONE } from '../calendar/beijing';

const NO_RELATED: RelatedItems = { articles: [], deputies: [], groups: [], cases: [] };

const beijingDate = new Intl.DateTimeFormat('zh-CN', { timeZone: CAMPAIGN_TIME_ZONE, year: 'numeric', month: 'long', day: 'numeric' });

export function previewModule({ clock, config }: Services): FeatureModule {
  const api = new ApiRouter();
  for (const kind of CONTENT_KINDS) {
    const spec = contentKinds[kind];
    api.add({
      method: 'post',
      path: `/api/admin/${spec.pathFamily}/preview`,
      summary:
        `Preview unsaved ${kind} fields (over the stored item when id is given): the microsite page HTML exactly as the site renders it, ` +
        'and the WeChat article HTML as the account will show it, with what WeChat would cut or drop. Nothing is saved.',
      tags: ['preview', `content:${spec.pathFamily}`],
      access: ['editor', 'reviewer'],
      body: z.object({ id: objectId.optional(), fields: previewFieldsSchema(kind).default({}) }).strict(),
      response: previewResponse,
      handler: async (ctx, { body }) => {
        const now = clock.now();
        const p = await previewDoc(kind, body.id, body.fields, now);
        const [item, related] = await Promise.all([previewPublicItem(p), p.stored ? relatedFor(kind, String(p.doc._id)) : NO_RELATED]);
        const path = item.path;
        const microsite = itemPageHtml(path, kind, item, related);
        const wechat = wechatPreview(previewPublishable(p, config.publicBaseUrl), siteName(), beijingDate.format(now), (src) => ownMediaPath(src, config.publicBaseUrl));
        ctx.set('Cache-Control', 'no-store');
        return { microsite: { html: microsite, path }, wechat };
      },
    });
  }
  return { name: 'preview', routers: [api] };
}
