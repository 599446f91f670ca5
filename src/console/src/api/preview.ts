/**
 * Server-rendered previews: the microsite page exactly as it will be served, and the WeChat article as the account
 * will show it, rendered by the server's own renderers from the unsaved fields.
 */
import { request } from './http';

export interface PreviewResult {
  /** A complete HTML document (the microsite page). */
  microsite: string;
  /** A complete HTML document (the WeChat article). */
  wechat: string;
  /** What the WeChat rendering had to leave out or warns about. */
  wechatWarnings: string[];
}

interface PreviewResponse {
  microsite: { html: string; path?: string };
  wechat: { html: string; title?: string; digest?: string; droppedImages?: string[]; warnings?: (string | { message: string })[] };
}

/** The preview frame runs no script (it is sandboxed): take the page's scripts out rather than have them refused. */
function withoutScripts(html: string): string {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  for (const el of doc.querySelectorAll('script')) el.remove();
  return `<!doctype html>\n${doc.documentElement.outerHTML}`;
}

export async function renderPreview(segment: string, fields: Record<string, unknown>, itemId?: string): Promise<PreviewResult> {
  const res = await request<PreviewResponse>('POST', `/api/admin/${segment}/preview`, { ...(itemId ? { id: itemId } : {}), fields });
  const warnings = (res.wechat.warnings ?? []).map((w) => (typeof w === 'string' ? w : w.message));
  if (res.wechat.droppedImages?.length) warnings.push(`公众号文章中将去掉 ${res.wechat.droppedImages.length} 张无法上传的图片`);
  return { microsite: withoutScripts(res.microsite.html), wechat: withoutScripts(res.wechat.html), wechatWarnings: warnings };
}
