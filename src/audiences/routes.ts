/** Citizens subscribe to SMS news with their phone number and consent; admins see the list. */
import { z } from 'zod';
import type { Services } from '../module';
import { ApiRouter } from '../http/api-router';
import { pagination } from '../http/schemas';
import { rateLimit } from '../http/rate-limit';
import { subscribe, unsubscribe, listSubscribers } from './subscribers';

export function subscriptionRoutes({ clock }: Services): ApiRouter {
  const api = new ApiRouter();
  // Sign-ups are cheap to abuse (someone else's number): a tight per-address limit.
  const limit = rateLimit({ clock, windowMs: 60_000, max: 10 });

  api.add({
    method: 'post',
    path: '/api/public/subscriptions',
    summary: 'Subscribe a phone number to SMS news (consent required)',
    tags: ['subscribers'],
    access: 'public',
    before: [limit],
    body: z
      .object({
        phone: z.string().trim().min(5).max(20),
        consent: z.literal(true, { error: '需要同意接收短信' }),
        name: z.string().trim().min(1).max(50).optional(),
      })
      .strict(),
    responses: { 201: 'Subscribed', 400: 'Invalid number or no consent', 429: 'Too many requests' },
    handler: async (ctx, { body }) => {
      const result = await subscribe(clock, { phone: body.phone, name: body.name, source: 'web' });
      ctx.status = 201;
      return { ...result, message: '订阅成功。回复 TD 可随时退订。' };
    },
  });

  api.add({
    method: 'post',
    path: '/api/public/subscriptions/unsubscribe',
    summary: 'Stop SMS news to a phone number',
    tags: ['subscribers'],
    access: 'public',
    before: [limit],
    body: z.object({ phone: z.string().trim().min(5).max(20) }).strict(),
    handler: async (_ctx, { body }) => {
      await unsubscribe(clock, body.phone, 'request');
      return { status: 'unsubscribed', message: '已退订，不会再收到短信。' };
    },
  });

  api.add({
    method: 'get',
    path: '/api/admin/subscribers',
    summary: 'SMS subscribers',
    tags: ['subscribers'],
    access: ['admin'],
    query: z.object({ ...pagination, status: z.enum(['active', 'unsubscribed']).optional() }).strict(),
    handler: (_ctx, { query }) => listSubscribers(query),
  });

  return api;
}
