/**
 * The callback itself, apart from how the request arrived: URL verification and message handling, every refusal
 * logged and counted. Two transports call it with the same rules: the Koa route (routes.ts) and the raw front lane
 * (front-lane.ts), which answers WeChat's ordinary POSTs before Koa builds a context.
 */
import { hash } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../../clock';
import type { Config } from '../../config';
import { AppError, BadRequestError, ForbiddenError, PayloadTooLargeError, ServiceUnavailableError, UnsupportedMediaTypeError } from '../../errors';
import type { Metrics } from '../../http/metrics';
import type { Logger } from '../../logger';
import { EnvelopeError, WechatCrypto } from '../crypto';
import { RandomPool } from '../random-pool';
import { verifyMsgSignature, verifyPlainSignature } from '../signature';
import { parseWechatXml, text, XmlRefused, type XmlRecord } from '../xml';
import { MessageIncomplete, toInbound } from './message';
import { ReplayedSignature, SUCCESS, type CallbackOrigin, type InboundProcessor } from './processor';
import { sealedReplyXml } from './reply';

/** WeChat messages are a few KB; anything near this is not from WeChat. */
export const DEFAULT_BODY_LIMIT = 64 * 1024;
/** Accepted clock difference between WeChat's timestamp and ours (replay window). */
export const TIMESTAMP_WINDOW_SECONDS = 300;

/** text/xml or application/xml, with or without parameters: what WeChat sends. */
export const XML_TYPE = /^\s*(?:text|application)\/xml\s*(?:;|$)/i;

const param = z.string().max(256).optional();
export const callbackQuery = z
  .object({
    signature: param,
    timestamp: param,
    nonce: param,
    echostr: z.string().max(1024).optional(),
    encrypt_type: param,
    msg_signature: param,
    openid: param,
  })
  .loose();
export type CallbackQuery = z.infer<typeof callbackQuery>;

/** One callback request as the transports see it. */
export interface CallbackRequest {
  /** The validated query. */
  query: CallbackQuery;
  /** The raw query string (logged without its signatures when the callback is refused). */
  querystring: string;
  /** When the request arrived (performance.now() ms): WeChat's 5 s count from here. */
  arrivedAt: number;
  /** The Content-Type header ('' when absent). */
  contentType: string;
  /** A JSON, form or multipart body (refused: WeChat sends XML). */
  bodyIsNotXml(): boolean;
  /** The body as text, refused past `limitBytes` (PayloadTooLargeError) or when unreadable (another AppError). */
  readBody(limitBytes: number): Promise<string>;
  /** The client's address, as the app's proxy settings make it out. */
  ip(): string;
  /** The request's logger (with its request id). */
  log(): Logger;
}

/** What the callback answers with: the media type (Koa completes it with charset=utf-8) and the body. */
export interface CallbackAnswer {
  type: string;
  body: string;
}

export interface CallbackOptions {
  config: Config;
  clock: Clock;
  metrics: Metrics;
  processor: InboundProcessor;
  bodyLimitBytes?: number;
}

export interface WechatCallback {
  /** GET: the echostr to echo back, when the signature over token, timestamp and nonce matches. */
  verify(req: CallbackRequest): string;
  /** POST: the passive reply (sealed in safe mode) or `success`, never later than WeChat's deadline. */
  receive(req: CallbackRequest): Promise<CallbackAnswer>;
}

