/**
 * Static files of the microsite (one stylesheet, the optional WeChat share script), served under content-hashed
 * names with a one-year immutable cache: a changed file gets a new URL, so nobody ever sees a stale one.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface Asset {
  /** Public URL path, e.g. /assets/site.3f9a1c2b.css */
  href: string;
  contentType: string;
  body: Buffer;
  etag: string;
}

export const TEMPLATES_ROOT = path.resolve(__dirname, '../../templates');

function load(file: string, name: string, ext: string, contentType: string): Asset | undefined {
  if (!existsSync(file)) return undefined;
  const body = readFileSync(file);
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  return { href: `/assets/${name}.${hash}.${ext}`, contentType, body, etag: `"${hash}"` };
}

export interface SiteAssets {
  css: Asset;
  /** The share-card image of pages that have none of their own (the account's default cover). */
  shareImage: Asset & { width: number; height: number };
  /** The WeChat share-card script (templates/wechat-share/share.js); it calls the WeChat module's /api/public/wechat/jssdk. */
  shareScript?: Asset;
  byHref: Map<string, Asset>;
}

export function loadAssets(): SiteAssets {
  const css = load(path.join(TEMPLATES_ROOT, 'site/static/site.css'), 'site', 'css', 'text/css; charset=utf-8');
  if (!css) throw new Error('templates/site/static/site.css is missing');
  const shareScript = load(path.join(TEMPLATES_ROOT, 'wechat-share/share.js'), 'share', 'js', 'application/javascript; charset=utf-8');
  const image = load(path.join(TEMPLATES_ROOT, 'wechat/default-cover.jpg'), 'share', 'jpg', 'image/jpeg');
  if (!image) throw new Error('templates/wechat/default-cover.jpg is missing');
  const shareImage = { ...image, ...jpegSize(image.body) };
  const byHref = new Map<string, Asset>([[css.href, css], [shareImage.href, shareImage]]);
  if (shareScript) byHref.set(shareScript.href, shareScript);
  return { css, shareImage, shareScript, byHref };
}

/** Width and height from a JPEG's first SOF marker (og:image:width/height), without decoding it. */
function jpegSize(body: Buffer): { width: number; height: number } {
  for (let i = 2; i + 9 < body.length; ) {
    if (body[i] !== 0xff) break;
    const marker = body[i + 1];
    const length = body.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: body.readUInt16BE(i + 5), width: body.readUInt16BE(i + 7) };
    }
    i += 2 + length;
  }
  throw new Error('the default share image is not a readable JPEG');
}
