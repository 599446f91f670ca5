/** What a publication would do, asked of the server before sending: recipients, SMS text and length, quota left. */
import { ApiError, request } from './http';

export interface DryRun {
  available: boolean;
  recipients?: Record<string, number>;
  total?: number;
  excluded?: { optedOut?: number; invalid?: number; duplicates?: number };
  sms?: { text: string; length: number; limit: number; parts?: number };
  quota?: { limit: number; used: number; left: number; periodKind?: string };
  warnings: string[];
  raw?: unknown;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

export async function dryRun(segment: string, id: string, body: Record<string, unknown>): Promise<DryRun> {
  let res: any;
  try {
    res = await request<any>('POST', `/api/admin/${segment}/${id}/publish/dry-run`, body);
  } catch (err) {
    if (err instanceof ApiError && (err.status === 404 || err.status === 405)) return { available: false, warnings: [] };
    throw err;
  }
  const recipients: Record<string, number> = {};
  const per = res.recipients ?? res.channels ?? {};
  for (const [k, v] of Object.entries(per)) {
    const n = typeof v === 'number' ? v : num((v as any)?.recipients ?? (v as any)?.count ?? (v as any)?.total);
    if (n !== undefined) recipients[k] = n;
  }
  const smsSrc = res.sms ?? {};
  const quotaSrc = res.quota ?? res.wechat?.quota ?? res.massQuota;
  return {
    available: true,
    recipients,
    total: num(res.total ?? res.audience?.recipients ?? res.recipientCount),
    excluded: { optedOut: num(res.audience?.excludedOptedOut ?? res.excluded?.optedOut), invalid: num(res.audience?.invalid ?? res.excluded?.invalid), duplicates: num(res.audience?.duplicates ?? res.excluded?.duplicates) },
    sms: smsSrc.text ? { text: smsSrc.text, length: num(smsSrc.length) ?? [...smsSrc.text].length, limit: num(smsSrc.limit ?? smsSrc.maxLength) ?? 0, parts: num(smsSrc.parts ?? smsSrc.segments) } : undefined,
    quota: quotaSrc ? { limit: quotaSrc.limit, used: quotaSrc.used, left: num(quotaSrc.left ?? quotaSrc.remaining) ?? quotaSrc.limit - quotaSrc.used, periodKind: quotaSrc.periodKind } : undefined,
    warnings: Array.isArray(res.warnings) ? res.warnings.map((w: any) => (typeof w === 'string' ? w : w.message)) : [],
    raw: res,
  };
}