export function wechatCallback(options: CallbackOptions): WechatCallback {
  const { config, clock, metrics, processor } = options;
  const bodyLimit = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT;
  const token = config.wechat.token;
  const crypto =
    config.wechat.encodingAesKey && config.wechat.appId
      ? new WechatCrypto(config.wechat.appId, config.wechat.encodingAesKey, config.wechat.previousEncodingAesKey)
      : undefined;
  const refused = metrics.counter('lianxin_wechat_callback_refused_total', 'WeChat callbacks refused before processing', ['reason']);
  const handled = metrics.counter('lianxin_wechat_callback_handled_total', 'WeChat callbacks processed', ['kind']);
  const nonces = new RandomPool();

  // Safe mode configured: plain requests are refused unless plain callbacks are explicitly allowed (migration).
  const plainAllowed = !crypto || config.wechat.plainCallbacksAllowed;

  function refuse(req: CallbackRequest, reason: string, error: AppError): never {
    refused.inc({ reason });
    // Never the signatures: a signed query that is still fresh is a credential for the rest of its window.
    const query = new URLSearchParams(req.querystring);
    query.delete('signature');
    query.delete('msg_signature');
    req.log().warn({ reason, ip: req.ip(), query: query.toString().slice(0, 300) }, 'wechat callback refused');
    throw error;
  }

  function requireToken(req: CallbackRequest): string {
    if (!token) refuse(req, 'not_configured', new ServiceUnavailableError('公众号消息接口未配置（WECHAT_TOKEN）', 'wechat_not_configured'));
    return token;
  }

  function checkFreshness(req: CallbackRequest): void {
    const ts = Number(req.query.timestamp);
    const now = clock.now().getTime() / 1000;
    if (!Number.isFinite(ts) || Math.abs(now - ts) > TIMESTAMP_WINDOW_SECONDS) {
      refuse(req, 'stale_timestamp', new ForbiddenError('时间戳超出允许范围（可能是重放）', 'stale_timestamp'));
    }
  }

  function signed(req: CallbackRequest): { timestamp: string; nonce: string } {
    const { timestamp, nonce } = req.query;
    if (!timestamp || !/^\d{1,12}$/.test(timestamp) || !nonce) {
      refuse(req, 'missing_signature', new ForbiddenError('缺少签名参数', 'invalid_signature'));
    }
    return { timestamp, nonce };
  }

  function parse(req: CallbackRequest, body: string): XmlRecord {
    try {
      return parseWechatXml(body);
    } catch (err) {
      if (err instanceof XmlRefused) {
        if (err.reason === 'doctype') refuse(req, 'doctype', new BadRequestError('不接受包含 DOCTYPE 或 ENTITY 声明的 XML', 'xml_doctype_refused'));
        refuse(req, 'malformed_xml', new BadRequestError('XML 格式错误', 'malformed_xml'));
      }
      throw err;
    }
  }

  async function body(req: CallbackRequest): Promise<string> {
    // What WeChat sends (text/xml) is told by one test; other types go through the transport's full media-type match.
    if (!XML_TYPE.test(req.contentType) && req.bodyIsNotXml()) {
      refuse(req, 'content_type', new UnsupportedMediaTypeError('请求体必须是 XML'));
    }
    try {
      return await req.readBody(bodyLimit);
    } catch (err) {
      if (err instanceof PayloadTooLargeError) refuse(req, 'too_large', err);
      if (err instanceof AppError) refuse(req, 'unreadable', err);
      throw err;
    }
  }

  function verify(req: CallbackRequest): string {
    const tok = requireToken(req);
    const { timestamp, nonce } = signed(req);
    if (!verifyPlainSignature(tok, timestamp, nonce, req.query.signature)) {
      refuse(req, 'invalid_signature', new ForbiddenError('签名无效', 'invalid_signature'));
    }
    checkFreshness(req);
    if (!req.query.echostr) refuse(req, 'missing_echostr', new BadRequestError('缺少 echostr', 'missing_echostr'));
    return req.query.echostr;
  }

  async function receive(req: CallbackRequest): Promise<CallbackAnswer> {
    // WeChat waits 5 s for the whole request: the deadline counts from arrival and bounds everything (signature
    // bookkeeping, decryption, the message claim, the handler). Past it the answer is `success`; the work goes on.
    const deadlineAt = req.arrivedAt + processor.deadlineMs;
    const work = answer(req, deadlineAt);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), Math.max(0, deadlineAt - performance.now()));
    });
    let outcome: CallbackAnswer | 'late';
    try {
      outcome = await Promise.race([work, late]);
    } finally {
      clearTimeout(timer);
    }
    if (outcome !== 'late') return outcome;
    // A refusal found after the answer went out has been logged and counted by refuse().
    work.catch((err: unknown) => {
      if (!(err instanceof AppError)) req.log().error({ err }, 'wechat callback failed after the deadline');
    });
    return { type: 'text/plain', body: SUCCESS };
  }

  async function answer(req: CallbackRequest, deadlineAt: number): Promise<CallbackAnswer> {
    const { query } = req;
    const tok = requireToken(req);
    const { timestamp, nonce } = signed(req);
    const safe = query.encrypt_type === 'aes';
    if (safe && !crypto) {
      refuse(req, 'safe_mode_not_configured', new BadRequestError('安全模式未配置（WECHAT_ENCODING_AES_KEY / WECHAT_APP_ID）', 'safe_mode_not_configured'));
    }
    if (!safe && !plainAllowed) {
      refuse(req, 'safe_mode_required', new ForbiddenError('已启用安全模式：只接受加密消息（encrypt_type=aes）', 'safe_mode_required'));
    }
    if (!safe && !verifyPlainSignature(tok, timestamp, nonce, query.signature)) {
      refuse(req, 'invalid_signature', new ForbiddenError('签名无效', 'invalid_signature'));
    }
    checkFreshness(req);
    const raw = await body(req);
    let record = parse(req, raw);
    let sealKey: string | undefined;
    if (safe) {
      const encrypted = text(record, 'Encrypt');
      if (!encrypted) refuse(req, 'malformed_xml', new BadRequestError('安全模式消息缺少 Encrypt', 'malformed_xml'));
      // The signature covers the ciphertext: checked before anything is decrypted or parsed.
      if (!verifyMsgSignature(tok, timestamp, nonce, encrypted, query.msg_signature)) {
        refuse(req, 'invalid_signature', new ForbiddenError('消息签名无效', 'invalid_signature'));
      }
      try {
        const opened = crypto!.open(encrypted);
        sealKey = opened.key;
        record = parse(req, opened.message);
      } catch (err) {
        if (err instanceof EnvelopeError) {
          if (err.reason === 'wrong_appid') refuse(req, 'wrong_appid', new ForbiddenError('消息不属于本公众号', 'wrong_appid'));
          refuse(req, 'undecryptable', new BadRequestError('消息无法解密', 'undecryptable'));
        }
        throw err;
      }
    }
    let message;
    try {
      message = toInbound(record);
    } catch (err) {
      if (err instanceof MessageIncomplete) refuse(req, 'incomplete', new BadRequestError(`消息不完整：${err.message}`, 'incomplete_message'));
      throw err;
    }
    handled.inc({ kind: message.msgType === 'event' ? `event:${message.event}` : message.msgType });

    // The signature signs this body only: the message's claim records both, and refuses another body under it.
    const origin: CallbackOrigin = {
      signature: `${timestamp}:${nonce}:${safe ? query.msg_signature : query.signature}`,
      bodyHash: hash('sha256', raw, 'hex'),
      signsMessage: safe,
    };
    let reply: string;
    try {
      reply = await processor.process(message, deadlineAt, origin);
    } catch (err) {
      if (err instanceof ReplayedSignature) refuse(req, 'replayed_signature', new ForbiddenError('该签名已用于另一条消息（可能是伪造）', 'replayed_signature'));
      throw err;
    }
    if (reply === SUCCESS) return { type: 'text/plain', body: SUCCESS };
    if (!safe) return { type: 'text/xml', body: reply };
    const replyNonce = nonces.take(8).toString('hex');
    const replyTimestamp = String(Math.floor(clock.now().getTime() / 1000));
    return { type: 'text/xml', body: sealedReplyXml(tok, crypto!.seal(reply, sealKey), replyTimestamp, replyNonce) };
  }

  return { verify, receive };
}
