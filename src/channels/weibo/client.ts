/**
 * A small client for the parts of the Weibo open platform the channel uses (see README.md in this folder):
 * oauth2/access_token, 2/statuses/share (with an optional multipart `pic`) and 2/statuses/user_timeline.
 * Failures become WeiboApiErrors saying whether the request may have reached Weibo (timeouts, resets, 5xx).
 */

export interface WeiboStatus {
  id: number | string;
  idstr?: string;
  mid?: string;
  text: string;
  created_at?: string;
  original_pic?: string;
  url_struct?: Array<{ long_url?: string; url_long?: string }>;
}

export interface WeiboToken {
  accessToken: string;
  expiresInSeconds: number;
  uid: string;
}

export class WeiboApiError extends Error {
  constructor(
    message: string,
    /** Weibo error_code; 0 when the failure was not a Weibo answer (network, bare HTTP status). */
    readonly errorCode: number,
    readonly errorText: string,
    readonly api: string,
    readonly httpStatus?: number,
    /** The request may have been carried out although no usable answer came back. */
    readonly mayHaveBeenAccepted = false,
  ) {
    super(message);
    this.name = 'WeiboApiError';
  }
}

export interface WeiboPicture {
  data: Buffer;
  filename: string;
  contentType: string;
}

export class WeiboClient {
  constructor(
    private readonly apiBase: string,
    private readonly timeoutMs = 15_000,
  ) {}

  /** Exchanges the authorization code from the OAuth2 callback for the account's token. */
  async exchangeCode(opts: { appKey: string; appSecret: string; redirectUri: string; code: string }): Promise<WeiboToken> {
    const body = new URLSearchParams({
      client_id: opts.appKey,
      client_secret: opts.appSecret,
      grant_type: 'authorization_code',
      code: opts.code,
      redirect_uri: opts.redirectUri,
    });
    const res = (await this.call('/oauth2/access_token', { method: 'POST', body })) as { access_token?: string; expires_in?: number; uid?: string | number };
    if (!res.access_token || typeof res.expires_in !== 'number') throw new WeiboApiError('Weibo returned no access_token', 0, 'no access_token', '/oauth2/access_token', 200);
    return { accessToken: res.access_token, expiresInSeconds: res.expires_in, uid: String(res.uid ?? '') };
  }

  /** Posts `status` (which must hold a link in the app's safe domain), with the picture when given. */
  async share(accessToken: string, status: string, pic?: WeiboPicture): Promise<WeiboStatus> {
    let body: URLSearchParams | FormData;
    if (pic) {
      body = new FormData();
      body.set('access_token', accessToken);
      body.set('status', status);
      body.set('pic', new Blob([new Uint8Array(pic.data)], { type: pic.contentType }), pic.filename);
    } else {
      body = new URLSearchParams({ access_token: accessToken, status });
    }
    return (await this.call('/2/statuses/share.json', { method: 'POST', body }, true)) as WeiboStatus;
  }

  /** The account's own posts made through this app, newest first. */
  async userTimeline(accessToken: string, page: number, count = 100): Promise<WeiboStatus[]> {
    const q = new URLSearchParams({ access_token: accessToken, page: String(page), count: String(count) });
    const res = (await this.call(`/2/statuses/user_timeline.json?${q}`, { method: 'GET' })) as { statuses?: WeiboStatus[] };
    return res.statuses ?? [];
  }

  private async call(path: string, init: RequestInit, isSend = false): Promise<unknown> {
    const api = path.split('?')[0];
    let res: Response;
    try {
      res = await fetch(`${this.apiBase}${path}`, { ...init, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      const refused = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH/.test(`${e.cause?.code ?? ''} ${e.message}`);
      const what = e.name === 'TimeoutError' ? `no answer within ${this.timeoutMs} ms` : (e.cause?.code ?? e.message);
      throw new WeiboApiError(`Weibo ${api} request failed: ${what}`, 0, what, api, undefined, isSend && !refused);
    }
    const text = await res.text().catch(() => '');
    let json: Record<string, unknown> | undefined;
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      json = undefined;
    }
    const code = json ? Number(json.error_code ?? 0) : 0;
    if (code) {
      const msg = String(json?.error_description ?? json?.error ?? '');
      throw new WeiboApiError(`Weibo ${api} error ${code}: ${msg}`, code, msg, api, res.status);
    }
    if (!res.ok || !json) {
      throw new WeiboApiError(`Weibo ${api} answered HTTP ${res.status}`, 0, `HTTP ${res.status}`, api, res.status, isSend && res.status >= 500);
    }
    return json;
  }
}
