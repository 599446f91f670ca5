/**
 * The running application for HTTP tests: real config, real server on an ephemeral port, a fresh database
 * per call (so each test file starts clean), and helpers to sign in as any role.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { loadConfig, type Config } from '../../src/config';
import type { TestClock } from './clock';
import { startService, type RunningService } from '../../src/server';
import { createUser } from '../../src/auth/service';
import type { Role } from '../../src/auth/roles';
import { mongoUriFor, uniqueDbName } from './database';
import type { Logger } from '../../src/logger';

export interface TestResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  /** Sent as-is (no JSON encoding). */
  rawBody?: string | Buffer | FormData;
  headers?: Record<string, string>;
}

export interface TestApp {
  url: string;
  config: Config;
  service: RunningService;
  dataDir: string;
  request<T = any>(method: string, urlPath: string, options?: RequestOptions): Promise<TestResponse<T>>;
  /**
   * Creates a user with this role (unique username) and returns a bearer token for it. A `department` user
   * acts for `departmentId`, by default a fresh id naming no unit (it then sees nothing).
   */
  loginAs(role: Role, displayName?: string, departmentId?: string): Promise<{ token: string; userId: string; username: string; password: string }>;
  close(): Promise<void>;
}

export async function startTestApp(options: { env?: Record<string, string>; clock?: TestClock; name?: string; logger?: Logger } = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'lianxin-test-data-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    MONGODB_URI: mongoUriFor(uniqueDbName(options.name ?? 'app')),
    DATA_DIR: dataDir,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    SCHEDULER_ENABLED: 'false',
    PUBLIC_BASE_URL: 'http://lianxin.test',
    // Tests move their clock and expect retries coming due to be claimed at the old 500 ms pace.
    PUBLISHING_IDLE_POLL_MS: '500',
    ...options.env,
  });
  const service = await startService(config, { clock: options.clock, logger: options.logger });

  async function request<T>(method: string, urlPath: string, opts: RequestOptions = {}): Promise<TestResponse<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: RequestInit['body'];
    if (opts.rawBody !== undefined) body = opts.rawBody as RequestInit['body'];
    else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${service.url}${urlPath}`, { method, headers, body, redirect: 'manual' });
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  }

  return {
    url: service.url,
    config,
    service,
    dataDir,
    request,
    async loginAs(role, displayName, departmentId) {
      const username = `${role}-${randomBytes(3).toString('hex')}`;
      const password = `pw-${randomBytes(8).toString('hex')}`;
      const unit = role === 'department' ? { departmentId: departmentId ?? randomBytes(12).toString('hex') } : {};
      const user = await createUser({ username, password, role, displayName, ...unit }, service.services.clock.now());
      const res = await request<{ token: string }>('POST', '/api/auth/login', { body: { username, password } });
      if (res.status !== 200) throw new Error(`login as ${role} failed: ${res.status} ${res.text}`);
      return { token: res.body.token, userId: user.id, username, password };
    },
    async close() {
      await mongoose.connection.db?.dropDatabase().catch(() => {});
      await service.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
