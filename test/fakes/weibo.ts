/**
 * A fake Weibo open platform (api.weibo.com) speaking the endpoints the channel uses, as documented
 * (src/channels/weibo/README.md): oauth2/access_token (one-use codes), 2/statuses/share (form or multipart with
 * `pic`; 140-character limit, safe-domain link, repeat-content refusal 20019), 2/statuses/user_timeline
 * (own posts, newest first, paged) and `{"request","error_code","error"}` answers, on demand through failNext.
 * Point the app at it with WEIBO_API_BASE=url.
 */
import { randomBytes } from 'node:crypto';
import { parseMultipart } from './multipart';
import { sendJson, startFakeServer, type FakeHandle, type RecordedRequest, type RequestContext } from './http';

export const WEIBO_ERRORS: Record<number, string> = {
  10023: 'User requests out of rate limit!',
  10022: 'IP requests out of rate limit!',
  20012: 'Text too long, please input text less than 140 characters!',
  20017: 'Repeat content!',
  20019: 'Repeat conetnt!',
  20018: 'Contain illegal website!',
  21325: 'invalid_grant',
  21327: 'expired_token',
  21332: 'invalid_access_token',
  21324: 'invalid_client',
};

export interface FakeWeiboState {
  appKey: string;
  appSecret: string;
  /** Host links in posts must use (the app's safe domain). */
  safeHost: string;
  uid: string;
  requests: RecordedRequest[];
  /** Codes handed out by `issueCode` and not yet exchanged. */
  codes: Set<string>;
  tokens: Map<string, { expiresAt: number }>;
  tokenTtlSeconds: number;
  posts: Array<{ id: string; mid: string; text: string; pic?: { filename?: string; contentType?: string; bytes: number }; at: number }>;
}

export interface FakeWeiboControls {
  /** An authorization code, as Weibo would put in the redirect after the user agreed. */
  issueCode(): string;
  /** Every issued token expires now (next calls get 21327). */
  expireTokens(): void;
  /** A post that exists on the account (e.g. made by hand, or by a worker that crashed before recording it). */
  addPost(text: string): string;
}

export type FakeWeibo = FakeHandle<FakeWeiboState, FakeWeiboControls>;

function weiboLength(text: string): number {
  let halves = 0;
  for (const ch of text) halves += ch.codePointAt(0)! < 128 ? 1 : 2;
  return Math.ceil(halves / 2);
}

export async function startFakeWeibo(options: { port?: number; appKey?: string; appSecret?: string; safeHost?: string; tokenTtlSeconds?: number } = {}): Promise<FakeWeibo> {
  const state: FakeWeiboState = {
    appKey: options.appKey ?? '1234567890',
    appSecret: options.appSecret ?? 'weibo-fake-secret',
    safeHost: options.safeHost ?? 'lianxin.test',
    uid: '5800000001',
    requests: [],
    codes: new Set(),
    tokens: new Map(),
    tokenTtlSeconds: options.tokenTtlSeconds ?? 157_679_999,
    posts: [],
  };
  let seq = 4_900_000_000_000_000;
  const controls: FakeWeiboControls = {
    issueCode() {
      const code = randomBytes(16).toString('hex');
      state.codes.add(code);
      return code;
    },
    expireTokens() {
      for (const t of state.tokens.values()) t.expiresAt = 0;
    },
    addPost(text) {
      const id = String(++seq);
      state.posts.unshift({ id, mid: id, text, at: Date.now() });
      return id;
    },
  };

  const error = (ctx: RequestContext, code: number, status = 400, message = WEIBO_ERRORS[code] ?? 'error') =>
    sendJson(ctx.res, status, { request: ctx.path, error_code: code, error: message });

  function params(ctx: RequestContext): { fields: Record<string, string>; pic?: FakeWeiboState['posts'][number]['pic'] } {
    const parts = parseMultipart(ctx.req.headers['content-type'], ctx.body);
    if (parts) {
      const fields: Record<string, string> = {};
      let pic;
      for (const p of parts) {
        if (p.name === 'pic') pic = { filename: p.filename, contentType: p.contentType, bytes: p.data.length };
        else fields[p.name] = p.data.toString('utf8');
      }
      return { fields, pic };
    }
    return { fields: { ...ctx.query, ...Object.fromEntries(new URLSearchParams(ctx.body.toString('utf8'))) } };
  }

  function tokenOk(ctx: RequestContext, token: string | undefined): boolean {
    const t = token ? state.tokens.get(token) : undefined;
    if (!t) {
      error(ctx, 21332, 403);
      return false;
    }
    if (t.expiresAt <= Date.now()) {
      error(ctx, 21327, 403);
      return false;
    }
    return true;
  }

  return startFakeServer({
    port: options.port,
    state,
    controls,
    handle(ctx) {
      if (ctx.path === '/oauth2/access_token' && ctx.req.method === 'POST') {
        const { fields } = params(ctx);
        if (fields.client_id !== state.appKey || fields.client_secret !== state.appSecret) return error(ctx, 21324);
        if (!fields.code || !state.codes.delete(fields.code)) return error(ctx, 21325);
        const token = `2.00${randomBytes(12).toString('hex')}`;
        state.tokens.set(token, { expiresAt: Date.now() + state.tokenTtlSeconds * 1000 });
        return sendJson(ctx.res, 200, { access_token: token, expires_in: state.tokenTtlSeconds, remind_in: String(state.tokenTtlSeconds), uid: state.uid });
      }
      if (ctx.path === '/2/statuses/share.json' && ctx.req.method === 'POST') {
        const { fields, pic } = params(ctx);
        if (!tokenOk(ctx, fields.access_token)) return;
        const text = fields.status ?? '';
        if (!text) return error(ctx, 20008, 400, 'Content is null!');
        if (weiboLength(text) > 140) return error(ctx, 20012);
        const links = text.match(/https?:\/\/[^\s]+/g) ?? [];
        if (!links.some((l) => new URL(l).host === state.safeHost)) return error(ctx, 20018);
        if (state.posts.some((p) => p.text === text)) return error(ctx, 20019);
        const id = String(++seq);
        state.posts.unshift({ id, mid: id, text, pic, at: Date.now() });
        return sendJson(ctx.res, 200, { id: Number(id), idstr: id, mid: id, text, created_at: new Date().toUTCString(), user: { id: Number(state.uid) } });
      }
      if (ctx.path === '/2/statuses/user_timeline.json' && ctx.req.method === 'GET') {
        if (!tokenOk(ctx, ctx.query.access_token)) return;
        const count = Math.min(100, Number(ctx.query.count ?? 20));
        const page = Math.max(1, Number(ctx.query.page ?? 1));
        const slice = state.posts.slice((page - 1) * count, page * count);
        return sendJson(ctx.res, 200, { statuses: slice.map((p) => ({ id: Number(p.id), idstr: p.id, mid: p.mid, text: p.text })), total_number: state.posts.length });
      }
      return error(ctx, 10020, 404, 'Request Api not found!');
    },
    failureResponder(ctx, spec) {
      const code = Number(spec.code ?? 10001);
      error(ctx, code, code >= 21300 && code < 21400 ? 403 : 400, spec.message);
    },
  });
}
