/**
 * A fake Alibaba Cloud SMS API (dysmsapi, version 2017-05-25) as the official SDK v4 calls it: POST / with the
 * action in `x-acs-action`, an `ACS3-HMAC-SHA256` authorization, fields as query parameters (SendBatchSms puts
 * its JSON lists in a form body), JSON answers `{Code, Message, BizId, RequestId}`. SendSms, SendBatchSms,
 * QuerySendDetails.
 */
import { createHash, randomUUID } from 'node:crypto';
import { sendJson, shanghai, startFakeServer, type FakeHandle, type RecordedRequest, type RequestContext } from './http';

const AUTH_SHAPE = /^ACS3-HMAC-SHA256 Credential=[^,\s]+,SignedHeaders=[a-z0-9;-]+,Signature=[0-9a-f]{64}$/;
const MAINLAND = /^(?:\+?86|0086)?(1[3-9]\d{9})$/;

export interface AliyunSend {
  phone: string;
  templateCode: string;
  params: Record<string, string>;
  signName: string;
  outId?: string;
  bizId: string;
  at: number;
  action: 'SendSms' | 'SendBatchSms';
}

export interface FakeAliyunSmsState {
  requests: RecordedRequest[];
  /** Send requests that reached the handler (not injected failures). */
  sendRequests: number;
  numbers: string[];
  sends: AliyunSend[];
  maxNumbersPerRequest: number;
}

export interface FakeAliyunSmsControls {
  /** Refuse SendSms with more numbers than this (the real limit is 1000; SendBatchSms is capped at 100). */
  setMaxNumbers(n: number): void;
  /** POST SmsReport receipts for every accepted message to `url`; numbers in `failed` report success:false. */
  pushReceipts(url: string, failed?: string[]): Promise<{ status: number; body: string }>;
}

export type FakeAliyunSms = FakeHandle<FakeAliyunSmsState, FakeAliyunSmsControls>;

function answer(ctx: RequestContext, code: string, message: string, extra: Record<string, unknown> = {}, status = 200): void {
  sendJson(ctx.res, status, { Code: code, Message: message, RequestId: randomUUID(), ...extra });
}


