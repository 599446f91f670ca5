/**
 * A browser-like client of the console's cookie session: keeps the cookies the server sets (as a browser would for
 * /api and /), sends them back, and can add the CSRF header and browser-set headers (Origin, Sec-Fetch-Site).
 */
import { randomBytes } from 'node:crypto';
import type { Role } from '../../src/auth/roles';
import { createUser } from '../../src/auth/service';
import type { TestApp, TestResponse } from '../support/app';
import { testDate } from '../support/clock';

export interface CookieRequestOptions {
  body?: unknown;
  /** Send the X-CSRF-Token header (default: yes, with the token from the CSRF cookie). */
  csrf?: boolean | string;
  headers?: Record<string, string>;
}

export class CookieClient {
  readonly cookies = new Map<string, string>();

  constructor(readonly app: TestApp) {}

  get csrfToken(): string | undefined {
    return this.cookies.get('lianxin_csrf');
  }

  async signIn(username: string, password: string, headers: Record<string, string> = {}): Promise<TestResponse> {
    return this.request('POST', '/api/auth/session', { body: { username, password }, csrf: false, headers });
  }

  async request<T = any>(method: string, urlPath: string, options: CookieRequestOptions = {}): Promise<TestResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const csrf = options.csrf ?? true;
    if (csrf !== false && method !== 'GET') {
      const token = typeof csrf === 'string' ? csrf : this.csrfToken;
      if (token) headers['x-csrf-token'] = token;
    }
    const res = await this.app.request<T>(method, urlPath, { body: options.body, headers });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const expired = attrs.some((a) => /^max-age=0$/i.test(a)) || value === '';
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }
}

/** A user of this role and a cookie client signed in as them. */
export async function signInAs(app: TestApp, role: Role, displayName?: string) {
  const username = `${role}-${randomBytes(3).toString('hex')}`;
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const user = await createUser({ username, password, role, displayName }, app.service.services.clock.now());
  const client = new CookieClient(app);
  const res = await client.signIn(username, password);
  if (res.status !== 200) throw new Error(`cookie sign-in as ${role} failed: ${res.status} ${res.text}`);
  return { client, userId: user.id, username, password };
}

export const HOUR = 3_600_000;
/**
 * Where the test clock starts: a fixed instant in TEST_YEAR (10:00 on 10 March in Beijing), ahead of the wall clock so
 * the database's TTL monitor leaves sessions alone, and mid-day, mid-month so the hours the tests add cross no Beijing
 * day or month. Not the next whole hour: a clock set back to that instant later in the run falls behind the wall clock.
 */
export const clockStart = (): Date => testDate('03-10T02:00:00Z');
