/** Citizens sign up for SMS news (double opt-in: a code texted to the number, typed back) and opt out. */
import { z } from 'zod';
import type { Services } from '../module';
import { ApiRouter } from '../http/api-router';
import { rateLimit } from '../http/rate-limit';
import { unsubscribe } from '../audiences/subscribers';
import { confirmCode, requestCode } from './service';

const phone = z.string().trim().min(5).max(20);

export function subscriptionRoutes({ clock }: Services): ApiRouter {
  const api = new ApiRouter();
  // Per address; the per-number limits (one code a minute, five a day, five tries a code) are in the service.
  const limit = rateLimit({ clock, windowMs: 60_000, max: 10 });

  api.add({
    method: 'post',
    path: '/api/public/subscriptions',
    summary: 'Ask to subscribe a phone number to SMS news: a confirmation code is texted to it (consent required)',
    tags: ['subscribers'],
    access: 'public',
    before: [limit],
    body: z
      .object({
        phone,
        consent: z.literal(true, { error: '需要同意接收短信' }),
        name: z.string().trim().min(1).max(50).optional(),
      })
      .strict(),
    responses: {
      202: 'Code texted; confirm with POST /api/public/subscriptions/confirm',
      400: 'Invalid number or no consent',
      409: 'The number opted out of all texts by reply',
      429: 'Too many requests (retryAfterSeconds in details)',
    },
    handler: async (ctx, { body }) => {
      const result = await requestCode(clock, { phone: body.phone, name: body.name });
      ctx.status = 202;
      return result;
    },
  });

  api.add({
    method: 'post',
    path: '/api/public/subscriptions/confirm',
    summary: 'Confirm a subscription with the code texted to the number',
    tags: ['subscribers'],
    access: 'public',
    before: [limit],
    body: z.object({ phone, code: z.string().trim().regex(/^\d{6}$/, { error: '请输入短信中的 6 位验证码' }) }).strict(),
    responses: { 201: 'Subscribed', 400: 'Wrong or expired code (invalid_code / code_expired)', 429: 'Too many requests' },
    handler: async (ctx, { body }) => {
      const result = await confirmCode(clock, body);
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
    body: z.object({ phone }).strict(),
    handler: async (_ctx, { body }) => {
      await unsubscribe(clock, body.phone, 'request');
      return { status: 'unsubscribed', message: '已退订，不会再收到短信。' };
    },
  });

  return api;
}