export async function startFakeAliyunSms(options: { port?: number; maxNumbersPerRequest?: number } = {}): Promise<FakeAliyunSms> {
  const state: FakeAliyunSmsState = { requests: [], sendRequests: 0, numbers: [], sends: [], maxNumbersPerRequest: options.maxNumbersPerRequest ?? 1000 };
  let seq = 0;
  const controls: FakeAliyunSmsControls = {
    setMaxNumbers(n) {
      state.maxNumbersPerRequest = n;
    },
    async pushReceipts(url, failed = []) {
      const body = state.sends.map((s) => ({
        phone_number: s.phone,
        send_time: shanghai(s.at),
        report_time: shanghai(s.at + 3000),
        success: !failed.includes(s.phone),
        err_code: failed.includes(s.phone) ? 'MN:0001' : 'DELIVERED',
        err_msg: failed.includes(s.phone) ? '用户关机' : '用户接收成功',
        sms_size: '1',
        biz_id: s.bizId,
        out_id: s.outId ?? '',
      }));
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, body: await res.text() };
    },
  };

  return startFakeServer({
    port: options.port,
    state,
    controls,
    matchKeyOf: (req) => String(req.headers['x-acs-action'] ?? ''),
    handle(ctx) {
      if (ctx.req.method !== 'POST' || ctx.path !== '/') return answer(ctx, 'InvalidAction.NotFound', 'only POST / is served', {}, 404);
      const auth = String(ctx.req.headers.authorization ?? '');
      if (!AUTH_SHAPE.test(auth)) return answer(ctx, 'IncompleteSignature', 'The request signature does not conform to Aliyun standards.', {}, 400);
      if (ctx.req.headers['x-acs-version'] !== '2017-05-25') return answer(ctx, 'InvalidVersion', 'Specified parameter Version is not valid.', {}, 400);
      const sha = createHash('sha256').update(ctx.body).digest('hex');
      if (ctx.req.headers['x-acs-content-sha256'] !== sha) return answer(ctx, 'SignatureDoesNotMatch', 'x-acs-content-sha256 does not match the body', {}, 400);
      const form = Object.fromEntries(new URLSearchParams(ctx.body.toString('utf8')).entries());
      const fields = { ...form, ...ctx.query };
      const action = String(ctx.req.headers['x-acs-action'] ?? '');
      if (action === 'SendSms') return sendSms(ctx, fields);
      if (action === 'SendBatchSms') return sendBatch(ctx, fields);
      if (action === 'QuerySendDetails') return query(ctx, fields);
      answer(ctx, 'InvalidAction.NotFound', `Specified api ${action} is not found.`, {}, 404);
    },
    failureResponder(ctx, spec) {
      answer(ctx, String(spec.code ?? 'isp.SYSTEM_ERROR'), spec.message ?? '系统错误');
    },
  });

  function accept(ctx: RequestContext, action: AliyunSend['action'], items: Array<{ phone: string; params: Record<string, string>; signName: string }>, templateCode: string, outId?: string) {
    state.sendRequests += 1;
    const bizId = `${900000 + ++seq}^${Date.now()}`;
    const now = Date.now();
    for (const it of items) {
      state.numbers.push(it.phone);
      state.sends.push({ phone: it.phone, templateCode, params: it.params, signName: it.signName, outId, bizId, at: now, action });
    }
    answer(ctx, 'OK', 'OK', { BizId: bizId });
  }

  function parseJson<T>(text: string | undefined): T | undefined {
    try {
      return text === undefined ? undefined : (JSON.parse(text) as T);
    } catch {
      return undefined;
    }
  }

  function sendSms(ctx: RequestContext, f: Record<string, string>): void {
    if (!f.PhoneNumbers) return answer(ctx, 'MissingPhoneNumbers', 'PhoneNumbers is mandatory for this action.', {}, 400);
    if (!f.SignName) return answer(ctx, 'MissingSignName', 'SignName is mandatory for this action.', {}, 400);
    if (!f.TemplateCode) return answer(ctx, 'MissingTemplateCode', 'TemplateCode is mandatory for this action.', {}, 400);
    const phones = f.PhoneNumbers.split(',');
    if (phones.length > Math.min(1000, state.maxNumbersPerRequest)) return answer(ctx, 'isv.MOBILE_COUNT_OVER_LIMIT', '手机号码数量超过限制');
    if (phones.some((p) => !MAINLAND.test(p))) return answer(ctx, 'isv.MOBILE_NUMBER_ILLEGAL', '非法手机号');
    const params = f.TemplateParam ? parseJson<Record<string, string>>(f.TemplateParam) : {};
    if (!params) return answer(ctx, 'isv.INVALID_JSON_PARAM', 'JSON参数不合法，只接受字符串值');
    accept(ctx, 'SendSms', phones.map((p) => ({ phone: MAINLAND.exec(p)![1], params, signName: f.SignName })), f.TemplateCode, f.OutId);
  }

  function sendBatch(ctx: RequestContext, f: Record<string, string>): void {
    const phones = parseJson<string[]>(f.PhoneNumberJson);
    const signs = parseJson<string[]>(f.SignNameJson);
    const params = f.TemplateParamJson ? parseJson<Array<Record<string, string>>>(f.TemplateParamJson) : [];
    if (!phones || !signs || !params) return answer(ctx, 'isv.INVALID_JSON_PARAM', 'JSON参数不合法，只接受字符串值');
    if (!f.TemplateCode) return answer(ctx, 'MissingTemplateCode', 'TemplateCode is mandatory for this action.', {}, 400);
    if (phones.length > Math.min(100, state.maxNumbersPerRequest)) return answer(ctx, 'isv.MOBILE_COUNT_OVER_LIMIT', '手机号码数量超过限制');
    if (signs.length !== phones.length || (params.length && params.length !== phones.length)) return answer(ctx, 'isv.INVALID_PARAMETERS', '参数异常：列表长度不一致');
    if (phones.some((p) => !MAINLAND.test(p))) return answer(ctx, 'isv.MOBILE_NUMBER_ILLEGAL', '非法手机号');
    accept(ctx, 'SendBatchSms', phones.map((p, i) => ({ phone: MAINLAND.exec(p)![1], params: params[i] ?? {}, signName: signs[i] })), f.TemplateCode, f.OutId);
  }

  function query(ctx: RequestContext, f: Record<string, string>): void {
    if (!f.PhoneNumber || !f.SendDate || !f.PageSize || !f.CurrentPage) return answer(ctx, 'isv.INVALID_PARAMETERS', '参数异常', {}, 400);
    const phone = MAINLAND.exec(f.PhoneNumber)?.[1];
    const pageSize = Math.min(50, Number(f.PageSize));
    const matching = state.sends.filter(
      (s) => s.phone === phone && shanghai(s.at).slice(0, 10).replace(/-/g, '') === f.SendDate && (!f.BizId || s.bizId === f.BizId),
    );
    const page = matching.slice((Number(f.CurrentPage) - 1) * pageSize, Number(f.CurrentPage) * pageSize);
    answer(ctx, 'OK', 'OK', {
      TotalCount: String(matching.length),
      SmsSendDetailDTOs: {
        SmsSendDetailDTO: page.map((s) => ({
          PhoneNum: s.phone,
          SendStatus: 3,
          ErrCode: 'DELIVERED',
          TemplateCode: s.templateCode,
          Content: `【${s.signName}】${JSON.stringify(s.params)}`,
          SendDate: shanghai(s.at),
          ReceiveDate: shanghai(s.at + 3000),
          OutId: s.outId ?? '',
        })),
      },
    });
  }
}
