/**
 * One uploaded file (multipart field "file") and a few text fields, kept in memory: for imports of at most a few MB.
 * The text fields become the request body the route's schema checks; the file is on `ctx.file`.
 */
import multer from '@koa/multer';
import type { AppContext } from './context';
import { BadRequestError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../errors';

export function singleFileUpload(maxBytes: number) {
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: maxBytes, files: 1, fields: 5, fieldSize: 1024, parts: 8 } }).single('file');
  return async (ctx: AppContext, next: () => Promise<unknown>): Promise<void> => {
    if (!ctx.is('multipart/form-data')) throw new UnsupportedMediaTypeError('请以 multipart/form-data 上传，文件字段名为 file');
    try {
      await upload(ctx as never, async () => {});
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'LIMIT_FILE_SIZE') throw new PayloadTooLargeError(`导入文件不能超过 ${Math.round(maxBytes / 1024 / 1024)} MB，请分批导入`, { maxBytes });
      throw new BadRequestError('上传内容无法解析', 'invalid_upload');
    }
    (ctx.request as { body?: unknown }).body = { ...((ctx.request as { body?: object }).body ?? {}) };
    await next();
  };
}

export function uploadedFile(ctx: AppContext): { buffer: Buffer; originalname?: string } | undefined {
  return (ctx as unknown as { file?: { buffer: Buffer; originalname?: string } }).file;
}
