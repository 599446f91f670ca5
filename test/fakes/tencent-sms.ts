/**
 * A fake Tencent Cloud SMS API (sms.tencentcloudapi.com, version 2021-01-11): POST / with JSON, the action in
 * `X-TC-Action`, a TC3-HMAC-SHA256 `Authorization` header (shape checked; the SDK signs with the wrong service
 * name for a non-Tencent host, so the value cannot be verified), answers wrapped in `{Response:{…}}`.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { sendJson, shanghai, startFakeServer, type FakeHandle, type RecordedRequest, type RequestContext } from './http';

const AUTH_SHAPE = /^TC3-HMAC-SHA256 Credential=[^/\s]+\/\d{4}-\d{2}-\d{2}\/[^/\s]+\/tc3_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$/;

export interface TencentSend {
  phone: string;
  templateId: string;
  params: string[];
  signName: string;
  sessionContext?: string;
  serialNo: string;
  code: string;
  at: number;
}

export interface FakeTencentSmsState {
  requests: RecordedRequest[];
  /** SendSms requests that reached the handler (not injected failures). */
  sendRequests: number;
  /** Every phone number received in a SendSms request, in order (including per-number failures). */
  numbers: string[];
  /** Accepted messages (Code "Ok"). */
  sends: TencentSend[];
  maxNumbersPerRequest: number;
  /** Per-number failure codes (E.164 → Code). */
  numberFailures: Map<string, string>;
  /** Request-level error codes for any SendSms carrying the number (E.164 → Code). */
  requestFailures: Map<string, string>;
}

export interface FakeTencentSmsControls {
  /** Refuse requests with more numbers than this (the real limit is 200). */
  setMaxNumbers(n: number): void;
  /** Make SendStatusSet report this Code for the number (e.g. "LimitExceeded.PhoneNumberDailyLimit"). */
  failNumber(phone: string, code: string): void;
  /** Refuse every SendSms request carrying this number with a request-level `Code` (null: stop refusing). */
  failRequestsWith(phone: string, code: string | null): void;
  /** POST receipts (Tencent's JSON array) for every accepted message to `url`; numbers in `failed` report FAIL. */
  pushReceipts(url: string, failed?: string[]): Promise<{ status: number; body: string }>;
}

export type FakeTencentSms = FakeHandle<FakeTencentSmsState, FakeTencentSmsControls>;

function error(ctx: RequestContext, code: string, message: string): void {
  sendJson(ctx.res, 200, { Response: { Error: { Code: code, Message: message }, RequestId: randomUUID() } });
}

