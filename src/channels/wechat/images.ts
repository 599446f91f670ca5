/**
 * Images for a WeChat article: body images go through media/uploadimg (jpg/png under 1 MB, converted with sharp
 * when needed) and their URLs replace the Markdown sources; the cover becomes a permanent material for
 * thumb_media_id (a JPEG thumb when it fits WeChat's 64 KB thumb limit, else an image material).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { sharp } from '../../lazy-sharp';
import type { Logger } from '../../logger';
import type { WechatClient } from '../../wechat-api';
import type { PublishableContent } from '../types';
import { DEFAULT_COVER_PATH, imageSources } from './render';

const BODY_IMAGE_LIMIT = 1024 * 1024;
const THUMB_LIMIT = 64 * 1024;

async function bodyImage(file: string): Promise<{ data: Buffer; filename: string }> {
  const original = await readFile(file);
  const meta = await sharp(original).metadata();
  const base = path.basename(file).replace(/\.[^.]*$/, '') || 'image';
  if ((meta.format === 'jpeg' || meta.format === 'png') && original.length < BODY_IMAGE_LIMIT) {
    return { data: original, filename: `${base}.${meta.format === 'png' ? 'png' : 'jpg'}` };
  }
  for (const [width, quality] of [[1080, 82], [900, 70], [720, 60]] as const) {
    const data = await sharp(original).rotate().resize({ width, withoutEnlargement: true }).jpeg({ quality }).toBuffer();
    if (data.length < BODY_IMAGE_LIMIT) return { data, filename: `${base}.jpg` };
  }
  throw new Error(`图片 ${path.basename(file)} 压缩后仍超过 1MB`);
}

/**
 * Uploads the body's local images not yet in `uploaded` (source → URL; mutated and passed to `persist` after
 * each upload so a retry does not upload again). External or missing images are left out of the article.
 */
export async function uploadBodyImages(
  client: WechatClient,
  content: PublishableContent,
  uploaded: Record<string, string>,
  persist: (images: Record<string, string>) => Promise<void>,
  logger: Logger,
): Promise<Map<string, string>> {
  for (const src of imageSources(content.markdown)) {
    if (uploaded[src]) continue;
    const file = content.resolveImagePath?.(src);
    if (!file) {
      logger.warn({ itemId: content.id, src }, 'external image left out of the WeChat article (WeChat strips external images)');
      continue;
    }
    let prepared: { data: Buffer; filename: string };
    try {
      prepared = await bodyImage(file);
    } catch (err) {
      logger.warn({ itemId: content.id, src, err: (err as Error).message }, 'image could not be prepared for WeChat; left out');
      continue;
    }
    const { url } = await client.uploadArticleImage(prepared.data, prepared.filename);
    uploaded[src] = url;
    await persist(uploaded);
  }
  return new Map(Object.entries(uploaded));
}

/** Uploads the cover (or the default cover) as a permanent material → its media_id. */
export async function uploadCover(client: WechatClient, coverImagePath: string | undefined, logger: Logger): Promise<string> {
  let source: Buffer;
  try {
    source = await readFile(coverImagePath ?? DEFAULT_COVER_PATH);
  } catch {
    logger.warn({ coverImagePath }, 'cover image missing; using the default cover');
    source = await readFile(DEFAULT_COVER_PATH);
  }
  let jpeg = Buffer.alloc(0);
  for (const [width, quality] of [[900, 80], [900, 60], [720, 50]] as const) {
    jpeg = await sharp(source).rotate().resize(width, Math.round(width / 2.35), { fit: 'cover' }).jpeg({ quality }).toBuffer();
    if (jpeg.length <= THUMB_LIMIT) return (await client.addMaterial(jpeg, 'cover.jpg', 'thumb')).media_id;
  }
  return (await client.addMaterial(jpeg, 'cover.jpg', 'image')).media_id;
}
