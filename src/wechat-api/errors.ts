/**
 * WeChat API failures as one typed error. `transient` says whether trying again later can succeed;
 * `mayHaveBeenAccepted` says whether WeChat may have acted on the request although we got no answer.
 */

/**
 * errcodes after which a retry within minutes can succeed. Not 45009 (the API's daily quota is spent): the
 * pipeline's retries would only spend the remaining attempts, so it is permanent with a clear reason.
 */
const TRANSIENT_ERRCODES = new Set([
  -1, // system busy
  45011, // per-minute API quota
  45066, // same clientmsgid retried too fast: retry after a minute
]);

/** errcodes that mean our access token is no longer good: refresh once and retry. */
export const TOKEN_ERRCODES = new Set([40001, 40014, 42001]);

export class WechatApiError extends Error {
  constructor(
    message: string,
    /** WeChat errcode; 0 when the failure was not a WeChat answer (network, HTTP status). */
    readonly errcode: number,
    readonly errmsg: string,
    readonly transient: boolean,
    /** The API path that failed, e.g. "/cgi-bin/draft/add" (never the access token). */
    readonly api: string,
    readonly httpStatus?: number,
    mayHaveBeenAccepted = false,
    /** Extra fields WeChat returned with the error (e.g. msg_id with 45065). */
    readonly data?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'WechatApiError';
    // A send call answered with HTTP 5xx (wherever the error was built) is in doubt as well.
    this.mayHaveBeenAccepted = mayHaveBeenAccepted || (errcode === 0 && httpStatus !== undefined && httpStatus >= 500 && isSendApi(api));
  }

  readonly mayHaveBeenAccepted: boolean;
}

export function isTransientErrcode(errcode: number): boolean {
  return TRANSIENT_ERRCODES.has(errcode);
}

/**
 * Calls that send something to followers or publish it. WeChat answering them with HTTP 5xx does not say that
 * nothing happened: the request may have been carried out, so they are in doubt, never blindly repeated.
 */
const SEND_APIS = new Set(['/cgi-bin/freepublish/submit', '/cgi-bin/message/mass/sendall', '/cgi-bin/message/mass/send']);

export function isSendApi(api: string): boolean {
  return SEND_APIS.has(api);
}

/** The API path without host, query or access token. */
export function apiPath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url.split('?')[0];
  }
}

/** Converts whatever co-wechat-api / httpx threw into a WechatApiError. */
export function toWechatApiError(err: unknown, url: string): WechatApiError {
  if (err instanceof WechatApiError) return err;
  const e = err as { name?: string; code?: unknown; message?: string; data?: Record<string, unknown> };
  const api = apiPath(url);
  const message = String(e?.message ?? err);
  if (typeof e?.code === 'number') {
    const errmsg = message;
    return new WechatApiError(`WeChat ${api} errcode ${e.code}: ${errmsg}`, e.code, errmsg, isTransientErrcode(e.code), api, 200, false, e.data);
  }
  const status = /status code: (\d{3})/.exec(message);
  if (status) {
    const httpStatus = Number(status[1]);
    return new WechatApiError(`WeChat ${api} answered HTTP ${httpStatus}`, 0, `HTTP ${httpStatus}`, httpStatus >= 500 || httpStatus === 429, api, httpStatus);
  }
  // Network-level failures. A refused connection never reached WeChat; a timeout or reset may have.
  const refused = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH/i.test(`${e?.name} ${message} ${String(e?.code ?? '')}`);
  // httpx puts the whole URL in network errors; the token request carries the AppSecret in its query.
  const safeMessage = message.replace(/([?&](?:access_token|secret|appsecret)=)[^&\s]+/gi, '$1***');
  return new WechatApiError(`WeChat ${api} request failed: ${safeMessage}`, 0, safeMessage, true, api, undefined, !refused);
}
