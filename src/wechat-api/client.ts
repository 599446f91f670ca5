/**
 * The one WeChat official-account API client: co-wechat-api 3.11, with
 *  - base URLs taken from WECHAT_API_BASE (tests and staging point it at a local server);
 *  - the access token and JS-SDK tickets cached in MongoDB and shared by every instance (credential-store.ts);
 *    a token is refreshed only when it expires or WeChat answers 40001/40014/42001, and then once across instances;
 *  - its request method kept on the same HTTP stack (httpx + json-bigint) but returning typed WechatApiErrors
 *    that keep WeChat's extra fields (45065 carries the msg_id of the earlier send);
 *  - the endpoints the library lacks (draft/*, freepublish/*, stable_token, Buffer uploads) added the way its
 *    own methods are written: ensureAccessToken() then this.request().
 */
import WechatAPI from 'co-wechat-api';
import { createRequire } from 'node:module';
import type { Config } from '../config';
import { CredentialStore } from './credential-store';
import { TOKEN_ERRCODES, WechatApiError, apiPath, toWechatApiError } from './errors';

// The same HTTP stack co-wechat-api uses, resolved from its own location.
const coRequire = createRequire(require.resolve('co-wechat-api'));
const httpx = coRequire('httpx') as {
  request(url: string, opts: Record<string, unknown>): Promise<import('node:http').IncomingMessage>;
  read(res: import('node:http').IncomingMessage): Promise<Buffer>;
};
const JSONbig = (coRequire('json-bigint') as (o: { storeAsString: boolean }) => { parse(text: string): unknown })({ storeAsString: true });

const DEFAULT_API_BASE = 'https://api.weixin.qq.com';

export interface WechatClientOptions {
  /** Shared credential cache; one per process is enough (default: a new one). */
  store?: CredentialStore;
  /** Per-request timeout in ms (default 15 s; uploads 60 s). */
  timeoutMs?: number;
  /** Fetch tokens from /cgi-bin/stable_token instead of /cgi-bin/token. */
  useStableToken?: boolean;
}

export interface DraftArticle {
  article_type?: 'news';
  title: string;
  author?: string;
  digest?: string;
  content: string;
  content_source_url?: string;
  thumb_media_id: string;
  need_open_comment?: 0 | 1;
  only_fans_can_comment?: 0 | 1;
}

export interface FreePublishStatus {
  publish_id: string;
  /** 0 ok, 1 publishing, 2 originality check failed, 3 failed, 4 rejected by review, 5 deleted, 6 banned. */
  publish_status: number;
  article_id?: string;
  article_detail?: { count: number; item: Array<{ idx: number; article_url: string }> };
  fail_idx?: number[];
}

export class WechatClient extends WechatAPI {
  readonly store: CredentialStore;
  private readonly tokenId: string;
  private readonly useStableToken: boolean;

  constructor(appId: string, appSecret: string, apiBase: string, options: WechatClientOptions = {}) {
    const store = options.store ?? new CredentialStore();
    const tokenId = `access_token:${appId}`;
    super(
      appId,
      appSecret,
      async () => {
        const c = await store.get(tokenId);
        return c ? { accessToken: c.value, expireTime: c.expiresAt } : null;
      },
      async (token) => {
        // co-wechat-api calls saveToken(null) to drop a token it found expired.
        if (token === null) await store.invalidate(tokenId);
        else await store.save(tokenId, token.accessToken, token.expireTime);
      },
    );
    this.store = store;
    this.tokenId = tokenId;
    this.useStableToken = options.useStableToken ?? false;
    if (apiBase.replace(/\/+$/, '') !== DEFAULT_API_BASE) {
      const base = apiBase.replace(/\/+$/, '');
      this.prefix = `${base}/cgi-bin/`;
      this.snsPrefix = `${base}/sns/`;
      this.mpPrefix = `${base}/cgi-bin/`;
      this.fileServerPrefix = `${base}/cgi-bin/`;
      this.payPrefix = `${base}/pay/`;
      this.merchantPrefix = `${base}/merchant/`;
      this.customservicePrefix = `${base}/customservice/`;
      this.wxaPrefix = `${base}/wxa/`;
    }
    this.setOpts({ timeout: options.timeoutMs ?? 15_000 });
    this.registerTicketHandle(
      async (type) => {
        const c = await store.get(`ticket:${type}:${appId}`);
        return c ? { ticket: c.value, expireTime: c.expiresAt } : null;
      },
      async (type, ticket) => store.save(`ticket:${type}:${appId}`, ticket.ticket, ticket.expireTime),
    );
  }

