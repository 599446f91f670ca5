/**
 * Alibaba Cloud SMS (dysmsapi 2017-05-25) through the official SDK. Numbers sharing their values go in one
 * SendSms (up to 1000, TemplateParam as named JSON); numbers with personal values (RSVP links) go through
 * SendBatchSms, up to 100 per request each with its own TemplateParam. OutId = delivery id (echoed in receipts).
 * The API is not idempotent, so an unanswered send is looked up with QuerySendDetails (per number and day,
 * matched on OutId by the channel) before anything is sent again.
 */
import type Dysmsapi from '@alicloud/dysmsapi20170525';
import type { RuntimeOptions } from '@darabonba/typescript';
import type { Config } from '../../../config';
import { SmsProviderError, networkFailure, type LookupAnswer, type ProviderRecord, type ProviderRequest, type ProviderResult, type SmsProvider } from '../provider';
import { nationalNumber } from '../phone';
import { parseShanghaiTime } from '../receipts';
import { beijingDay } from '../../../calendar/beijing';

/** Codes worth retrying later: throttling and provider-side faults. */
export function isTransientAliyunCode(code: string): boolean {
  // Not isv.DAY_LIMIT_CONTROL / isv.MONTH_LIMIT_CONTROL: a spent daily or monthly quota does not come back in minutes.
  return /^(isv\.BUSINESS_LIMIT_CONTROL|Throttling(\..*)?|isp\.SYSTEM_ERROR|ServiceUnavailable|InternalError)$/.test(code);
}

/**
 * A send answered with a provider-side fault (isp.SYSTEM_ERROR, InternalError*, HTTP 5xx) may have been carried
 * out, and the API is not idempotent: the numbers stay in doubt and are looked up before anything is resent.
 */
export function mayHaveBeenAcceptedAliyun(code: string | undefined, statusCode?: number): boolean {
  return (code !== undefined && /^(isp\.SYSTEM_ERROR|InternalError.*)$/.test(code)) || (statusCode !== undefined && statusCode >= 500);
}

const REASONS: Record<string, string> = {
  'isv.SMS_TEMPLATE_ILLEGAL': '短信模板不存在或未审核通过，请在阿里云短信控制台核对模板',
  'isv.SMS_SIGNATURE_ILLEGAL': '短信签名不存在或未审核通过，请核对 SMS_SIGN_NAME',
  'isv.AMOUNT_NOT_ENOUGH': '阿里云账户余额不足，请充值后重试',
  'isv.OUT_OF_SERVICE': '阿里云短信业务停机（余额不足），请充值',
  'isv.MOBILE_NUMBER_ILLEGAL': '手机号格式错误',
  'isv.BUSINESS_LIMIT_CONTROL': '触发阿里云短信频率限制，稍后将自动重试',
  'isv.DAY_LIMIT_CONTROL': '已达阿里云短信的日发送上限（控制台设置），今天不再发送，请明天重试或在控制台调整上限',
  'isv.MONTH_LIMIT_CONTROL': '已达阿里云短信的月发送上限（控制台设置），请下月重试或在控制台调整上限',
  'isv.TEMPLATE_MISSING_PARAMETERS': '模板变量缺少对应参数值',
  'isv.INVALID_JSON_PARAM': '模板参数格式不正确',
};

export function aliyunReason(code: string, message?: string): string {
  return REASONS[code] ?? `阿里云短信返回 ${code}${message ? `：${message}` : ''}`;
}

interface AliyunSdk {
  client: Dysmsapi;
  runtime: RuntimeOptions;
  SendSmsRequest: typeof import('@alicloud/dysmsapi20170525').SendSmsRequest;
  SendBatchSmsRequest: typeof import('@alicloud/dysmsapi20170525').SendBatchSmsRequest;
  QuerySendDetailsRequest: typeof import('@alicloud/dysmsapi20170525').QuerySendDetailsRequest;
}

export class AliyunSmsProvider implements SmsProvider {
  readonly name = 'aliyun' as const;
  readonly maxSameParams = 1000;
  readonly maxMixedParams = 100;
  private loaded: AliyunSdk | undefined;
  private readonly connect: () => AliyunSdk;

  constructor(config: Config['sms'], options: { timeoutMs?: number } = {}) {
    const { accessKeyId, accessKeySecret } = config.aliyun;
    if (!accessKeyId || !accessKeySecret) throw new Error('Aliyun SMS needs ALIYUN_ACCESS_KEY_ID and ALIYUN_ACCESS_KEY_SECRET');
    const endpoint = config.endpoint ? new URL(config.endpoint) : undefined; // validated in config.ts: scheme://host[:port]
    const timeout = options.timeoutMs ?? 15_000;
    this.connect = () => {
      // The SDK (some 300 modules) is loaded on the first request, not at start: an idle service does not hold it.
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, not at start
      const api = require('@alicloud/dysmsapi20170525') as typeof import('@alicloud/dysmsapi20170525');
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, not at start
      const { Config: OpenApiConfig } = require('@alicloud/openapi-client') as typeof import('@alicloud/openapi-client');
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, not at start
      const { RuntimeOptions: Runtime } = require('@darabonba/typescript') as typeof import('@darabonba/typescript');
      return {
        client: new api.default(
          new OpenApiConfig({
            accessKeyId,
            accessKeySecret,
            endpoint: endpoint ? endpoint.host : 'dysmsapi.aliyuncs.com',
            protocol: endpoint ? endpoint.protocol.replace(':', '') : 'https',
          }),
        ),
        // No SDK-level retries: a retried send could text twice; the pipeline retries after reconciling.
        runtime: new Runtime({ autoretry: false, maxAttempts: 0, readTimeout: timeout, connectTimeout: Math.min(timeout, 5000) }),
        SendSmsRequest: api.SendSmsRequest,
        SendBatchSmsRequest: api.SendBatchSmsRequest,
        QuerySendDetailsRequest: api.QuerySendDetailsRequest,
      };
    };
  }

