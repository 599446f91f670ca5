/**
 * A fake WeChat official-account API (api.weixin.qq.com/cgi-bin/…) speaking the documented protocol:
 * application/json answers with real errcodes, access_token checked on every call, clientmsgid dedupe,
 * mass-send quota, free-publish jobs, paged followers. Point the client at it with WECHAT_API_BASE=url.
 */
import { randomBytes } from 'node:crypto';
import { parseMultipart } from './multipart';
import { sendJson, startFakeServer, type FakeHandle, type RecordedRequest, type RequestContext } from './http';

export const WECHAT_ERRMSG: Record<number, string> = {
  [-1]: 'system error',
  0: 'ok',
  40001: 'invalid credential, access_token is invalid or not latest',
  40005: 'invalid file type',
  40006: 'invalid meida size',
  40007: 'invalid media_id',
  40013: 'invalid appid',
  40014: 'invalid access_token',
  40016: 'invalid button size',
  40018: 'invalid button name size',
  40019: 'invalid button key size',
  40023: 'invalid sub button size',
  40125: 'invalid appsecret',
  41001: 'access_token missing',
  42001: 'access_token expired',
  44002: 'empty post data',
  45002: 'content size out of limit',
  45003: 'title size out of limit',
  45004: 'description size out of limit',
  45009: 'reach max api daily quota limit',
  45011: 'api minute-quota reach limit  mustslower  retry next minute',
  45028: 'has no masssend quota',
  45065: 'clientmsgid exist',
  45067: 'clientmsgid size out of limit',
  45110: 'author size out of limit',
  47001: 'data format error',
  48001: 'api unauthorized',
  53503: 'publish failed: draft not found or not publishable',
};

export interface FakeWechatOptions {
  port?: number;
  appId?: string;
  appSecret?: string;
  /** Mass sends allowed before 45028 (default unlimited). */
  massQuota?: number;
  /** Seconds a token lives (default 7200). */
  tokenTtlSeconds?: number;
}

interface Follower {
  openid: string;
  nickname?: string;
  tagIds: number[];
  subscribeTime: number;
}

export interface FakeWechatState {
  appId: string;
  appSecret: string;
  requests: RecordedRequest[];
  /** Token fetches through /cgi-bin/token and /cgi-bin/stable_token. */
  tokenFetches: number;
  ticketFetches: number;
  tokens: Map<string, { expiresAt: number; revoked: boolean }>;
  uploads: Array<{ endpoint: 'uploadimg' | 'add_material'; type?: string; filename?: string; contentType?: string; bytes: number; url?: string; mediaId?: string }>;
  materials: Map<string, { type: string; url: string }>;
  drafts: Map<string, { articles: Array<Record<string, unknown>>; consumed: boolean }>;
  publishes: Map<string, { mediaId: string; status: number; articleUrl?: string }>;
  massSends: Array<{ msgId: number; clientmsgid?: string; filter?: unknown; touser?: string[]; mediaId: string; at: number }>;
  clientMsgIds: Map<string, number>;
  massStatus: Map<string, string>;
  massQuotaRemaining: number | null;
  freePublishUnauthorized: boolean;
  defaultPublishStatus: number;
  defaultMassStatus: string;
  followers: Follower[];
  followerPageSize: number;
  tags: Array<{ id: number; name: string }>;
  menu?: unknown;
  customMessages: unknown[];
  templateMessages: unknown[];
  tokenTtlSeconds: number;
}

export interface FakeWechatControls {
  /** Every issued token expires now (next calls get 42001). */
  expireToken(): void;
  /** Every issued token is revoked (next calls get 40001, as after another party fetched a new token). */
  revokeTokens(): void;
  setMassQuota(remaining: number | null): void;
  setFreePublishUnauthorized(on: boolean): void;
  /** Status that freepublish/get reports for a publish id (or for all new ones when publishId is omitted). */
  setPublishStatus(status: number, publishId?: string): void;
  setMassStatus(status: string, msgId?: string): void;
  /** Replace the follower list: a count (generated openids) or explicit openids. */
  setFollowers(followers: number | string[], tagIds?: number[]): void;
  setFollowerPageSize(n: number): void;
  setTags(tags: Array<{ id: number; name: string }>): void;
}

