/**
 * The webhook signature scheme (documented for partners in src/partners/README.md):
 *   X-Lianxin-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
 * The timestamp is inside the signed text, so a captured request cannot be replayed later with a new time;
 * receivers refuse a timestamp more than WEBHOOK_TOLERANCE_SECONDS from their clock.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-Lianxin-Signature';
export const EVENT_ID_HEADER = 'X-Lianxin-Event-Id';
export const EVENT_HEADER = 'X-Lianxin-Event';
export const ATTEMPT_HEADER = 'X-Lianxin-Delivery-Attempt';
/** What we advise receivers to accept (and what verifyWebhookSignature applies). */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

export function signatureHeader(secret: string, timestampSeconds: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${timestampSeconds}.${body}`, 'utf8').digest('hex');
  return `t=${timestampSeconds},v1=${mac}`;
}

/** For receivers written in TypeScript (and our own docs): true when the header signs this body within the tolerance. */
export function verifyWebhookSignature(secret: string, header: string, body: string, nowSeconds: number, toleranceSeconds = WEBHOOK_TOLERANCE_SECONDS): boolean {
  const parts = new Map(header.split(',').map((p) => p.trim().split('=', 2) as [string, string]));
  const t = Number(parts.get('t'));
  const given = parts.get('v1') ?? '';
  if (!Number.isInteger(t) || Math.abs(nowSeconds - t) > toleranceSeconds || !/^[0-9a-f]{64}$/.test(given)) return false;
  const expected = signatureHeader(secret, t, body).split('v1=')[1];
  return timingSafeEqual(Buffer.from(given, 'hex'), Buffer.from(expected, 'hex'));
}
