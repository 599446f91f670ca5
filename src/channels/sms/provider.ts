/**
 * What every SMS provider implements (one folder each: outbox/, tencent/, aliyun/). The channel decides who gets
 * a text; a provider only turns one request's messages into provider calls and reports per number.
 */
import type { SmsNotificationKind } from '../types';
import type { SmsTemplate } from './templates';

export interface ProviderMessage {
  /** E.164. */
  phone: string;
  /** Template values by name (all of the template's parameters, validated). */
  values: Record<string, string>;
}

export interface ProviderRequest {
  deliveryId: string;
  notification: SmsNotificationKind;
  template: SmsTemplate;
  signName: string;
  /** At most `maxSameParams` messages sharing one value set, or at most `maxMixedParams` with differing ones. */
  messages: ProviderMessage[];
}

export interface ProviderResult {
  phone: string;
  ok: boolean;
  providerMessageId?: string;
  code?: string;
  message?: string;
}

/** Answer of a lookup for an in-doubt message: found (sent), or provably never received ('absent'). */
export type LookupResult = { found: true; providerMessageId?: string } | { found: false };

export class SmsProviderError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly transient: boolean,
    /** No answer came back after the request was sent: the provider may have accepted it. */
    readonly mayHaveBeenAccepted = false,
  ) {
    super(message);
    this.name = 'SmsProviderError';
  }
}

export interface SmsProvider {
  readonly name: 'outbox' | 'tencent' | 'aliyun';
  /** Numbers per request when they share their template values. */
  readonly maxSameParams: number;
  /** Numbers per request when each has its own values (1 = one request per distinct value set). */
  readonly maxMixedParams: number;
  send(request: ProviderRequest): Promise<ProviderResult[]>;
  /**
   * Asks the provider about messages whose send got no answer. Phones missing from the result could not be
   * checked (they become 'unknown'). Providers without a usable query API omit this.
   */
  lookup?(deliveryId: string, items: Array<{ phone: string; attemptedAt: Date }>): Promise<Map<string, LookupResult>>;
}

/**
 * Classifies network failures. A connection that was never established (refused, unknown host, unreachable, a
 * connect timeout, a TLS handshake failure such as HTTPS spoken to a plain-HTTP port) carried no request: a definite
 * failure, never doubt. Only a failure after the request went out (a read timeout, a reset) may have been accepted.
 */
export function networkFailure(err: unknown, provider: string): SmsProviderError {
  const raw = (err as Error)?.message ?? String(err);
  // The SDKs put the whole request URL (phone numbers included) into their messages: keep only the cause.
  const message = raw.replace(/(?:POST|GET)?\s*https?:\/\/\S+/g, '').replace(/request to\s+failed, reason:\s*/, '').replace(/\s*failed\.$/, '').trim();
  const text = `${(err as Error)?.name ?? ''} ${raw} ${String((err as { code?: unknown })?.code ?? '')}`;
  if (/EPROTO|SSL routines|ERR_SSL|ERR_TLS|CERT_|UNABLE_TO_VERIFY|SELF_SIGNED|certificate/i.test(text)) {
    return new SmsProviderError(
      `${provider} 短信服务的 TLS 握手失败，请求未发出（请核对 SMS_ENDPOINT 的 http/https 与端口）：${message}`,
      'connection_tls_failed',
      false,
    );
  }
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|connect ETIMEDOUT/i.test(text)) {
    return new SmsProviderError(`${provider} 短信服务无法连接，请求未发出：${message}`, 'network_refused', true);
  }
  return new SmsProviderError(`${provider} 短信服务无应答：${message}`, 'network_timeout', true, true);
}
