/** Admin views of the channels: the SMS outbox, opt-out management, the WeChat mass-send quota. */
import { z } from 'zod';
import { NotFoundError, ValidationError } from '../errors';
import { ApiRouter } from '../http/api-router';
import { pagination, queryBoolean, type Page } from '../http/schemas';
import { rateLimit } from '../http/rate-limit';
import { channelStatus } from './status';
import { channelStatusResponse, massQuotaStatus } from './response-schemas';
import type { Services } from '../module';
import { maskPhone } from '../phone-mask';
import { OutboxMessageModel, SmsOptOutModel, addOptOut, normalizeChinaMobile, removeOptOut } from '../channels/sms';
import { MassQuota } from '../channels/wechat/quota';

function phoneOrThrow(input: string, field: string): string {
  const phone = normalizeChinaMobile(input);
  if (!phone) throw new ValidationError('手机号无效', [{ field, message: '需要中国大陆手机号，如 13800138000' }]);
  return phone;
}


/**
 * Personal RSVP links (`…/r/<token>`) let whoever holds them answer for the invitee: only admins see the token.
 * Applied to values and to the rendered text alike.
 */
function maskLinks(text: string): string {
  return text.replace(/\/r\/([A-Za-z0-9_-]{4})[A-Za-z0-9_-]*/g, '/r/$1****');
}

export function adminRoutes(services: Services): ApiRouter {
  const { clock, events, config } = services;
  const router = new ApiRouter();
  // Masked numbers must not be recoverable by trying the 10,000 candidates one by one: whoever is not an admin
  // gets a few whole-number lookups per quarter hour.
  const phoneLookups = rateLimit({
    clock,
    windowMs: 15 * 60_000,
    max: 20,
    key: (ctx) => (ctx.query.phone && ctx.state.user?.role !== 'admin' ? `outbox-phone:${ctx.state.user?.id}` : undefined),
  });

  router.add({
    method: 'get',
    path: '/api/admin/outbox',
    summary: 'Texts stored by the outbox SMS provider (what would have been sent), newest first',
    tags: ['sms'],
    access: ['admin', 'editor', 'organizer'],
    query: z.object({ ...pagination, phone: z.string().max(30).optional(), deliveryId: z.string().max(100).optional() }).strict(),
    before: [phoneLookups],
    handler: async (ctx, { query }): Promise<Page<unknown>> => {
      // Editors and organizers see what went out, not whom exactly nor the invitees' personal links.
      const reveal = ctx.state.user?.role === 'admin';
      const filter: Record<string, string> = {};
      if (query.phone) filter.phone = phoneOrThrow(query.phone, 'query.phone');
      if (query.deliveryId) filter.deliveryId = query.deliveryId;
      const [rows, total] = await Promise.all([
        OutboxMessageModel.find(filter).sort({ createdAt: -1, _id: -1 }).skip((query.page - 1) * query.pageSize).limit(query.pageSize).lean(),
        OutboxMessageModel.countDocuments(filter),
      ]);
      return {
        items: rows.map((r) => ({
          id: String(r._id),
          deliveryId: r.deliveryId,
          phone: reveal ? r.phone : maskPhone(r.phone),
          notification: r.notification,
          templateId: r.templateId,
          values: reveal ? r.values : Object.fromEntries(Object.entries(r.values ?? {}).map(([k, v]) => [k, maskLinks(String(v))])),
          text: reveal ? r.text : maskLinks(r.text),
          createdAt: r.createdAt,
        })),
        page: query.page,
        pageSize: query.pageSize,
        total,
      };
    },
  });

  router.add({
    method: 'get',
    path: '/api/admin/sms/opt-outs',
    summary: 'Numbers that opted out of SMS, newest first',
    tags: ['sms'],
    access: ['admin', 'organizer'],
    query: z.object({ ...pagination }).strict(),
    handler: async (_ctx, { query }): Promise<Page<unknown>> => {
      const [rows, total] = await Promise.all([
        SmsOptOutModel.find().sort({ createdAt: -1 }).skip((query.page - 1) * query.pageSize).limit(query.pageSize).lean(),
        SmsOptOutModel.countDocuments(),
      ]);
      return { items: rows.map((r) => ({ phone: r._id, source: r.source, note: r.note, createdBy: r.createdBy, createdAt: r.createdAt })), page: query.page, pageSize: query.pageSize, total };
    },
  });

  router.add({
    method: 'post',
    path: '/api/admin/sms/opt-outs',
    summary: 'Stop all SMS to a number',
    tags: ['sms'],
    access: ['admin', 'organizer'],
    body: z.object({ phone: z.string().min(1).max(30), note: z.string().max(200).optional() }).strict(),
    responses: { 201: 'Opted out', 200: 'Already opted out' },
    handler: async (ctx, { body }) => {
      const phone = phoneOrThrow(body.phone, 'body.phone');
      const created = await addOptOut(events, phone, { source: 'admin', note: body.note, createdBy: ctx.state.user?.username }, clock.now());
      ctx.status = created ? 201 : 200;
      return { phone, optedOut: true };
    },
  });

  router.add({
    method: 'delete',
    path: '/api/admin/sms/opt-outs/:phone',
    summary: 'Allow SMS to a number again (only when its owner asked)',
    tags: ['sms'],
    access: ['admin'],
    params: z.object({ phone: z.string().max(30) }).strict(),
    responses: { 204: 'Removed' },
    handler: async (ctx, { params }) => {
      const phone = phoneOrThrow(params.phone, 'params.phone');
      if (!(await removeOptOut(phone))) throw new NotFoundError('该号码不在退订名单中');
      ctx.status = 204;
    },
  });

  router.add({
    method: 'get',
    path: '/api/admin/channels/status',
    summary:
      'Channel status for admins: microsite address, WeChat credentials set / callbacks / cached access token (?check=true: ' +
      'fetch one from WeChat now) / mass-send quota, SMS provider and set-up, opt-out count, and warnings in Chinese. Never shows secrets',
    tags: ['channels'],
    access: ['admin'],
    query: z.object({ check: queryBoolean.optional() }).strict(),
    response: channelStatusResponse,
    handler: (_ctx, { query }) => channelStatus(config, clock, { checkToken: !!query.check }),
  });

  router.add({
    method: 'get',
    path: '/api/admin/wechat/mass-quota',
    summary: "The official account's mass-send quota for the current day (subscription) or month (service)",
    tags: ['wechat'],
    access: ['admin', 'editor'],
    response: massQuotaStatus,
    handler: async () => new MassQuota(config.wechat, clock).status(),
  });

  return router;
}
