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
}

export async function renderPreview(kind: string, fields: Record<string, unknown>, itemId?: string): Promise<PreviewResult> {
  const res = await request<Record<string, unknown>>('POST', '/api/admin/preview', { kind, ...(itemId ? { id: itemId } : {}), fields });
  return {
    microsite: String(res.microsite ?? res.micrositeHtml ?? res.html ?? ''),
    wechat: String(res.wechat ?? res.wechatHtml ?? ''),
  };
}