  /**
   * co-wechat-api's request hook, on the same HTTP stack, with typed errors and one guarded token refresh.
   * `retry` keeps the library's signature: 0 disables the token retry.
   */
  override async request(url: string, opts: WechatAPI.RequestOptions = {}, retry = 1): Promise<any> {
    try {
      return await this.send(url, opts);
    } catch (err) {
      const e = toWechatApiError(err, url);
      const used = /[?&]access_token=([^&]+)/.exec(url)?.[1];
      if (retry > 0 && used && TOKEN_ERRCODES.has(e.errcode)) {
        await this.store.invalidate(this.tokenId, decodeURIComponent(used));
        const { accessToken } = await this.ensureAccessToken();
        return this.request(url.replace(/([?&]access_token=)[^&]+/, `$1${encodeURIComponent(accessToken)}`), opts, retry - 1);
      }
      throw e;
    }
  }

  private async send(url: string, opts: WechatAPI.RequestOptions): Promise<unknown> {
    const options: Record<string, unknown> = { ...(this as unknown as { defaults: Record<string, unknown> }).defaults, ...opts };
    const res = await httpx.request(url, options);
    const status = res.statusCode ?? 0;
    const buffer = await httpx.read(res);
    if (status < 200 || status > 204) {
      throw new WechatApiError(`WeChat ${apiPath(url)} answered HTTP ${status}`, 0, `HTTP ${status}`, status >= 500 || status === 429, apiPath(url), status);
    }
    const contentType = String(res.headers['content-type'] ?? '');
    if (!contentType.includes('application/json') && !contentType.includes('text/plain')) return buffer;
    let data: unknown;
    try {
      data = JSONbig.parse(buffer.toString('utf8'));
    } catch {
      if (contentType.includes('text/plain')) return buffer.toString('utf8');
      throw new WechatApiError(`WeChat ${apiPath(url)} answered unparseable JSON`, 0, 'bad JSON', true, apiPath(url), status, true);
    }
    const errcode = Number((data as { errcode?: unknown })?.errcode ?? 0);
    if (errcode) {
      const errmsg = String((data as { errmsg?: unknown }).errmsg ?? '');
      const e = Object.assign(new Error(errmsg), { code: errcode, data: data as Record<string, unknown> });
      throw toWechatApiError(e, url);
    }
    return data;
  }

  /** Fetches a new access token — at most one instance at a time (the others wait for its result). */
  override async getAccessToken(): Promise<WechatAPI.AccessToken> {
    const c = await this.store.refresh(this.tokenId, async () => {
      const data = this.useStableToken
        ? await this.request(`${this.prefix}stable_token`, postJson({ grant_type: 'client_credential', appid: this.appid, secret: this.appsecret, force_refresh: false }), 0)
        : await this.request(`${this.prefix}token?grant_type=client_credential&appid=${encodeURIComponent(this.appid)}&secret=${encodeURIComponent(this.appsecret)}`, {}, 0);
      return { value: String(data.access_token), expiresInSeconds: Number(data.expires_in ?? 7200) };
    });
    return { accessToken: c.value, expireTime: c.expiresAt };
  }

  /** JS-SDK ticket fetch, shared and guarded like the token. */
  override async getTicket(type = 'jsapi'): Promise<WechatAPI.Ticket> {
    const c = await this.store.refresh(`ticket:${type}:${this.appid}`, async () => {
      const { accessToken } = await this.ensureAccessToken();
      const data = await this.request(`${this.prefix}ticket/getticket?access_token=${accessToken}&type=${type}`, { dataType: 'json' });
      return { value: String(data.ticket), expiresInSeconds: Number(data.expires_in ?? 7200) };
    });
    return { ticket: c.value, expireTime: c.expiresAt };
  }

  // ---- Extensions for endpoints co-wechat-api lacks ----

  /** POST /cgi-bin/media/uploadimg with the file's bytes (jpg/png < 1 MB) → a URL usable inside article HTML. */
  async uploadArticleImage(data: Buffer, filename: string): Promise<{ url: string }> {
    const { accessToken } = await this.ensureAccessToken();
    return this.request(`${this.prefix}media/uploadimg?access_token=${accessToken}`, multipart(data, filename, 60_000));
  }

