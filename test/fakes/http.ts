/**
 * Shared plumbing for the fake provider servers: a tiny HTTP server with injectable failures,
 * a request log, and a control surface reachable both in-process and over HTTP (`/__fake/…`),
 * so a test can steer a fake that a child process started, or one that runs standalone.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  at: number;
}

/** A failure to inject into the next matching requests. */
export interface FailureSpec {
  /** How many requests fail (default 1). */
  count?: number;
  /** Only requests whose path (or provider action) contains this string. */
  match?: string;
  /** Answer with this HTTP status and an empty/plain body. */
  httpStatus?: number;
  /** Never answer (the client's timeout fires); the request is still processed when `processBeforeHang` is true. */
  hang?: boolean;
  /** With `hang`: apply the request (as if the provider accepted it) and then never answer. */
  processBeforeHang?: boolean;
  /** Provider error code to answer with (WeChat errcode number, Tencent/Aliyun code string). */
  code?: number | string;
  message?: string;
}

export interface FakeHandle<State, Controls> {
  url: string;
  port: number;
  state: State;
  controls: Controls & BaseControls;
  close(): Promise<void>;
}

export interface BaseControls {
  /** The next N (matching) requests fail as described. */
  failNext(spec: FailureSpec): void;
  /** Forget injected failures. */
  clearFailures(): void;
  /** Forget recorded requests (state specific to the provider is kept). */
  resetLog(): void;
}

export interface RequestContext {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  path: string;
  query: Record<string, string>;
  body: Buffer;
  /** Key used to match injected failures (the path, or the provider action). */
  matchKey: string;
}

export type Handler = (ctx: RequestContext) => Promise<void> | void;

export function readBody(req: http.IncomingMessage, limit = 20 * 1024 * 1024): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown, contentType = 'application/json; charset=utf-8'): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

interface FailureSlot extends FailureSpec {
  remaining: number;
}

/**
 * Starts a fake: `handle` answers provider requests; `failureResponder` turns an injected provider error code
 * into that provider's error body. `controlExtras` maps `/__fake/<name>` POSTs (JSON array of args) to controls.
 */
export async function startFakeServer<State extends { requests: RecordedRequest[] }, Controls extends object>(opts: {
  port?: number;
  state: State;
  controls: Controls;
  matchKeyOf?: (req: http.IncomingMessage, path: string) => string;
  handle: Handler;
  failureResponder: (ctx: RequestContext, spec: FailureSpec) => void;
}): Promise<FakeHandle<State, Controls>> {
  const failures: FailureSlot[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const base: BaseControls = {
    failNext(spec) {
      failures.push({ ...spec, remaining: spec.count ?? 1 });
    },
    clearFailures() {
      failures.length = 0;
    },
    resetLog() {
      opts.state.requests.length = 0;
    },
  };
  const controls = Object.assign(opts.controls, base) as Controls & BaseControls;

  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const path = url.pathname;
      const query = Object.fromEntries(url.searchParams.entries());
      const body = await readBody(req);
      if (path.startsWith('/__fake/')) return control(res, path.slice('/__fake/'.length), req.method ?? 'GET', body);
      opts.state.requests.push({ method: req.method ?? 'GET', path, query, headers: req.headers, body, at: Date.now() });
      const matchKey = opts.matchKeyOf ? opts.matchKeyOf(req, path) : path;
      const ctx: RequestContext = { req, res, path, query, body, matchKey };
      const slot = failures.find((f) => f.remaining > 0 && (!f.match || matchKey.includes(f.match)));
      if (slot) {
        slot.remaining -= 1;
        if (slot.remaining <= 0) failures.splice(failures.indexOf(slot), 1);
        if (slot.hang) {
          if (slot.processBeforeHang) {
            // Let the handler apply the request, but swallow its answer.
            const sink = new http.ServerResponse(req);
            await opts.handle({ ...ctx, res: sink });
          }
          return; // never answer; the socket is destroyed on close()
        }
        if (slot.httpStatus) {
          res.writeHead(slot.httpStatus, { 'content-type': 'text/plain' });
          res.end(http.STATUS_CODES[slot.httpStatus] ?? 'error');
          return;
        }
        return opts.failureResponder(ctx, slot);
      }
      await opts.handle(ctx);
    })().catch((err: Error) => {
      if (!res.headersSent) sendJson(res, 500, { fakeError: err.message });
      else res.end();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  function control(res: http.ServerResponse, name: string, method: string, body: Buffer): void {
    if (method === 'GET' && name === 'state') return sendJson(res, 200, serialisableState(opts.state));
    const fn = (controls as unknown as Record<string, unknown>)[name];
    if (method !== 'POST' || typeof fn !== 'function') return sendJson(res, 404, { error: `no control ${name}` });
    const args = body.length ? (JSON.parse(body.toString('utf8')) as unknown[]) : [];
    const result = (fn as (...a: unknown[]) => unknown).apply(controls, Array.isArray(args) ? args : [args]);
    sendJson(res, 200, { ok: true, result: result ?? null });
  }

  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    state: opts.state,
    controls,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The state without raw request bodies (which can be large), for `GET /__fake/state`. */
function serialisableState(state: object): unknown {
  return JSON.parse(
    JSON.stringify(state, (key, value: unknown) => {
      if (key === 'requests' && Array.isArray(value)) {
        return (value as RecordedRequest[]).map((r) => ({ method: r.method, path: r.path, query: r.query, bytes: r.body.length, at: r.at }));
      }
      if (value instanceof Map) return Object.fromEntries(value);
      if (value instanceof Set) return [...value];
      return value;
    }),
  );
}

/** Calls a control of a fake running in another process. */
export async function remoteControl(baseUrl: string, name: string, ...args: unknown[]): Promise<unknown> {
  const res = await fetch(`${baseUrl}/__fake/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(args) });
  if (!res.ok) throw new Error(`fake control ${name}: HTTP ${res.status}`);
  return ((await res.json()) as { result: unknown }).result;
}

/** Reads the state of a fake running in another process (request bodies omitted). */
export async function remoteState<T = Record<string, unknown>>(baseUrl: string): Promise<T> {
  const res = await fetch(`${baseUrl}/__fake/state`);
  return (await res.json()) as T;
}

const pad = (n: number) => String(n).padStart(2, '0');
/** Asia/Shanghai wall time "yyyy-MM-dd HH:mm:ss", as both Aliyun and Tencent report receipt times. */
export function shanghai(ms: number): string {
  const d = new Date(ms + 8 * 3_600_000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}
