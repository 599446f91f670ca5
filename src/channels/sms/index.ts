/**
 * The SMS channel and its providers (outbox/, tencent/, aliyun/). The cloud providers are loaded only when
 * configured (their modules from ./tencent and ./aliyun, their SDKs on the first request): nothing of them at start.
 */
import type { Clock } from '../../clock';
import type { Config } from '../../config';
import type { Logger } from '../../logger';
import { SmsChannel, type SmsLimits } from './channel';
import { OutboxProvider } from './outbox';
import type { SmsProvider } from './provider';
import { loadSmsTemplates } from './templates';

export { SmsChannel, DEFAULT_SMS_LIMITS, chunkForProvider, type SmsLimits } from './channel';
export { SmsMessageModel, SmsOptOutModel, type SmsMessageDoc, type SmsMessageStatus, type SmsOptOutDoc } from './models';
export { SmsBatchModel, adoptLegacySmsRecords, deliveryRecords, deliveryNumbersIn, type NumberRecord, type SmsBatchDoc } from './records';
export { OutboxMessageModel, OutboxProvider, type OutboxMessageDoc } from './outbox';
export { SmsProviderError, type SmsProvider, type LookupAnswer, type ProviderRecord } from './provider';
export { normalizeChinaMobile, nationalNumber } from './phone';
export { optedOutAmong, addOptOut, removeOptOut, isOptOutReply, wasTextedBy } from './opt-out';
export { applyReceipts, parseShanghaiTime, type Receipt } from './receipts';
export { loadSmsTemplates, renderSmsText, type SmsTemplate, type SmsTemplates } from './templates';

/** The configured provider: SMS_PROVIDER=outbox (default) | tencent | aliyun, pointed at SMS_ENDPOINT if set. */
export function createSmsProvider(config: Config, clock: Clock): SmsProvider {
  switch (config.sms.provider) {
    case 'tencent': {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, not at start
      const { TencentSmsProvider } = require('./tencent') as typeof import('./tencent');
      return new TencentSmsProvider(config.sms);
    }
    case 'aliyun': {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, not at start
      const { AliyunSmsProvider } = require('./aliyun') as typeof import('./aliyun');
      return new AliyunSmsProvider(config.sms);
    }
    default:
      return new OutboxProvider(clock);
  }
}

export function createSmsChannel(deps: { config: Config; clock: Clock; logger: Logger; provider?: SmsProvider; limits?: SmsLimits }): SmsChannel {
  return new SmsChannel({
    provider: deps.provider ?? createSmsProvider(deps.config, deps.clock),
    signName: deps.config.sms.signName,
    clock: deps.clock,
    logger: deps.logger.child({ channel: 'sms' }),
    templates: loadSmsTemplates(deps.config.sms.templatesFile),
    limits: deps.limits,
    lookupSettleMs: deps.config.sms.lookupSettleMs,
  });
}
