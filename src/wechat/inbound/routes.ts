/**
 * The server URL WeChat calls: GET /wechat (URL verification) and POST /wechat (messages and events, plain or safe
 * mode). Anything not provably from WeChat, stale, oversized or not plain well-formed XML is refused before any
 * processing, and every refusal is logged and counted.
 */
import { z } from 'zod';
import type { Clock } from '../../clock';
import { AppError, BadRequestError, ForbiddenError, PayloadTooLargeError, ServiceUnavailableError, UnsupportedMediaTypeError } from '../../errors';
import { ApiRouter, runHandler, type RouteDefinition } from '../../http/api-router';
import type { AppContext } from '../../http/context';
import type { Metrics } from '../../http/metrics';
import type { Config } from '../../config';
import { EnvelopeError, WechatCrypto } from '../crypto';
import { verifyMsgSignature, verifyPlainSignature, wechatSignature } from '../signature';
import { cdata, parseWechatXml, text, XmlRefused, type XmlRecord } from '../xml';
import { MessageIncomplete, toInbound } from './message';
import { ReplayedSignature, SUCCESS, type CallbackOrigin, type InboundProcessor } from './processor';
import { readXmlBody } from './raw-body';
import { hash } from 'node:crypto';
import { RandomPool } from '../random-pool';

/** WeChat messages are a few KB; anything near this is not from WeChat. */
export const DEFAULT_BODY_LIMIT = 64 * 1024;
/** Accepted clock difference between WeChat's timestamp and ours (replay window). */
export const TIMESTAMP_WINDOW_SECONDS = 300;

/** text/xml or application/xml, with or without parameters. */
const XML_TYPE = /^\s*(?:text|application)\/xml\s*(?:;|$)/i;

const param = z.string().max(256).optional();
const callbackQuery = z
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
type CallbackQuery = z.infer<typeof callbackQuery>;

export interface CallbackOptions {
  config: Config;
  clock: Clock;
  metrics: Metrics;
  processor: InboundProcessor;
  bodyLimitBytes?: number;
}

export interface CallbackRoutes {
  /** The declarations (documented in /api/openapi.json; answered by `frontPath`). */
  router: ApiRouter;
  /**
   * Koa middleware for the module's `frontMiddleware`: answers /wechat right after the request id, error shaping and
   * security headers, without the JSON body parser, sign-in and the routers before it (WeChat sends none of what
   * they read). Same declarations, same validation, same route label in the access log and metrics.
   */
  frontPath: (ctx: AppContext, next: () => Promise<unknown>) => Promise<unknown>;
}

