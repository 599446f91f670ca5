/** Admins see and import SMS subscribers (citizens sign up through src/subscriptions). */
import { z } from 'zod';
import type { Services } from '../module';
import { ApiRouter } from '../http/api-router';
import { pagination } from '../http/schemas';
import multer from '@koa/multer';
import type { AppContext } from '../http/context';
import { BadRequestError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../errors';
import { listSubscribers } from './subscribers';
import { importSubscribers } from './import';

const IMPORT_MAX_BYTES = 5 * 1024 * 1024;

/** One file (field "file") and a few text fields, kept in memory: imports are at most a few MB. */
const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: IMPORT_MAX_BYTES, files: 1, fields: 5, fieldSize: 1024, parts: 8 } }).single('file');
async function importUpload(ctx: AppContext, next: () => Promise<unknown>): Promise<void> {
  if (!ctx.is('multipart/form-data')) throw new UnsupportedMediaTypeError('请以 multipart/form-data 上传，文件字段名为 file');
  try {
    await upload(ctx as never, async () => {});
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'LIMIT_FILE_SIZE') throw new PayloadTooLargeError('导入文件不能超过 5 MB，请分批导入', { maxBytes: IMPORT_MAX_BYTES });
    throw new BadRequestError('上传内容无法解析', 'invalid_upload');
  }
  (ctx.request as { body?: unknown }).body = { ...((ctx.request as { body?: object }).body ?? {}) };
  await next();
}

export function subscriberAdminRoutes({ clock }: Services): ApiRouter {
  const api = new ApiRouter();

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
