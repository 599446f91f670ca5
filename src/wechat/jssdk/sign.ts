/**
 * JS-SDK config signature: sha1("jsapi_ticket=…&noncestr=…&timestamp=…&url=…") with the values raw (not URL-encoded)
 * and the URL exactly as the page sees it, without its #fragment.
 */
import { randomBytes } from 'node:crypto';
import { sha1Hex } from '../signature';

export function jsapiSignature(p: { ticket: string; nonceStr: string; timestamp: number | string; url: string }): string {
  return sha1Hex(`jsapi_ticket=${p.ticket}&noncestr=${p.nonceStr}&timestamp=${p.timestamp}&url=${p.url}`);
}

export function nonceStr(): string {
  return randomBytes(12).toString('base64url');
}

/**
 * The URL to sign if it is a page of the microsite (same origin as PUBLIC_BASE_URL, under its path), else undefined.
 * The string is kept as sent, minus the fragment: the page signs `location.href.split('#')[0]`.
 */
export function signableUrl(raw: string, publicBaseUrl: string): string | undefined {
  const url = raw.split('#')[0];
  if (!url || url.length > 2048 || /[\s\u0000-\u001f\u007f]/.test(url)) return undefined;
  let parsed: URL;
  let base: URL;
  try {
    parsed = new URL(url);
    base = new URL(publicBaseUrl);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  if (parsed.origin !== base.origin || parsed.username || parsed.password) return undefined;
  const basePath = base.pathname.replace(/\/+$/, '');
  if (basePath && parsed.pathname !== basePath && !parsed.pathname.startsWith(`${basePath}/`)) return undefined;
  return url;
}