export function callbackRoutes(options: CallbackOptions): CallbackRoutes {
  const { config, clock, metrics, processor } = options;
  const bodyLimit = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT;
  const token = config.wechat.token;
  const crypto =
    config.wechat.encodingAesKey && config.wechat.appId
      ? new WechatCrypto(config.wechat.appId, config.wechat.encodingAesKey, config.wechat.previousEncodingAesKey)
      : undefined;
  const refused = metrics.counter('lianxin_wechat_callback_refused_total', 'WeChat callbacks refused before processing', ['reason']);
  const nonces = new RandomPool();
  const handled = metrics.counter('lianxin_wechat_callback_handled_total', 'WeChat callbacks processed', ['kind']);

  // Safe mode configured: plain requests are refused unless plain callbacks are explicitly allowed (migration).
  const plainAllowed = !crypto || config.wechat.plainCallbacksAllowed;

  function refuse(ctx: AppContext, reason: string, error: AppError): never {
    refused.inc({ reason });
    // Never the signatures: a signed query that is still fresh is a credential for the rest of its window.
    const query = new URLSearchParams(ctx.querystring);
    query.delete('signature');
    query.delete('msg_signature');
    ctx.state.log.warn({ reason, ip: ctx.ip, query: query.toString().slice(0, 300) }, 'wechat callback refused');
    throw error;
  }

  function requireToken(ctx: AppContext): string {
    if (!token) refuse(ctx, 'not_configured', new ServiceUnavailableError('公众号消息接口未配置（WECHAT_TOKEN）', 'wechat_not_configured'));
    return token;
  }

  function checkFreshness(ctx: AppContext, q: CallbackQuery): void {
    const ts = Number(q.timestamp);
    const now = clock.now().getTime() / 1000;
    if (!Number.isFinite(ts) || Math.abs(now - ts) > TIMESTAMP_WINDOW_SECONDS) {
      refuse(ctx, 'stale_timestamp', new ForbiddenError('时间戳超出允许范围（可能是重放）', 'stale_timestamp'));
    }
  }

  function signed(ctx: AppContext, q: CallbackQuery): { timestamp: string; nonce: string } {
    if (!q.timestamp || !/^\d{1,12}$/.test(q.timestamp) || !q.nonce) {
      refuse(ctx, 'missing_signature', new ForbiddenError('缺少签名参数', 'invalid_signature'));
    }
    return { timestamp: q.timestamp, nonce: q.nonce };
  }

  function parse(ctx: AppContext, body: string): XmlRecord {
    try {
      return parseWechatXml(body);
    } catch (err) {
      if (err instanceof XmlRefused) {
        if (err.reason === 'doctype') refuse(ctx, 'doctype', new BadRequestError('不接受包含 DOCTYPE 或 ENTITY 声明的 XML', 'xml_doctype_refused'));
        refuse(ctx, 'malformed_xml', new BadRequestError('XML 格式错误', 'malformed_xml'));
      }
      throw err;
    }
  }

  async function body(ctx: AppContext): Promise<string> {
    // What WeChat sends (text/xml) is told by one test; other types go through Koa's full media-type match.
    if (!XML_TYPE.test(ctx.get('content-type')) && ctx.is('application/json', 'multipart/*', 'application/x-www-form-urlencoded')) {
      refuse(ctx, 'content_type', new UnsupportedMediaTypeError('请求体必须是 XML'));
    }
    try {
      return await readXmlBody(ctx, bodyLimit);
    } catch (err) {
      if (err instanceof PayloadTooLargeError) refuse(ctx, 'too_large', err);
      if (err instanceof AppError) refuse(ctx, 'unreadable', err);
      throw err;
    }
  }

  const verifyRoute: RouteDefinition<Record<string, string>, CallbackQuery> = {
    method: 'get',
    path: '/wechat',
    summary: 'WeChat server URL verification: echoes echostr when the signature over token, timestamp and nonce matches',
    tags: ['wechat'],
    access: 'public',
    query: callbackQuery,
    responseType: 'text/plain',
    responses: { 200: 'echostr', 403: 'Wrong signature or stale timestamp', 503: 'WECHAT_TOKEN not configured' },
    handler: (ctx, { query }) => {
      const tok = requireToken(ctx);
      const { timestamp, nonce } = signed(ctx, query);
      if (!verifyPlainSignature(tok, timestamp, nonce, query.signature)) {
        refuse(ctx, 'invalid_signature', new ForbiddenError('签名无效', 'invalid_signature'));
      }
      checkFreshness(ctx, query);
      if (!query.echostr) refuse(ctx, 'missing_echostr', new BadRequestError('缺少 echostr', 'missing_echostr'));
      ctx.type = 'text/plain';
      ctx.body = query.echostr;
    },
  };

  const messageRoute: RouteDefinition<Record<string, string>, CallbackQuery> = {
    method: 'post',
    path: '/wechat',
    summary: 'WeChat messages and events (plain mode, or safe mode with encrypt_type=aes and msg_signature)',
    tags: ['wechat'],
    access: 'public',
    query: callbackQuery,
    requestType: 'text/xml',
    responseType: 'text/xml',
    responses: {
      200: 'Passive reply XML (encrypted envelope in safe mode), or "success"',
      400: 'Malformed XML, DOCTYPE/ENTITY, or incomplete message',
      403: 'Wrong signature, wrong appid, timestamp outside ±5 minutes, plain request while safe mode is configured, or a signature reused with another body',
      413: 'Body over the limit',
      503: 'WECHAT_TOKEN not configured',
    },
    handler: async (ctx, { query }) => {
      // WeChat waits 5 s for the whole request: the deadline counts from arrival and bounds everything (signature
      // bookkeeping, decryption, the message claim, the handler). Past it the answer is `success`; the work goes on.
      const deadlineAt = (ctx.state.arrivedAt ?? performance.now()) + processor.deadlineMs;
      const work = answer(ctx, query, deadlineAt);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), Math.max(0, deadlineAt - performance.now()));
      });
      let outcome: { type: string; body: string } | 'late';
      try {
        outcome = await Promise.race([work, late]);
      } finally {
        clearTimeout(timer);
      }
      if (outcome === 'late') {
        // A refusal found after the answer went out has been logged and counted by refuse().
        work.catch((err: unknown) => {
          if (!(err instanceof AppError)) ctx.state.log.error({ err }, 'wechat callback failed after the deadline');
        });
        outcome = { type: 'text/plain', body: SUCCESS };
      }
      ctx.type = outcome.type;
      ctx.body = outcome.body;
    },
  };

  async function answer(ctx: AppContext, query: CallbackQuery, deadlineAt: number): Promise<{ type: string; body: string }> {
    const tok = requireToken(ctx);
    const { timestamp, nonce } = signed(ctx, query);
    const safe = query.encrypt_type === 'aes';
    if (safe && !crypto) {
      refuse(ctx, 'safe_mode_not_configured', new BadRequestError('安全模式未配置（WECHAT_ENCODING_AES_KEY / WECHAT_APP_ID）', 'safe_mode_not_configured'));
    }
    if (!safe && !plainAllowed) {
      refuse(ctx, 'safe_mode_required', new ForbiddenError('已启用安全模式：只接受加密消息（encrypt_type=aes）', 'safe_mode_required'));
    }
    if (!safe && !verifyPlainSignature(tok, timestamp, nonce, query.signature)) {
      refuse(ctx, 'invalid_signature', new ForbiddenError('签名无效', 'invalid_signature'));
    }
    checkFreshness(ctx, query);
    const raw = await body(ctx);
    let record = parse(ctx, raw);
    let sealKey: string | undefined;
    if (safe) {
      const encrypted = text(record, 'Encrypt');
      if (!encrypted) refuse(ctx, 'malformed_xml', new BadRequestError('安全模式消息缺少 Encrypt', 'malformed_xml'));
      // The signature covers the ciphertext: checked before anything is decrypted or parsed.
      if (!verifyMsgSignature(tok, timestamp, nonce, encrypted, query.msg_signature)) {
        refuse(ctx, 'invalid_signature', new ForbiddenError('消息签名无效', 'invalid_signature'));
      }
      try {
        const opened = crypto!.open(encrypted);
        sealKey = opened.key;
        record = parse(ctx, opened.message);
      } catch (err) {
        if (err instanceof EnvelopeError) {
          if (err.reason === 'wrong_appid') refuse(ctx, 'wrong_appid', new ForbiddenError('消息不属于本公众号', 'wrong_appid'));
          refuse(ctx, 'undecryptable', new BadRequestError('消息无法解密', 'undecryptable'));
        }
        throw err;
      }
    }
    let message;
    try {
      message = toInbound(record);
    } catch (err) {
      if (err instanceof MessageIncomplete) refuse(ctx, 'incomplete', new BadRequestError(`消息不完整：${err.message}`, 'incomplete_message'));
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
      if (err instanceof ReplayedSignature) refuse(ctx, 'replayed_signature', new ForbiddenError('该签名已用于另一条消息（可能是伪造）', 'replayed_signature'));
      throw err;
    }
    if (reply === SUCCESS) return { type: 'text/plain', body: SUCCESS };
    if (!safe) return { type: 'text/xml', body: reply };
    const replyNonce = nonces.take(8).toString('hex');
    const replyTimestamp = String(Math.floor(clock.now().getTime() / 1000));
    const encrypted = crypto!.seal(reply, sealKey);
    return {
      type: 'text/xml',
      body:
        `<xml><Encrypt>${cdata(encrypted)}</Encrypt>` +
        `<MsgSignature>${cdata(wechatSignature(tok, replyTimestamp, replyNonce, encrypted))}</MsgSignature>` +
        `<TimeStamp>${replyTimestamp}</TimeStamp><Nonce>${cdata(replyNonce)}</Nonce></xml>`,
    };
  }

  const router = new ApiRouter().add(verifyRoute).add(messageRoute);
  const frontPath = (ctx: AppContext, next: () => Promise<unknown>): Promise<unknown> => {
    if (ctx.path !== '/wechat') return next();
    const route = ctx.method === 'POST' ? messageRoute : ctx.method === 'GET' || ctx.method === 'HEAD' ? verifyRoute : undefined;
    if (!route) return next(); // OPTIONS and the rest: the router answers (Allow, 405)
    // The label the router would have given it (access log, request duration histogram).
    (ctx as { _matchedRoute?: string })._matchedRoute = route.path;
    return runHandler(route, ctx);
  };
  return { router, frontPath };
}
