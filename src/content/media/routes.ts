/** Media upload API (/api/admin/media) and public media files (/media/:file). */
import Router from '@koa/router';
import multer from '@koa/multer';
import { z } from 'zod';
import { ApiRouter } from '../../http/api-router';
import type { AppContext, AppState } from '../../http/context';
import { idParams, pagination } from '../../http/schemas';
import { BadRequestError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../../errors';
import type { MediaService } from './service';
import { MEDIA_KEY_PATTERN, type MediaStorage } from './storage';

const CONTENT_TYPES: Record<string, string> = { jpg: 'image/jpeg', png: 'image/png', webp: 'image/webp', gif: 'image/gif' };

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

export function mediaRoutes(service: MediaService, maxBytes: number): ApiRouter {
  const api = new ApiRouter();
  const tags = ['content:media'];
  api.add({
    method: 'post',
    path: '/api/admin/media',
    summary: 'Upload an image (multipart field "file", optional "alt"); type detected from the bytes',
    tags,
    // Liaison officers upload the photos of their groups' activities.
    access: ['editor', 'reviewer', 'liaison'],
    requestType: 'multipart/form-data',
    before: [uploadMiddleware(maxBytes)],
    body: z.object({ alt: z.string().trim().max(200).optional() }).strict(),
    responses: { 201: 'Stored (or the existing record for identical bytes)', 413: 'Too large', 415: 'Not a JPEG/PNG/WebP/GIF image' },
    handler: async (ctx, { body }) => {
      const file = (ctx as unknown as { file?: { buffer: Buffer; originalname?: string } }).file;
      if (!file) throw new BadRequestError('请选择要上传的图片（字段名 file）', 'file_required');
      const result = await service.upload({ bytes: file.buffer, originalName: file.originalname, alt: body.alt }, ctx.state.user!.id);
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
