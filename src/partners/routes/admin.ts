/** /api/admin/partners…: the registry, keys and push secret, the feed preview, deliveries, press kits, coverage. */
import { ApiRouter } from '../../http/api-router';
import { idParams } from '../../http/schemas';
import { partnerDeliveries } from '../../publishing';
import type { AppContext } from '../../http/context';
import type { PartnersContext } from '../context';
import { createPartner, findPartner, getPartner, listPartners, removePartner, rotatePushSecret, updatePartner } from '../registry';
import { issueKey, listKeys, revokeKey, rotateKey } from '../keys';
import { partnerItems } from '../feeds';
import { jsonFeedItem } from '../feed-items';
import { buildPressKit } from '../press-kit';
import { mediaCoverage } from '../columns';
import { coverageQuery, keyBody, keyParams, partnerBody, partnerListQuery, partnerPatch, pressKitParams, rotateBody } from '../schemas';
import { sendPressKit } from './send';

const TAGS = ['partners'];
/** Who keeps the registry: the publicity office's reviewers (and admins). Editors read it for press kits and columns. */
const READERS = ['editor', 'reviewer'] as const;
const KEEPERS = ['reviewer'] as const;

const userOf = (ctx: AppContext) => `user:${ctx.state.user!.id}`;

export function feedUrls(publicBaseUrl: string) {
  return { rss: `${publicBaseUrl}/api/partner/feed.rss`, json: `${publicBaseUrl}/api/partner/feed.json` };
}

export function partnerAdminRoutes(pc: PartnersContext): ApiRouter {
  const api = new ApiRouter();
  const now = () => pc.clock.now();
  const options = { allowHttp: pc.allowHttp };

  api.add({
    method: 'get',
    path: '/api/admin/partners',
    summary: 'Media partners (报纸、电视台、融媒体中心、宣传部) with what they take',
    tags: TAGS,
    access: READERS,
    query: partnerListQuery,
    handler: async (_ctx, { query }) => ({ items: await listPartners(query, now()) }),
  });
  api.add({
    method: 'post',
    path: '/api/admin/partners',
    summary: 'Add a media partner; with push on, the signing secret is in the answer this once (pushSecret)',
    tags: TAGS,
    access: KEEPERS,
    body: partnerBody,
    responses: { 201: 'Created', 409: 'A partner of that name exists' },
    handler: async (ctx, { body }) => {
      ctx.status = 201;
      return createPartner(body, userOf(ctx), now(), options);
    },
  });
  api.add({
    method: 'get',
    path: '/api/admin/partners/:id',
    summary: 'One media partner',
    tags: TAGS,
    access: READERS,
    params: idParams,
    handler: (_ctx, { params }) => getPartner(params.id, now()),
  });
  api.add({
    method: 'patch',
    path: '/api/admin/partners/:id',
    summary: 'Change a media partner (turning push on for the first time answers the new pushSecret)',
    tags: TAGS,
    access: KEEPERS,
    params: idParams,
    body: partnerPatch,
    handler: (_ctx, { params, body }) => updatePartner(params.id, body, now(), options),
  });
  api.add({
    method: 'delete',
    path: '/api/admin/partners/:id',
    summary: 'Remove a media partner: its keys stop working at once; column history stays for the reports',
    tags: TAGS,
    access: KEEPERS,
    params: idParams,
    responses: { 204: 'Removed' },
    handler: async (ctx, { params }) => {
      await removePartner(params.id, now());
      ctx.status = 204;
    },
  });
  api.add({
    method: 'post',
    path: '/api/admin/partners/:id/push-secret',
    summary: 'A new webhook signing secret (shown once; the old one stops signing at once)',
    tags: TAGS,
    access: [],
    params: idParams,
    handler: (_ctx, { params }) => rotatePushSecret(params.id, now()),
  });
  api.add({
    method: 'get',
    path: '/api/admin/partners/:id/keys',
    summary: "The partner's feed keys (never the keys themselves: prefix, state, last use)",
    tags: TAGS,
    access: [],
    params: idParams,
    handler: async (_ctx, { params }) => ({ items: await listKeys(params.id, now()), feeds: feedUrls(pc.publicBaseUrl) }),
  });
  api.add({
    method: 'post',
    path: '/api/admin/partners/:id/keys',
    summary: 'Issue a feed key (the key is in this answer only; it is stored hashed)',
    tags: TAGS,
    access: [],
    params: idParams,
    body: keyBody,
    responses: { 201: 'Created' },
    handler: async (ctx, { params, body }) => {
      const { key, view } = await issueKey(params.id, body?.label, userOf(ctx), now());
      ctx.status = 201;
      return { key, ...view, feeds: feedUrls(pc.publicBaseUrl) };
    },
  });
  api.add({
    method: 'post',
    path: '/api/admin/partners/:id/keys/:keyId/revoke',
    summary: 'Revoke a feed key at once',
    tags: TAGS,
    access: [],
    params: keyParams,
    handler: (_ctx, { params }) => revokeKey(params.id, params.keyId, now()),
  });
  api.add({
    method: 'post',
    path: '/api/admin/partners/:id/keys/:keyId/rotate',
    summary: 'Replace a feed key: a new key now, the old one revoked (or working for graceHours more)',
    tags: TAGS,
    access: [],
    params: keyParams,
    body: rotateBody,
    responses: { 201: 'Created' },
    handler: async (ctx, { params, body }) => {
      const result = await rotateKey(params.id, params.keyId, body?.label, body?.graceHours ?? 0, userOf(ctx), now());
      ctx.status = 201;
      return { key: result.key, ...result.view, previous: result.previous, feeds: feedUrls(pc.publicBaseUrl) };
    },
  });
  api.add({
    method: 'get',
    path: '/api/admin/partners/:id/feed-preview',
    summary: "What the partner's feed carries now (the JSON Feed items), for staff",
    tags: TAGS,
    access: READERS,
    params: idParams,
    handler: async (_ctx, { params }) => {
      const partner = await findPartner(params.id);
      return { items: (await partnerItems(partner, pc.feedItems, pc.publicBaseUrl)).map(jsonFeedItem) };
    },
  });
  api.add({
    method: 'get',
    path: '/api/admin/partners/:id/deliveries',
    summary: "The partner's webhook pushes from the delivery ledger, newest first",
    tags: TAGS,
    access: READERS,
    params: idParams,
    handler: async (_ctx, { params }) => {
      await findPartner(params.id);
      return { items: await partnerDeliveries(params.id) };
    },
  });
  api.add({
    method: 'get',
    path: '/api/admin/press-kits/:kind/:id',
    summary: 'Press kit of a published item (zip: article.docx, article.md, original images, captions.txt, deputy profiles)',
    tags: TAGS,
    access: [...READERS, 'organizer'],
    params: pressKitParams,
    responseType: 'application/zip',
    handler: async (ctx, { params }) => sendPressKit(ctx, await buildPressKit(params.kind, params.id, pc.publicBaseUrl)),
  });
  api.add({
    method: 'get',
    path: '/api/admin/media-coverage',
    summary: "Media coverage of a month (column issues that ran our items), for the monthly summary",
    tags: TAGS,
    access: READERS,
    query: coverageQuery,
    handler: (_ctx, { query }) => mediaCoverage(query.month),
  });
  return api;
}