  /** POST /cgi-bin/material/add_material: a permanent material from bytes (the cover: type image or thumb). */
  async addMaterial(data: Buffer, filename: string, type: 'image' | 'thumb'): Promise<{ media_id: string; url?: string }> {
    const { accessToken } = await this.ensureAccessToken();
    return this.request(`${this.prefix}material/add_material?access_token=${accessToken}&type=${type}`, multipart(data, filename, 60_000));
  }

  /** POST /cgi-bin/draft/add → the draft's media_id. */
  async addDraft(articles: DraftArticle[]): Promise<{ media_id: string }> {
    const { accessToken } = await this.ensureAccessToken();
    return this.request(`${this.prefix}draft/add?access_token=${accessToken}`, postJson({ articles }));
  }

  /** POST /cgi-bin/draft/delete. */
  async deleteDraft(mediaId: string): Promise<void> {
    const { accessToken } = await this.ensureAccessToken();
    await this.request(`${this.prefix}draft/delete?access_token=${accessToken}`, postJson({ media_id: mediaId }));
  }

  /** POST /cgi-bin/freepublish/submit → publish_id (the job's result arrives by event or freepublish/get). */
  async submitFreePublish(mediaId: string): Promise<{ publish_id: string; msg_data_id?: string }> {
    const { accessToken } = await this.ensureAccessToken();
    const data = await this.request(`${this.prefix}freepublish/submit?access_token=${accessToken}`, postJson({ media_id: mediaId }));
    return { publish_id: String(data.publish_id), msg_data_id: data.msg_data_id === undefined ? undefined : String(data.msg_data_id) };
  }

  /** POST /cgi-bin/freepublish/get. */
  async getFreePublish(publishId: string): Promise<FreePublishStatus> {
    const { accessToken } = await this.ensureAccessToken();
    const data = await this.request(`${this.prefix}freepublish/get?access_token=${accessToken}`, postJson({ publish_id: publishId }));
    return { ...data, publish_id: String(data.publish_id), publish_status: Number(data.publish_status) };
  }

  /** POST /cgi-bin/message/mass/get → msg_status SEND_SUCCESS | SENDING | SEND_FAIL | DELETE. */
  async getMassStatus(msgId: string): Promise<{ msg_id: string; msg_status: string }> {
    const { accessToken } = await this.ensureAccessToken();
    const data = await this.request(`${this.prefix}message/mass/get?access_token=${accessToken}`, postJson({ msg_id: msgId }));
    return { msg_id: String(data.msg_id), msg_status: String(data.msg_status) };
  }
}

function postJson(data: unknown): WechatAPI.RequestOptions {
  return { method: 'POST', data: JSON.stringify(data), headers: { 'Content-Type': 'application/json', Accept: 'application/json' } };
}

/** A multipart body as one Buffer, so a request can be replayed after a token refresh (a stream cannot). */
function multipart(data: Buffer, filename: string, timeout: number): WechatAPI.RequestOptions {
  const boundary = `----lianxin${Date.now().toString(16)}${Math.random().toString(16).slice(2)}`;
  const type = /\.png$/i.test(filename) ? 'image/png' : /\.gif$/i.test(filename) ? 'image/gif' : 'image/jpeg';
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="media"; filename="${filename.replace(/["\r\n]/g, '_')}"\r\nContent-Type: ${type}\r\n\r\n`,
  );
  const body = Buffer.concat([head, data, Buffer.from(`\r\n--${boundary}--\r\n`)]);
  return {
    method: 'POST',
    data: body,
    timeout,
    headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Content-Length': String(body.length), Accept: 'application/json' },
  };
}

/** One credential cache per API base (a test's fake server never sees another's cached token). */
const sharedStores = new Map<string, CredentialStore>();

/**
 * The client for the configured account. Instances share this process's credential cache (and, through
 * MongoDB, every other instance's). Throws when WECHAT_APP_ID / WECHAT_APP_SECRET are not set.
 */
export function createWechatClient(config: Config['wechat'], opts: WechatClientOptions = {}): WechatClient {
  if (!config.appId || !config.appSecret) {
    throw new Error('WeChat is not configured: set WECHAT_APP_ID and WECHAT_APP_SECRET');
  }
  let store = opts.store ?? sharedStores.get(config.apiBase);
  if (!store) sharedStores.set(config.apiBase, (store = new CredentialStore()));
  return new WechatClient(config.appId, config.appSecret, config.apiBase, { ...opts, store });
}
