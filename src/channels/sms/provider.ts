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
  /** The provider's id of the request that carried it (RequestId). */
  requestId?: string;
  code?: string;
  message?: string;
}

/** One message the provider's own records hold for a number (QuerySendDetails, PullSmsSendStatusByPhoneNumber, the outbox). */
export interface ProviderRecord {
  providerMessageId?: string;
  /** What we passed along and the provider echoes (Aliyun OutId, Tencent SessionContext when enabled): the delivery id. */
  tag?: string;
  /** When the provider sent (or the phone received) it. */
  at?: Date;
  status: 'sent' | 'delivered' | 'failed';
  errorCode?: string;
}

/** The provider's records for one number since a moment, or why they could not be read. */
export type LookupAnswer =
  | {
      ok: true;
      records: ProviderRecord[];
      /** Every record of the window was returned (not cut by a page size). */
      complete: boolean;
      /** What was asked, for the evidence shown to people ("QuerySendDetails 20250901"). */
      query: string;
    }
  | { ok: false; query: string; error: string };

export class SmsProviderError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly transient: boolean,
    /** No answer came back after the request was sent: the provider may have accepted it. */
    readonly mayHaveBeenAccepted = false,
    /** The provider's id of the request, when its answer carried one (RequestId). */
    readonly requestId?: string,
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
   * Reads the provider's own records of each number since a moment (to settle sends that got no answer).
   * Providers without a usable query API omit this.
   */
  lookup?(deliveryId: string, items: Array<{ phone: string; since: Date }>, until: Date): Promise<Map<string, LookupAnswer>>;
  /** The records are exact the moment a send returns (the outbox): a miss proves absence without waiting. */
  readonly lookupIsExact?: boolean;
  /**
   * For a per-number refusal code: whether it is the provider's frequency limit for that number and when the
   * number may be texted again (the message is deferred, never dropped); undefined for any other code.
   */
  frequencyLimit?(code: string, now: Date): Date | undefined;
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
