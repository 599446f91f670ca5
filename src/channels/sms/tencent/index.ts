/**
 * Tencent Cloud SMS (SendSms, API 2021-01-11) through the official SDK. One request carries up to 200 numbers
 * sharing one TemplateParamSet (values in template order); the delivery id rides in SessionContext and comes
 * back in receipts. Tencent has no per-number parameters in one request, so personal values (RSVP links) mean
 * one request per distinct value set. An unanswered send is looked up with PullSmsSendStatusByPhoneNumber (the
 * number's messages since the hand-off; at most 20 calls a second). SessionContext is echoed there only when Tencent
 * enables it for the account, so the channel matches untagged records by time and by SerialNo (see channel.ts).
 */
import type { sms } from 'tencentcloud-sdk-nodejs-sms';
import type { Config } from '../../../config';
import { beijingDayStart } from '../../../calendar/beijing';
import { SmsProviderError, networkFailure, type LookupAnswer, type ProviderRecord, type ProviderRequest, type ProviderResult, type SmsProvider } from '../provider';

type Client = InstanceType<typeof sms.v20210111.Client>;
type ClientOptions = ConstructorParameters<typeof sms.v20210111.Client>[0];

/** Request-level codes worth retrying later (throttling, provider-side faults). */
export function isTransientTencentCode(code: string): boolean {
  if (code === 'LimitExceeded.PhoneNumberCountLimit') return false; // our request is too big: retrying cannot help
  // A daily quota (the app's, the account's, or one number's) is spent: retrying within minutes cannot help.
  if (/^LimitExceeded\..*DailyLimit$/.test(code)) return false;
  return /^(InternalError|RequestLimitExceeded|LimitExceeded)(\.|$)/.test(code) || code === 'FailedOperation.FailResolvePacket' || code === 'ResourceUnavailable';
}

/**
 * A SendSms answered with a provider-side fault (InternalError.*, e.g. InternalError.Timeout, or HTTP 5xx) may have
 * been carried out: the numbers stay in doubt instead of being resent.
 */
export function mayHaveBeenAcceptedTencent(code: string | undefined, httpCode?: number): boolean {
  return (code !== undefined && /^InternalError(\.|$)/.test(code)) || (httpCode !== undefined && httpCode >= 500);
}

const REASONS: Record<string, string> = {
  'FailedOperation.TemplateIncorrectOrUnapproved': '短信模板未审核通过或内容不匹配，请在腾讯云短信控制台核对模板',
  'FailedOperation.SignatureIncorrectOrUnapproved': '短信签名未审核通过或格式错误，请核对 SMS_SIGN_NAME',
  'FailedOperation.InsufficientBalanceInSmsPackage': '腾讯云短信套餐包余量不足，请充值后重试',
  'FailedOperation.PhoneNumberInBlacklist': '号码在运营商免打扰名单中（通常是用户退订）',
  'InvalidParameterValue.IncorrectPhoneNumber': '手机号格式错误',
  'UnauthorizedOperation.SmsSdkAppIdVerifyFail': 'SmsSdkAppId 校验失败，请核对 TENCENT_SMS_APP_ID',
  'UnauthorizedOperation.RequestIpNotInWhitelist': '服务器 IP 不在腾讯云短信白名单中',
  'LimitExceeded.PhoneNumberThirtySecondLimit': '该号码 30 秒内发送过短信，触发频率限制',
  'LimitExceeded.PhoneNumberDailyLimit': '该号码当日短信条数已达上限',
  'LimitExceeded.PhoneNumberOneHourLimit': '该号码 1 小时内短信条数已达上限',
  'LimitExceeded.AppDailyLimit': '腾讯云短信应用的日发送量已达上限（控制台设置），今天不再发送，请明天重试或在控制台调整上限',
  'LimitExceeded.DailyLimit': '腾讯云短信日发送量已达上限，今天不再发送，请明天重试或在控制台调整上限',
  'LimitExceeded.AppMainlandChinaDailyLimit': '腾讯云短信应用的国内短信日发送量已达上限，今天不再发送，请明天重试或在控制台调整上限',
  'LimitExceeded.AppGlobalDailyLimit': '腾讯云短信应用的国际短信日发送量已达上限，今天不再发送',
  'LimitExceeded.PhoneNumberSameContentDailyLimit': '该号码当日相同内容短信已达上限',
  'AuthFailure.SecretIdNotFound': '腾讯云密钥不存在，请核对 TENCENT_SECRET_ID',
  'AuthFailure.SignatureFailure': '腾讯云密钥签名错误，请核对 TENCENT_SECRET_KEY',
};

export function tencentReason(code: string, message?: string): string {
  return REASONS[code] ?? (code.startsWith('UnauthorizedOperation') ? `腾讯云短信无权限（${code}）` : `腾讯云短信返回 ${code}${message ? `：${message}` : ''}`);
}

const LOOKUP_LIMIT = 100;

/** Runs `work` for each item, starting at most `perSecond` a second (the provider's query rate limit). */
async function paced<T>(items: T[], perSecond: number, work: (item: T) => Promise<void>): Promise<void> {
  const gap = 1000 / perSecond;
  let next = Date.now();
  const running: Promise<void>[] = [];
  for (const item of items) {
    const wait = next - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    next = Math.max(next, Date.now()) + gap;
    running.push(work(item));
  }
  await Promise.all(running);
}

export class TencentSmsProvider implements SmsProvider {
  readonly name = 'tencent' as const;
  readonly maxSameParams = 200;
  readonly maxMixedParams = 1;
  private sdkClient: Client | undefined;
  private readonly clientOptions: ClientOptions;
  private readonly appId: string;

