/** Media upload API (/api/admin/media) and public media files (/media/:file). */
import Router from '@koa/router';
import multer from '@koa/multer';
import { z } from 'zod';
import { ApiRouter } from '../../http/api-router';
import type { AppContext, AppState } from '../../http/context';
import { idParams, pagination } from '../../http/schemas';
import { BadRequestError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../../errors';
import type { MediaService } from './service';
import { CREDIT_KINDS } from '../models/media';
import { MEDIA_KEY_PATTERN, type MediaStorage } from './storage';

const CONTENT_TYPES: Record<string, string> = { jpg: 'image/jpeg', png: 'image/png', webp: 'image/webp', gif: 'image/gif', avif: 'image/avif' };

function uploadMiddleware(maxBytes: number) {
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: maxBytes, files: 1, fields: 5, fieldSize: 4096, parts: 8 } }).single('file');
  return async (ctx: AppContext, next: () => Promise<unknown>) => {
    if (!ctx.is('multipart/form-data')) throw new UnsupportedMediaTypeError('请以 multipart/form-data 上传，文件字段名为 file');
    try {
      await upload(ctx as never, async () => {});
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'LIMIT_FILE_SIZE') throw new PayloadTooLargeError(`图片不能超过 ${Math.round(maxBytes / 1024 / 1024)} MB`, { maxBytes });
      if (typeof code === 'string' && code.startsWith('LIMIT_')) throw new BadRequestError(`上传内容无效：${code}`, 'invalid_upload', { field: (err as { field?: string }).field ?? null });
      throw new BadRequestError('上传内容无法解析', 'invalid_upload');
    }
    // multer gives a null-prototype object; copy it so the schema sees a plain one.
    (ctx.request as { body?: unknown }).body = { ...((ctx.request as { body?: object }).body ?? {}) };
    await next();
  };
}

/** What is said about an image: alt text (what it shows), caption (图注, shown under it) and credit (摄影/来源). */
const description = {
  alt: z.string().trim().max(200, '替代文字不超过 200 个字').optional(),
  caption: z.string().trim().max(200, '图注不超过 200 个字').optional(),
  credit: z.string().trim().max(60, '署名不超过 60 个字').optional(),
  creditKind: z.enum(CREDIT_KINDS).optional(),
};

export function mediaRoutes(service: MediaService, maxBytes: number): ApiRouter {
  const api = new ApiRouter();
  const tags = ['content:media'];
  api.add({
    method: 'post',
    path: '/api/admin/media',
    summary: 'Upload an image (multipart field "file", optional alt, caption, credit, creditKind); type detected from the bytes',
    tags,
    // Liaison officers upload the photos of their groups' activities.
    access: ['editor', 'reviewer', 'liaison'],
    requestType: 'multipart/form-data',
    before: [uploadMiddleware(maxBytes)],
    body: z.object(description).strict(),
    responses: { 201: 'Stored (or the existing record for identical bytes)', 413: 'Too large', 415: 'Not a JPEG/PNG/WebP/GIF image' },
    handler: async (ctx, { body }) => {
      const file = (ctx as unknown as { file?: { buffer: Buffer; originalname?: string } }).file;
      if (!file) throw new BadRequestError('请选择要上传的图片（字段名 file）', 'file_required');
      const result = await service.upload({ bytes: file.buffer, originalName: file.originalname, ...body }, ctx.state.user!.id);
      ctx.status = 201;
      return result;
    },
  });
  api.add({
    method: 'get',
    path: '/api/admin/media',
    summary: 'Media library, newest first',
    tags,
    access: ['editor', 'reviewer', 'organizer'],
    query: z.object(pagination).strict(),
    handler: (_ctx, { query }) => service.list(query.page, query.pageSize),
  });
  api.add({
    method: 'patch',
    path: '/api/admin/media/:id',
    summary: "Change an image's alt text, caption (图注) or credit (摄影/来源); pages showing it are rebuilt",
    tags,
    access: ['editor', 'reviewer', 'liaison'],
    params: idParams,
    body: z
      .object(description)
      .strict()
      .refine((b) => Object.values(b).some((v) => v !== undefined), '没有要修改的内容'),
    handler: (_ctx, { params, body }) => service.describe(params.id, body),
  });
  api.add({
    method: 'get',
    path: '/api/admin/media/:id',
    summary: 'One media record with its variant URLs',
    tags,
    access: ['editor', 'reviewer', 'organizer'],
    params: idParams,
    handler: (_ctx, { params }) => service.get(params.id),
  });
  return api;
}

/** Public files. Keys are content-addressed, so a URL's bytes never change: cache for a year. */
export function mediaFileRouter(storage: MediaStorage): Router<AppState> {
  const router = new Router<AppState>();
  router.get('/media/:file', async (ctx) => {
    const key = ctx.params.file;
    if (!MEDIA_KEY_PATTERN.test(key)) return; // falls through to 404
    const found = await storage.open(key);
    if (!found) return;
    ctx.set('Cache-Control', 'public, max-age=31536000, immutable');
    ctx.type = CONTENT_TYPES[key.slice(key.lastIndexOf('.') + 1)];
    ctx.length = found.size;
    ctx.body = found.stream;
  });
  return router;
}