  private get sdk(): AliyunSdk {
    this.loaded ??= this.connect();
    return this.loaded;
  }

  async send(request: ProviderRequest): Promise<ProviderResult[]> {
    const { messages, template, signName, deliveryId } = request;
    const first = JSON.stringify(messages[0]?.values ?? {});
    const uniform = messages.every((m) => JSON.stringify(m.values) === first);
    const named = (values: Record<string, string>) => Object.fromEntries(template.params.map((p) => [p.name, values[p.name] ?? '']));
    let body: { code?: string; message?: string; bizId?: string; requestId?: string } | undefined;
    try {
      if (uniform) {
        const res = await this.sdk.client.sendSmsWithOptions(
          new this.sdk.SendSmsRequest({
            phoneNumbers: messages.map((m) => nationalNumber(m.phone)).join(','),
            signName,
            templateCode: template.aliyun,
            templateParam: JSON.stringify(named(messages[0]?.values ?? {})),
            outId: deliveryId,
          }),
          this.sdk.runtime,
        );
        body = res.body;
      } else {
        const res = await this.sdk.client.sendBatchSmsWithOptions(
          new this.sdk.SendBatchSmsRequest({
            phoneNumberJson: JSON.stringify(messages.map((m) => nationalNumber(m.phone))),
            signNameJson: JSON.stringify(messages.map(() => signName)),
            templateCode: template.aliyun,
            templateParamJson: JSON.stringify(messages.map((m) => named(m.values))),
            outId: deliveryId,
          }),
          this.sdk.runtime,
        );
        body = res.body;
      }
    } catch (err) {
      throw this.failure(err);
    }
    const code = body?.code ?? 'missing_code';
    if (code !== 'OK') {
      throw new SmsProviderError(aliyunReason(code, body?.message), code, isTransientAliyunCode(code), mayHaveBeenAcceptedAliyun(code), body?.requestId);
    }
    return messages.map((m) => ({ phone: m.phone, ok: true, providerMessageId: body?.bizId, requestId: body?.requestId }));
  }

  /** QuerySendDetails per number and Beijing day (from the hand-off day to `until`'s), 50 a page, five at a time. */
  async lookup(_deliveryId: string, items: Array<{ phone: string; since: Date }>, until: Date): Promise<Map<string, LookupAnswer>> {
    const out = new Map<string, LookupAnswer>();
    const queue = [...items];
    const worker = async () => {
      for (let item = queue.shift(); item; item = queue.shift()) {
        // QuerySendDetails' SendDate is YYYYMMDD in Beijing time.
        const days = [...new Set([item.since, until].map((at) => beijingDay(at).replace(/-/g, '')))];
        const query = `QuerySendDetails ${days.join('、')}`;
        try {
          const records: ProviderRecord[] = [];
          let complete = true;
          for (const sendDate of days) {
            const res = await this.sdk.client.querySendDetailsWithOptions(
              new this.sdk.QuerySendDetailsRequest({ phoneNumber: nationalNumber(item.phone), sendDate, pageSize: 50, currentPage: 1 }),
              this.sdk.runtime,
            );
            if (res.body?.code !== 'OK') throw new SmsProviderError(aliyunReason(res.body?.code ?? 'missing_code', res.body?.message), res.body?.code ?? 'missing_code', true);
            const page = res.body?.smsSendDetailDTOs?.smsSendDetailDTO ?? [];
            if (Number(res.body?.totalCount ?? page.length) > page.length) complete = false;
            for (const d of page) {
              records.push({
                tag: d.outId || undefined,
                at: d.sendDate ? parseShanghaiTime(d.sendDate, until) : undefined,
                // SendStatus: 1 waiting for the receipt, 2 failed, 3 delivered.
                status: d.sendStatus === 3 ? 'delivered' : d.sendStatus === 2 ? 'failed' : 'sent',
                errorCode: d.sendStatus === 2 ? d.errCode : undefined,
              });
            }
          }
          out.set(item.phone, { ok: true, records, complete, query });
        } catch (err) {
          out.set(item.phone, { ok: false, query, error: err instanceof SmsProviderError ? err.message : this.failure(err).message });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(5, items.length) }, worker));
    return out;
  }

  private failure(err: unknown): SmsProviderError {
    const e = err as { code?: string; statusCode?: number; message?: string; data?: { Code?: string; Message?: string; RequestId?: string } };
    const code = e.data?.Code ?? e.code;
    if (e.statusCode && code) {
      const accepted = mayHaveBeenAcceptedAliyun(code, e.statusCode);
      return new SmsProviderError(aliyunReason(code, e.data?.Message ?? e.message), code, isTransientAliyunCode(code) || accepted, accepted, e.data?.RequestId);
    }
    if (e.statusCode) {
      const accepted = mayHaveBeenAcceptedAliyun(undefined, e.statusCode);
      return new SmsProviderError(`阿里云短信接口返回 HTTP ${e.statusCode}`, `HTTP_${e.statusCode}`, accepted || e.statusCode === 429, accepted, e.data?.RequestId);
    }
    return networkFailure(err, '阿里云');
  }
}


