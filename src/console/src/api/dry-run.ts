/** What a publication would do, asked of the server before sending: recipients, SMS text and length, quota left. */
import { ApiError, request } from './http';

export interface SmsParamCheck {
  name: string;
  label?: string;
  value: string;
  length: number;
  max?: number;
  ok: boolean;
  note?: string;
}

export interface DryRun {
  available: boolean;
  micrositeUrl?: string;
  wechat?: { mode: string; recipients: number | null; usesQuota: boolean; quotaLeft: number | null; quotaLimit?: number };
  sms?: {
    text: string;
    length: number;
    parts: number;
    recipients: number;
    messages: number;
    params: SmsParamCheck[];
    excluded: { optedOut: number; invalid: number; duplicates: number };
  };
  problems: { field: string; message: string }[];
}

interface DryRunResponse {
  channels: {
    microsite?: { url: string };
    wechat?: { mode: string; recipients: number | null; quota: { limit?: number } | null; quotaLeft: number | null; usesQuota: boolean };
    sms?: {
      text: string;
      length: number;
      parts: number;
      params: SmsParamCheck[];
      audience: { recipients: number; excludedOptedOut: number; invalid: number; duplicates: number };
      recipients: number;
      messages: number;
    };
  };
  problems: { field: string; message: string }[];
}

export async function dryRun(segment: string, id: string, body: Record<string, unknown>): Promise<DryRun> {
  let res: DryRunResponse;
  try {
    res = await request<DryRunResponse>('POST', `/api/admin/${segment}/${id}/publish/dry-run`, body);
  } catch (err) {
    if (err instanceof ApiError && (err.status === 404 || err.status === 405)) return { available: false, problems: [] };
    throw err;
  }
  const { microsite, wechat, sms } = res.channels;
  return {
    available: true,
    micrositeUrl: microsite?.url,
    wechat: wechat && { mode: wechat.mode, recipients: wechat.recipients, usesQuota: wechat.usesQuota, quotaLeft: wechat.quotaLeft, quotaLimit: wechat.quota?.limit },
    sms: sms && {
      text: sms.text,
      length: sms.length,
      parts: sms.parts,
      recipients: sms.recipients,
      messages: sms.messages,
      params: sms.params ?? [],
      excluded: { optedOut: sms.audience?.excludedOptedOut ?? 0, invalid: sms.audience?.invalid ?? 0, duplicates: sms.audience?.duplicates ?? 0 },
    },
    problems: res.problems ?? [],
  };
}