  constructor(config: Config['sms'], options: { timeoutSeconds?: number } = {}) {
    const { secretId, secretKey, appId, region } = config.tencent;
    if (!secretId || !secretKey || !appId) throw new Error('Tencent SMS needs TENCENT_SECRET_ID, TENCENT_SECRET_KEY and TENCENT_SMS_APP_ID');
    this.appId = appId;
    const endpoint = config.endpoint ? new URL(config.endpoint) : undefined; // validated in config.ts: scheme://host[:port]
    this.clientOptions = {
      credential: { secretId, secretKey },
      region,
      profile: {
        httpProfile: {
          reqTimeout: options.timeoutSeconds ?? 15,
          ...(endpoint ? { endpoint: endpoint.host, protocol: `${endpoint.protocol}//` } : {}),
        },
      },
    };
  }

  /** The SDK is loaded on the first request, not at start: an idle service (or one texting nobody) does not hold it. */
  private get client(): Client {
    if (!this.sdkClient) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, not at start
      const { sms: sdk } = require('tencentcloud-sdk-nodejs-sms') as typeof import('tencentcloud-sdk-nodejs-sms');
      this.sdkClient = new sdk.v20210111.Client(this.clientOptions);
    }
    return this.sdkClient;
  }

  async send(request: ProviderRequest): Promise<ProviderResult[]> {
    const values = request.messages[0]?.values ?? {};
    let response: Awaited<ReturnType<Client['SendSms']>>;
    try {
      response = await this.client.SendSms({
        PhoneNumberSet: request.messages.map((m) => m.phone),
        SmsSdkAppId: this.appId,
        TemplateId: request.template.tencent,
        SignName: request.signName,
        TemplateParamSet: request.template.params.map((p) => values[p.name] ?? ''),
        SessionContext: request.deliveryId,
      });
    } catch (err) {
      const e = err as { code?: string; httpCode?: number; message?: string; requestId?: string };
      const requestId = e.requestId || undefined;
      if (e.code) {
        throw new SmsProviderError(tencentReason(e.code, e.message), e.code, isTransientTencentCode(e.code), mayHaveBeenAcceptedTencent(e.code, e.httpCode), requestId);
      }
      if (e.httpCode) {
        const accepted = mayHaveBeenAcceptedTencent(undefined, e.httpCode);
        throw new SmsProviderError(`腾讯云短信接口返回 HTTP ${e.httpCode}`, `HTTP_${e.httpCode}`, accepted || e.httpCode === 429, accepted, requestId);
      }
      throw networkFailure(err, '腾讯云');
    }
    const byPhone = new Map((response.SendStatusSet ?? []).map((s) => [s.PhoneNumber ?? '', s]));
    const requestId = response.RequestId;
    return request.messages.map((m) => {
      const s = byPhone.get(m.phone);
      if (!s) return { phone: m.phone, ok: false, requestId, code: 'missing_status', message: '腾讯云未返回该号码的发送状态' };
      return s.Code === 'Ok'
        ? { phone: m.phone, ok: true, requestId, providerMessageId: s.SerialNo }
        : { phone: m.phone, ok: false, requestId, code: s.Code, message: tencentReason(s.Code ?? '', s.Message) };
    });
  }

  /** Per-number frequency limits Tencent applies (console-configurable): the number waits, it is not dropped. */
  frequencyLimit(code: string, now: Date): Date | undefined {
    if (code === 'LimitExceeded.PhoneNumberThirtySecondLimit') return new Date(now.getTime() + 30_000);
    if (code === 'LimitExceeded.PhoneNumberOneHourLimit') return new Date(now.getTime() + 3_600_000);
    if (code === 'LimitExceeded.PhoneNumberDailyLimit' || code === 'LimitExceeded.PhoneNumberSameContentDailyLimit') {
      return new Date(beijingDayStart(now).getTime() + 86_400_000);
    }
    return undefined;
  }

  async lookup(_deliveryId: string, items: Array<{ phone: string; since: Date }>, until: Date): Promise<Map<string, LookupAnswer>> {
    const out = new Map<string, LookupAnswer>();
    const end = Math.ceil(until.getTime() / 1000);
    await paced(items, 18, async (item) => {
      // A minute of slack before the hand-off: the provider's clock and ours differ a little.
      const begin = Math.floor(item.since.getTime() / 1000) - 60;
      const query = `PullSmsSendStatusByPhoneNumber ${new Date(begin * 1000).toISOString()}–${new Date(end * 1000).toISOString()}`;
      try {
        const res = await this.client.PullSmsSendStatusByPhoneNumber({ BeginTime: begin, EndTime: end, Offset: 0, Limit: LOOKUP_LIMIT, PhoneNumber: item.phone, SmsSdkAppId: this.appId });
        const records: ProviderRecord[] = (res.PullSmsSendStatusSet ?? []).map((r) => ({
          providerMessageId: r.SerialNo,
          tag: r.SessionContext || undefined,
          at: r.UserReceiveTime ? new Date(r.UserReceiveTime * 1000) : undefined,
          status: r.ReportStatus === 'SUCCESS' ? 'delivered' : r.ReportStatus === 'FAIL' ? 'failed' : 'sent',
          errorCode: r.ReportStatus === 'FAIL' ? r.Description : undefined,
        }));
        out.set(item.phone, { ok: true, records, complete: records.length < LOOKUP_LIMIT, query });
      } catch (err) {
        const e = err as { code?: string; message?: string };
        out.set(item.phone, { ok: false, query, error: e.code ? tencentReason(e.code, e.message) : networkFailure(err, '腾讯云').message });
      }
    });
    return out;
  }
}
