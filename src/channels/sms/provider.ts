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

/** Classifies network failures: refused connections never reached the provider; timeouts and resets may have. */
export function networkFailure(err: unknown, provider: string): SmsProviderError {
  const text = `${(err as Error)?.name ?? ''} ${(err as Error)?.message ?? String(err)} ${String((err as { code?: unknown })?.code ?? '')}`;
  const refused = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH/i.test(text);
  return new SmsProviderError(`${provider} 短信服务无法访问：${(err as Error)?.message ?? String(err)}`, refused ? 'network_refused' : 'network_timeout', true, !refused);
}
