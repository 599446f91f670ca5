/** Citizens subscribe to SMS news with their phone number and consent; admins see the list. */
import { z } from 'zod';
import type { Services } from '../module';
import { ApiRouter } from '../http/api-router';
import { pagination } from '../http/schemas';
import { rateLimit } from '../http/rate-limit';
import { singleFileUpload } from '../http/file-upload';
import { BadRequestError } from '../errors';
import { subscribe, unsubscribe, listSubscribers } from './subscribers';
import { importSubscribers } from './import';

const IMPORT_MAX_BYTES = 5 * 1024 * 1024;

const importUpload = singleFileUpload(IMPORT_MAX_BYTES);

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

  api.add({
    method: 'post',
    path: '/api/admin/subscribers/import',
    summary:
      'Import subscribers from CSV or .xlsx (columns 手机号, 姓名, 同意时间). dryRun (default true) only reports; every bad row is listed (row, column, why) and nothing is written unless all are good',
    tags: ['subscribers'],
    access: ['admin'],
    requestType: 'multipart/form-data',
    before: [importUpload],
    body: z
      .object({
        dryRun: z.enum(['true', 'false']).default('true'),
        consentSource: z.string().trim().min(2, '请说明同意是如何取得的（如：代表接待日现场登记表）').max(100),
      })
      .strict(),
    responses: { 200: 'The report (dry run, or imported)', 400: 'Bad rows: nothing imported, the report in details', 413: 'File over 5 MB' },
    handler: async (ctx, { body }) => {
      const file = (ctx as unknown as { file?: { buffer: Buffer; originalname?: string } }).file;
      if (!file) throw new BadRequestError('请选择要导入的文件（字段名 file）', 'file_required');
      return importSubscribers(clock, {
        bytes: file.buffer,
        fileName: file.originalname ?? '',
        dryRun: body.dryRun === 'true',
        consentSource: body.consentSource,
        importedBy: ctx.state.user!.id,
      });
    },
  });

  return api;
}
