/**
 * The one way the console talks to the server: openapi-fetch over the generated schema, the session cookie sent
 * by the browser (never a token in script-readable storage), and the CSRF token echoed on unsafe requests.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';

export const CSRF_COOKIE = 'lianxin_csrf';
export const CSRF_HEADER = 'X-CSRF-Token';

export interface FieldProblem {
  field: string;
  message: string;
}

/** The server's error shape {"error":{"code","message","details"}} as an exception. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown,
  ) {
    super(message);
  }

  /** Field problems named by `details` (validation errors), keyed without the `body.` / `query.` prefix. */
  get fields(): FieldProblem[] {
    if (!Array.isArray(this.details)) return [];
    return this.details
      .filter((d): d is FieldProblem => !!d && typeof d === 'object' && typeof (d as FieldProblem).field === 'string')
      .map((d) => ({ field: d.field.replace(/^(body|query|params)\./, ''), message: String(d.message ?? '') }));
  }
}

let heldCsrf = '';
/** The CSRF token as /api/auth/session and /api/auth/me return it (kept in memory only). */
export function holdCsrfToken(token: string | undefined): void {
  heldCsrf = token ?? '';
}

export function csrfToken(): string {
  if (heldCsrf) return heldCsrf;
  const match = document.cookie.split('; ').find((c) => c.startsWith(`${CSRF_COOKIE}=`));
  return match ? decodeURIComponent(match.slice(CSRF_COOKIE.length + 1)) : '';
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Called when the server says the session is gone (401): the app returns to the sign-in page. */
let onSignedOut: () => void = () => {};
export function whenSignedOut(handler: () => void): void {
  onSignedOut = handler;
}

const session: Middleware = {
  onRequest({ request }) {
    if (UNSAFE.has(request.method)) request.headers.set(CSRF_HEADER, csrfToken());
    return request;
  },
  onResponse({ response, request }) {
    if (response.status === 401 && !request.url.includes('/api/auth/')) onSignedOut();
    return response;
  },
};

export const client = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });
client.use(session);

type Result = { data?: unknown; error?: unknown; response: Response };

/** Resolves to the response body, or throws ApiError with the server's code, Chinese message and details. */
export async function unwrap<T>(call: Promise<Result>): Promise<T> {
  let result: Result;
  try {
    result = await call;
  } catch {
    throw new ApiError(0, 'network', '网络连接失败，请检查网络后重试', null);
  }
  if (result.response.ok) return result.data as T;
  const body = result.error as { error?: { code?: string; message?: string; details?: unknown } } | undefined;
  const e = body?.error;
  throw new ApiError(result.response.status, e?.code ?? `http_${result.response.status}`, e?.message ?? `服务器错误（${result.response.status}）`, e?.details ?? null);
}

/**
 * The same client for calls whose path is built at run time (the four content kinds share their endpoints under
 * /api/admin/{articles|deputies|groups|cases}/…): same middleware (CSRF, sign-out on 401), same errors.
 */
export async function request<T>(method: string, url: string, body?: unknown): Promise<T> {
  const dynamic = client as unknown as { request(m: string, u: string, init: { body?: unknown }): Promise<Result> };
  return unwrap<T>(dynamic.request(method.toLowerCase(), url, body === undefined ? {} : { body }));
}

/** Multipart upload with progress (fetch has no upload progress): XMLHttpRequest with the same cookie + CSRF. */
export function upload<T>(url: string, form: FormData, onProgress: (percent: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.withCredentials = true;
    xhr.setRequestHeader(CSRF_HEADER, csrfToken());
    xhr.upload.onprogress = (ev) => {
      if (ev.lengthComputable) onProgress(Math.round((ev.loaded / ev.total) * 100));
    };
    xhr.onerror = () => reject(new ApiError(0, 'network', '上传失败：网络连接中断', null));
    xhr.onload = () => {
      let body: any = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // not JSON
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as T);
      else {
        if (xhr.status === 401) onSignedOut();
        reject(new ApiError(xhr.status, body?.error?.code ?? `http_${xhr.status}`, body?.error?.message ?? `上传失败（${xhr.status}）`, body?.error?.details ?? null));
      }
    };
    xhr.send(form);
  });
}
