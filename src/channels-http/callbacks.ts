/**
 * Provider pushes: delivery receipts and inbound replies, one route per provider, each answering exactly what
 * its provider expects. Neither Tencent nor Aliyun signs these HTTP pushes (their documented formats carry no
 * signature; Aliyun's only authenticated alternative is pulling from its MNS queue), so the callback URL carries
 * a shared secret (`?token=SMS_RECEIPT_TOKEN`): with the variable set, a push without it gets 401; unset, the
 * callbacks are refused in production (start-up already refuses a real provider without it) and open only in
 * development and tests. A "TD" reply opts a number out only if that provider texted it for us. Bodies are
 * accepted with unknown fields (providers add fields over time) but every field we read is validated.
 */
import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { UnauthorizedError } from '../errors';
import { ApiRouter } from '../http/api-router';
import type { Services } from '../module';
import { addOptOut, applyReceipts, isOptOutReply, normalizeChinaMobile, parseShanghaiTime, wasTextedBy, type Receipt } from '../channels/sms';

const tokenQuery = z.object({ token: z.string().max(200).optional() });

const tencentReceipt = z.looseObject({
  user_receive_time: z.string().optional(),
  nationcode: z.string().optional(),
  mobile: z.string(),
  report_status: z.enum(['SUCCESS', 'FAIL']),
  errmsg: z.string().optional(),
  description: z.string().optional(),
  sid: z.string(),
});
const aliyunReceipt = z.looseObject({
  phone_number: z.string(),
  send_time: z.string().optional(),
  report_time: z.string().optional(),
  success: z.union([z.boolean(), z.enum(['true', 'false'])]),
  err_code: z.string().optional(),
  err_msg: z.string().optional(),
  biz_id: z.string().optional(),
  out_id: z.string().optional(),
});
const tencentReply = z.looseObject({ mobile: z.string(), nationcode: z.string().optional(), text: z.string(), time: z.number().optional(), sign: z.string().optional() });
const aliyunReply = z.looseObject({ phone_number: z.string(), content: z.string(), send_time: z.string().optional(), sign_name: z.string().optional() });

const TENCENT_OK = { result: 0, errmsg: 'OK' };
const ALIYUN_OK = { code: 0, msg: '接收成功' };

export function callbackRoutes(services: Services): ApiRouter {
  const { config, clock, events, logger } = services;
  const log = logger.child({ component: 'sms-callbacks' });
  const checkToken = (given: string | undefined) => {
    const expected = config.sms.receiptToken;
    if (!expected) {
      if (config.env === 'production') throw new UnauthorizedError('短信回调未配置令牌（SMS_RECEIPT_TOKEN）', 'callback_token_not_configured');
      return;
    }
    const a = Buffer.from(given ?? '');
    const b = Buffer.from(expected);
    if (a.length !== b.length || !timingSafeEqual(a, b)) throw new UnauthorizedError('回调令牌无效', 'invalid_callback_token');
  };
  const optOut = async (provider: 'tencent' | 'aliyun', phone: string, text: string) => {
    const e164 = normalizeChinaMobile(phone);
    if (!e164 || !isOptOutReply(text)) return false;
    if (!(await wasTextedBy(provider, e164))) {
      log.warn({ provider }, 'opt-out reply from a number we never texted: ignored');
      return false;
    }
    return addOptOut(events, e164, { source: 'reply', note: text.slice(0, 100) }, clock.now());
  };
  const router = new ApiRouter();

  router.add({
    method: 'post',
    path: '/api/callbacks/sms/tencent',
    summary: 'Tencent Cloud SMS delivery receipts (JSON array); answers {"result":0,"errmsg":"OK"}',
    tags: ['callbacks'],
    access: 'public',
    query: tokenQuery,
    body: z.array(tencentReceipt).max(10_000),
    handler: async (_ctx, { query, body }) => {
      checkToken(query.token);
      const now = clock.now();
      const receipts: Receipt[] = body.map((r) => ({
        provider: 'tencent',
        phone: r.mobile,
        delivered: r.report_status === 'SUCCESS',
        providerMessageId: r.sid,
        errorCode: r.report_status === 'SUCCESS' ? undefined : r.errmsg,
        errorMessage: r.report_status === 'SUCCESS' ? undefined : r.description,
        receivedAt: parseShanghaiTime(r.user_receive_time, now),
      }));
      log.info(await applyReceipts(events, receipts), 'tencent receipts');
      return TENCENT_OK;
    },
  });

  router.add({
    method: 'post',
    path: '/api/callbacks/sms/aliyun',
    summary: 'Alibaba Cloud SMS delivery receipts (SmsReport, JSON array); answers {"code":0,"msg":"接收成功"}',
    tags: ['callbacks'],
    access: 'public',
    query: tokenQuery,
    body: z.array(aliyunReceipt).max(10_000),
    handler: async (_ctx, { query, body }) => {
      checkToken(query.token);
      const now = clock.now();
      const receipts: Receipt[] = body.map((r) => {
        const delivered = r.success === true || r.success === 'true';
        return {
          provider: 'aliyun',
          phone: r.phone_number,
          delivered,
          providerMessageId: r.biz_id || undefined,
          deliveryId: r.out_id || undefined,
          errorCode: delivered ? undefined : r.err_code,
          errorMessage: delivered ? undefined : r.err_msg,
          receivedAt: parseShanghaiTime(r.report_time, now),
        };
      });
      log.info(await applyReceipts(events, receipts), 'aliyun receipts');
      return ALIYUN_OK;
    },
  });

  router.add({
    method: 'post',
    path: '/api/callbacks/sms/tencent/reply',
    summary: 'Tencent Cloud SMS inbound reply; "TD"/"退订" opts the number out',
    tags: ['callbacks'],
    access: 'public',
    query: tokenQuery,
    body: tencentReply,
    handler: async (_ctx, { query, body }) => {
      checkToken(query.token);
      await optOut('tencent', body.mobile, body.text);
      return TENCENT_OK;
    },
  });

  router.add({
    method: 'post',
    path: '/api/callbacks/sms/aliyun/reply',
    summary: 'Alibaba Cloud SMS inbound replies (SmsUp, JSON array); "TD"/"退订" opts the number out',
    tags: ['callbacks'],
    access: 'public',
    query: tokenQuery,
    body: z.array(aliyunReply).max(10_000),
    handler: async (_ctx, { query, body }) => {
      checkToken(query.token);
      for (const r of body) await optOut('aliyun', r.phone_number, r.content);
      return ALIYUN_OK;
    },
  });

  return router;
}