export async function startFakeTencentSms(
  options: { port?: number; maxNumbersPerRequest?: number; /** Echo SessionContext in pulled statuses (Tencent enables it on request). */ echoSessionContext?: boolean } = {},
): Promise<FakeTencentSms> {
  const state: FakeTencentSmsState = {
    requests: [],
    sendRequests: 0,
    numbers: [],
    sends: [],
    maxNumbersPerRequest: options.maxNumbersPerRequest ?? 200,
    numberFailures: new Map(),
    requestFailures: new Map(),
  };
  const controls: FakeTencentSmsControls = {
    setMaxNumbers(n) {
      state.maxNumbersPerRequest = n;
    },
    failNumber(phone, code) {
      state.numberFailures.set(phone, code);
    },
    failRequestsWith(phone, code) {
      if (code) state.requestFailures.set(phone, code);
      else state.requestFailures.delete(phone);
    },
    async pushReceipts(url, failed = []) {
      const body = state.sends.map((s) => ({
        user_receive_time: shanghai(s.at + 2000), // Beijing time, as Tencent reports it
        nationcode: '86',
        mobile: s.phone.replace(/^\+86/, ''),
        report_status: failed.includes(s.phone) ? 'FAIL' : 'SUCCESS',
        errmsg: failed.includes(s.phone) ? 'MN:0001' : 'DELIVRD',
        description: failed.includes(s.phone) ? '用户关机' : '用户短信送达成功',
        sid: s.serialNo,
        ext: { ...(s.sessionContext ? { context: s.sessionContext } : {}) },
      }));
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, body: await res.text() };
    },
  };

  return startFakeServer({
    port: options.port,
    state,
    controls,
    matchKeyOf: (req) => String(req.headers['x-tc-action'] ?? ''),
    handle(ctx) {
      if (ctx.req.method !== 'POST' || ctx.path !== '/') return error(ctx, 'InvalidAction', 'only POST / is served');
      const auth = String(ctx.req.headers.authorization ?? '');
      if (!AUTH_SHAPE.test(auth)) return error(ctx, 'AuthFailure.InvalidAuthorization', 'Authorization 不符合腾讯云标准。');
      const action = String(ctx.req.headers['x-tc-action'] ?? '');
      if (ctx.req.headers['x-tc-version'] !== '2021-01-11') return error(ctx, 'NoSuchVersion', 'The API version does not exist.');
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(ctx.body.toString('utf8')) as Record<string, unknown>;
      } catch {
        return error(ctx, 'FailedOperation.FailResolvePacket', '请求包解析失败');
      }
      if (action === 'SendSms') return sendSms(ctx, body);
      if (action === 'PullSmsSendStatus') return sendJson(ctx.res, 200, { Response: { PullSmsSendStatusSet: [], RequestId: randomUUID() } });
      if (action === 'PullSmsSendStatusByPhoneNumber') return pullByPhone(ctx, body);
      return error(ctx, 'InvalidAction', `action ${action} is not supported by the fake`);
    },
    failureResponder(ctx, spec) {
      error(ctx, String(spec.code ?? 'InternalError.OtherError'), spec.message ?? '其他错误');
    },
  });

  /**
   * PullSmsSendStatusByPhoneNumber (2021-01-11): BeginTime/EndTime in Unix seconds, Offset fixed at 0, Limit ≤ 100,
   * PhoneNumber in E.164. Every accepted message of the number in the window, oldest first, as PullSmsSendStatus.
   */
  function pullByPhone(ctx: RequestContext, body: Record<string, unknown>): void {
    for (const k of ['BeginTime', 'Offset', 'Limit', 'PhoneNumber', 'SmsSdkAppId']) {
      if (body[k] === undefined || body[k] === '') return error(ctx, 'MissingParameter', `${k} is required`);
    }
    const begin = Number(body.BeginTime) * 1000;
    const end = body.EndTime === undefined ? Infinity : Number(body.EndTime) * 1000 + 999;
    const limit = Number(body.Limit);
    if (!(limit >= 1 && limit <= 100)) return error(ctx, 'InvalidParameterValue.InvalidLimit', 'Limit 取值 1–100');
    if (Date.now() - begin > 7 * 86_400_000) return error(ctx, 'InvalidParameterValue.InvalidStartTime', '最大可拉取当前时期前7天的数据');
    const set = state.sends
      .filter((s) => s.phone === body.PhoneNumber && s.at >= begin && s.at <= end)
      .slice(0, limit)
      .map((s) => ({
        UserReceiveTime: Math.floor((s.at + 2000) / 1000),
        CountryCode: '86',
        SubscriberNumber: s.phone.replace(/^\+86/, ''),
        PhoneNumber: s.phone,
        SerialNo: s.serialNo,
        ReportStatus: 'SUCCESS',
        Description: 'DELIVRD',
        SessionContext: options.echoSessionContext ? (s.sessionContext ?? '') : '',
      }));
    sendJson(ctx.res, 200, { Response: { PullSmsSendStatusSet: set, RequestId: randomUUID() } });
  }

  function sendSms(ctx: RequestContext, body: Record<string, unknown>): void {
    const phones = body.PhoneNumberSet;
    if (!Array.isArray(phones) || phones.length === 0) return error(ctx, 'MissingParameter', 'PhoneNumberSet is required');
    if (!body.SmsSdkAppId) return error(ctx, 'MissingParameter', 'SmsSdkAppId is required');
    if (!body.TemplateId) return error(ctx, 'MissingParameter', 'TemplateId is required');
    if (!body.SignName) return error(ctx, 'MissingParameter', 'SignName is required for mainland numbers');
    if (phones.length > Math.min(200, state.maxNumbersPerRequest)) {
      return error(ctx, 'LimitExceeded.PhoneNumberCountLimit', `单次提交的手机号个数超过${Math.min(200, state.maxNumbersPerRequest)}个`);
    }
    const refused = (phones as unknown[]).map((p) => state.requestFailures.get(String(p))).find(Boolean);
    if (refused) return error(ctx, refused, '请求被拒绝（测试注入）');
    const params = Array.isArray(body.TemplateParamSet) ? (body.TemplateParamSet as unknown[]).map(String) : [];
    if (params.some((p) => [...p].length > 12 * 100)) return error(ctx, 'InvalidParameterValue.TemplateParameterLengthLimit', '单个模板变量字符数超过限制');
    state.sendRequests += 1;
    const now = Date.now();
    const set = (phones as unknown[]).map(String).map((phone) => {
      state.numbers.push(phone);
      const failure = /^\+86 ?1[3-9]\d{9}$/.test(phone) ? state.numberFailures.get(phone) : 'InvalidParameterValue.IncorrectPhoneNumber';
      const serialNo = `${Math.floor(now / 1000)}:${randomBytes(8).toString('hex')}`;
      if (!failure) {
        state.sends.push({
          phone,
          templateId: String(body.TemplateId),
          params,
          signName: String(body.SignName),
          sessionContext: body.SessionContext ? String(body.SessionContext) : undefined,
          serialNo,
          code: 'Ok',
          at: now,
        });
      }
      return {
        SerialNo: failure ? '' : serialNo,
        PhoneNumber: phone,
        Fee: failure ? 0 : 1,
        SessionContext: body.SessionContext ? String(body.SessionContext) : '',
        Code: failure ?? 'Ok',
        Message: failure ? '发送失败' : 'send success',
        IsoCode: 'CN',
      };
    });
    sendJson(ctx.res, 200, { Response: { SendStatusSet: set, RequestId: randomUUID() } });
  }
}