export type FakeWechat = FakeHandle<FakeWechatState, FakeWechatControls>;

const NO_TOKEN_PATHS = new Set(['/cgi-bin/token', '/cgi-bin/stable_token']);

export async function startFakeWechat(options: FakeWechatOptions = {}): Promise<FakeWechat> {
  const state: FakeWechatState = {
    appId: options.appId ?? 'wx-fake-app',
    appSecret: options.appSecret ?? 'fake-secret',
    requests: [],
    tokenFetches: 0,
    ticketFetches: 0,
    tokens: new Map(),
    uploads: [],
    materials: new Map(),
    drafts: new Map(),
    publishes: new Map(),
    massSends: [],
    clientMsgIds: new Map(),
    massStatus: new Map(),
    massQuotaRemaining: options.massQuota ?? null,
    freePublishUnauthorized: false,
    defaultPublishStatus: 0,
    defaultMassStatus: 'SEND_SUCCESS',
    followers: [],
    followerPageSize: 10_000,
    tags: [{ id: 2, name: '星标组' }],
    customMessages: [],
    templateMessages: [],
    tokenTtlSeconds: options.tokenTtlSeconds ?? 7200,
  };
  let seq = 1000;
  const nextId = () => String(++seq);

  const controls: FakeWechatControls = {
    expireToken() {
      for (const t of state.tokens.values()) t.expiresAt = 0;
    },
    revokeTokens() {
      for (const t of state.tokens.values()) t.revoked = true;
    },
    setMassQuota(remaining) {
      state.massQuotaRemaining = remaining;
    },
    setFreePublishUnauthorized(on) {
      state.freePublishUnauthorized = on;
    },
    setPublishStatus(status, publishId) {
      if (publishId) {
        const p = state.publishes.get(publishId);
        if (p) p.status = status;
      } else state.defaultPublishStatus = status;
    },
    setMassStatus(status, msgId) {
      if (msgId) state.massStatus.set(msgId, status);
      else state.defaultMassStatus = status;
    },
    setFollowers(followers, tagIds = []) {
      const ids = typeof followers === 'number' ? Array.from({ length: followers }, (_, i) => `oFake${String(i).padStart(8, '0')}`) : followers;
      state.followers = ids.map((openid, i) => ({ openid, nickname: `粉丝${i + 1}`, tagIds, subscribeTime: 1_700_000_000 + i }));
    },
    setFollowerPageSize(n) {
      state.followerPageSize = n;
    },
    setTags(tags) {
      state.tags = tags;
    },
  };

  const ok = (res: RequestContext['res'], extra: Record<string, unknown> = {}) => sendJson(res, 200, { errcode: 0, errmsg: 'ok', ...extra });
  const fail = (res: RequestContext['res'], errcode: number, extra: Record<string, unknown> = {}) =>
    sendJson(res, 200, { errcode, errmsg: `${WECHAT_ERRMSG[errcode] ?? 'error'} rid: ${randomBytes(6).toString('hex')}`, ...extra });
  const json = (ctx: RequestContext): Record<string, unknown> | undefined => {
    try {
      const v = JSON.parse(ctx.body.toString('utf8')) as unknown;
      return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  };
  const issueToken = () => {
    state.tokenFetches += 1;
    const token = `FAKE_TOKEN_${randomBytes(12).toString('hex')}`;
    state.tokens.set(token, { expiresAt: Date.now() + state.tokenTtlSeconds * 1000, revoked: false });
    return { access_token: token, expires_in: state.tokenTtlSeconds };
  };

  const routes: Record<string, (ctx: RequestContext) => void> = {
    'GET /cgi-bin/token': (ctx) => {
      const { grant_type, appid, secret } = ctx.query;
      if (grant_type !== 'client_credential') return fail(ctx.res, 40002);
      if (appid !== state.appId) return fail(ctx.res, 40013);
      if (secret !== state.appSecret) return fail(ctx.res, 40125);
      sendJson(ctx.res, 200, issueToken());
    },
    'POST /cgi-bin/stable_token': (ctx) => {
      const b = json(ctx);
      if (!b) return fail(ctx.res, 47001);
      if (b.appid !== state.appId) return fail(ctx.res, 40013);
      if (b.secret !== state.appSecret) return fail(ctx.res, 40125);
      const current = [...state.tokens.entries()].find(([, t]) => !t.revoked && t.expiresAt > Date.now());
      if (current && !b.force_refresh) {
        return sendJson(ctx.res, 200, { access_token: current[0], expires_in: Math.floor((current[1].expiresAt - Date.now()) / 1000) });
      }
      sendJson(ctx.res, 200, issueToken());
    },
    'POST /cgi-bin/media/uploadimg': (ctx) => {
      const media = parseMultipart(ctx.req.headers['content-type'], ctx.body)?.find((p) => p.name === 'media');
      if (!media) return fail(ctx.res, 41005);
      if (!/\.(jpe?g|png)$/i.test(media.filename ?? '')) return fail(ctx.res, 40005);
      if (media.data.length >= 1024 * 1024) return fail(ctx.res, 40006);
      const url = `http://mmbiz.qpic.cn/mmbiz_jpg/fake${nextId()}/0`;
      state.uploads.push({ endpoint: 'uploadimg', filename: media.filename, contentType: media.contentType, bytes: media.data.length, url });
      sendJson(ctx.res, 200, { url });
    },
    'POST /cgi-bin/material/add_material': (ctx) => {
      const type = ctx.query.type;
      const media = parseMultipart(ctx.req.headers['content-type'], ctx.body)?.find((p) => p.name === 'media');
      if (!media) return fail(ctx.res, 41005);
      if (!['image', 'thumb', 'voice', 'video'].includes(type ?? '')) return fail(ctx.res, 40004);
      if (type === 'thumb' && (media.data.length > 64 * 1024 || !/\.jpe?g$/i.test(media.filename ?? ''))) return fail(ctx.res, 40006);
      if (type === 'image' && (media.data.length > 10 * 1024 * 1024 || !/\.(jpe?g|png|gif|bmp)$/i.test(media.filename ?? ''))) return fail(ctx.res, 40005);
      const mediaId = `MEDIA_${type}_${nextId()}`;
      const url = `http://mmbiz.qpic.cn/mmbiz_jpg/material${seq}/0`;
      state.materials.set(mediaId, { type: type!, url });
      state.uploads.push({ endpoint: 'add_material', type, filename: media.filename, contentType: media.contentType, bytes: media.data.length, mediaId });
      sendJson(ctx.res, 200, { media_id: mediaId, url });
    },
    'POST /cgi-bin/draft/add': (ctx) => {
      const b = json(ctx);
      const articles = b?.articles;
      if (!Array.isArray(articles) || articles.length === 0) return fail(ctx.res, 44002);
      for (const a of articles as Array<Record<string, unknown>>) {
        if (typeof a.title !== 'string' || [...a.title].length > 32) return fail(ctx.res, 45003);
        if (a.author !== undefined && [...String(a.author)].length > 16) return fail(ctx.res, 45110);
        if (a.digest !== undefined && [...String(a.digest)].length > 128) return fail(ctx.res, 45004);
        if (typeof a.content !== 'string' || a.content.length >= 20_000 || Buffer.byteLength(a.content) >= 1024 * 1024) return fail(ctx.res, 45002);
        if (!state.materials.has(String(a.thumb_media_id))) return fail(ctx.res, 40007);
      }
      const mediaId = `DRAFT_${nextId()}`;
      state.drafts.set(mediaId, { articles: articles as Array<Record<string, unknown>>, consumed: false });
      sendJson(ctx.res, 200, { media_id: mediaId });
    },
    'POST /cgi-bin/draft/delete': (ctx) => {
      const id = String(json(ctx)?.media_id ?? '');
      if (!state.drafts.delete(id)) return fail(ctx.res, 40007);
      ok(ctx.res);
    },
    'POST /cgi-bin/freepublish/submit': (ctx) => {
      if (state.freePublishUnauthorized) return fail(ctx.res, 48001);
      const id = String(json(ctx)?.media_id ?? '');
      const draft = state.drafts.get(id);
      if (!draft || draft.consumed) return fail(ctx.res, 53503);
      const publishId = `2247${nextId()}`;
      state.publishes.set(publishId, { mediaId: id, status: state.defaultPublishStatus, articleUrl: `https://mp.weixin.qq.com/s/fake${publishId}` });
      ok(ctx.res, { publish_id: publishId, msg_data_id: Number(publishId) + 1 });
    },
    'POST /cgi-bin/freepublish/get': (ctx) => {
      const id = String(json(ctx)?.publish_id ?? '');
      const p = state.publishes.get(id);
      if (!p) return fail(ctx.res, 40007);
      const detail = p.status === 0 ? { article_id: `ARTICLE_${id}`, article_detail: { count: 1, item: [{ idx: 1, article_url: p.articleUrl }] } } : {};
      sendJson(ctx.res, 200, { publish_id: id, publish_status: p.status, ...detail, fail_idx: p.status >= 2 ? [1] : [] });
    },
    'POST /cgi-bin/message/mass/sendall': (ctx) => massSend(ctx, false),
    'POST /cgi-bin/message/mass/send': (ctx) => massSend(ctx, true),
    'POST /cgi-bin/message/mass/get': (ctx) => {
      const id = String(json(ctx)?.msg_id ?? '');
      if (!state.massSends.some((m) => String(m.msgId) === id)) return fail(ctx.res, 40007);
      sendJson(ctx.res, 200, { msg_id: Number(id), msg_status: state.massStatus.get(id) ?? state.defaultMassStatus });
    },
    'GET /cgi-bin/user/get': (ctx) => {
      const after = ctx.query.next_openid;
      const start = after ? state.followers.findIndex((f) => f.openid === after) + 1 : 0;
      const page = state.followers.slice(start, start + state.followerPageSize);
      const last = page.at(-1)?.openid ?? '';
      sendJson(ctx.res, 200, {
        total: state.followers.length,
        count: page.length,
        ...(page.length ? { data: { openid: page.map((f) => f.openid) } } : {}),
        next_openid: page.length ? last : '',
      });
    },
    'POST /cgi-bin/user/info/batchget': (ctx) => {
      const list = json(ctx)?.user_list;
      if (!Array.isArray(list) || list.length === 0 || list.length > 100) return fail(ctx.res, 40032);
      sendJson(ctx.res, 200, { user_info_list: (list as Array<{ openid: string }>).map((u) => userInfo(u.openid)) });
    },
    'GET /cgi-bin/user/info': (ctx) => sendJson(ctx.res, 200, userInfo(ctx.query.openid ?? '')),
    'GET /cgi-bin/tags/get': (ctx) =>
      sendJson(ctx.res, 200, { tags: state.tags.map((t) => ({ ...t, count: state.followers.filter((f) => f.tagIds.includes(t.id)).length })) }),
    'POST /cgi-bin/menu/create': (ctx) => {
      const b = json(ctx);
      const buttons = b?.button;
      if (!Array.isArray(buttons) || buttons.length < 1 || buttons.length > 3) return fail(ctx.res, 40016);
      for (const btn of buttons as Array<{ name?: string; key?: string; sub_button?: Array<{ name?: string; key?: string }> }>) {
        if (!btn.name || Buffer.byteLength(btn.name) > 16) return fail(ctx.res, 40018);
        if (btn.key && Buffer.byteLength(btn.key) > 128) return fail(ctx.res, 40019);
        if (btn.sub_button && btn.sub_button.length > 5) return fail(ctx.res, 40023);
        for (const sub of btn.sub_button ?? []) {
          if (!sub.name || Buffer.byteLength(sub.name) > 60) return fail(ctx.res, 40018);
        }
      }
      state.menu = b;
      ok(ctx.res);
    },
    'GET /cgi-bin/menu/get': (ctx) => (state.menu ? sendJson(ctx.res, 200, { menu: state.menu }) : fail(ctx.res, 46003)),
    'GET /cgi-bin/get_current_selfmenu_info': (ctx) => sendJson(ctx.res, 200, { is_menu_open: state.menu ? 1 : 0, selfmenu_info: state.menu ?? {} }),
    'GET /cgi-bin/ticket/getticket': (ctx) => {
      if (ctx.query.type !== 'jsapi' && ctx.query.type !== 'wx_card') return fail(ctx.res, 40097);
      state.ticketFetches += 1;
      ok(ctx.res, { ticket: `FAKE_TICKET_${randomBytes(10).toString('hex')}`, expires_in: 7200 });
    },
    'POST /cgi-bin/message/custom/send': (ctx) => {
      state.customMessages.push(json(ctx));
      ok(ctx.res);
    },
    'POST /cgi-bin/message/template/send': (ctx) => {
      state.templateMessages.push(json(ctx));
      ok(ctx.res, { msgid: Number(nextId()) });
    },
  };

  function userInfo(openid: string) {
    const f = state.followers.find((x) => x.openid === openid);
    if (!f) return { subscribe: 0, openid };
    return {
      subscribe: 1,
      openid,
      language: 'zh_CN',
      subscribe_time: f.subscribeTime,
      unionid: undefined,
      remark: '',
      groupid: 0,
      tagid_list: f.tagIds,
      subscribe_scene: 'ADD_SCENE_QR_CODE',
      qr_scene: 0,
      qr_scene_str: '',
    };
  }

  function massSend(ctx: RequestContext, byOpenid: boolean) {
    const b = json(ctx);
    if (!b) return fail(ctx.res, 44002);
    const clientmsgid = typeof b.clientmsgid === 'string' ? b.clientmsgid : undefined;
    if (clientmsgid !== undefined) {
      if (Buffer.byteLength(clientmsgid) > 64) return fail(ctx.res, 45067);
      const previous = state.clientMsgIds.get(clientmsgid);
      if (previous !== undefined) return fail(ctx.res, 45065, { msg_id: previous });
    }
    if (b.msgtype !== 'mpnews') return fail(ctx.res, 40008);
    const mediaId = String((b.mpnews as { media_id?: string } | undefined)?.media_id ?? '');
    const draft = state.drafts.get(mediaId);
    if (!draft || draft.consumed) return fail(ctx.res, 40007);
    if (byOpenid) {
      const to = b.touser;
      if (!Array.isArray(to) || to.length < 2 || to.length > 10_000) return fail(ctx.res, 40130);
    } else if (!b.filter || typeof b.filter !== 'object') return fail(ctx.res, 47001);
    if (state.massQuotaRemaining !== null) {
      if (state.massQuotaRemaining <= 0) return fail(ctx.res, 45028);
      state.massQuotaRemaining -= 1;
    }
    const msgId = 3_147_480_000 + ++seq;
    if ((b.filter as { is_to_all?: boolean } | undefined)?.is_to_all) draft.consumed = true;
    if (clientmsgid !== undefined) state.clientMsgIds.set(clientmsgid, msgId);
    state.massSends.push({ msgId, clientmsgid, filter: b.filter, touser: byOpenid ? (b.touser as string[]) : undefined, mediaId, at: Date.now() });
    sendJson(ctx.res, 200, { errcode: 0, errmsg: 'send job submission success', msg_id: msgId, msg_data_id: 2_455_890_000 + seq });
  }

  return startFakeServer({
    port: options.port,
    state,
    controls,
    handle(ctx) {
      const key = `${ctx.req.method} ${ctx.path}`;
      const route = routes[key];
      if (!route) return sendJson(ctx.res, 404, { errcode: 404, errmsg: `fake wechat: no route ${key}` });
      if (!NO_TOKEN_PATHS.has(ctx.path)) {
        const token = ctx.query.access_token;
        if (!token) return fail(ctx.res, 41001);
        const t = state.tokens.get(token);
        if (!t || t.revoked) return fail(ctx.res, 40001);
        if (t.expiresAt <= Date.now()) return fail(ctx.res, 42001);
      }
      route(ctx);
    },
    failureResponder(ctx, spec) {
      const code = Number(spec.code ?? -1);
      sendJson(ctx.res, 200, { errcode: code, errmsg: spec.message ?? WECHAT_ERRMSG[code] ?? 'error' });
    },
  });
}
