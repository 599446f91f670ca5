/**
 * The staff console's sign-in: the session token lives in an httpOnly, SameSite=Strict cookie (Secure in
 * production) that page scripts cannot read. Because a browser attaches cookies by itself, every unsafe request
 * that authenticates by cookie must also prove it comes from our own pages: not cross-site by Origin /
 * Sec-Fetch-Site, and carrying the CSRF token (derived from the session token, readable from a non-httpOnly cookie
 * and from /api/auth/me) in the X-CSRF-Token header. Bearer tokens are not sent by browsers on their own, so
 * scripts using them need none of this.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { AppContext } from '../http/context';

export const SESSION_COOKIE = 'lianxin_session';
export const CSRF_COOKIE = 'lianxin_csrf';
export const CSRF_HEADER = 'X-CSRF-Token';

/** The session cookie goes only to the API: the microsite's pages and their cache never see it. */
const SESSION_PATH = '/api';

export const SESSION_TOKEN_PATTERN = /^[A-Za-z0-9_-]{20,200}$/;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isUnsafeMethod(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

/** Bound to one session: knowing it gives nothing without the (unreadable) session cookie. */
export function csrfTokenFor(sessionToken: string): string {
  return createHash('sha256').update(`lianxin-csrf\0${sessionToken}`).digest('base64url');
}

export function csrfHeaderMatches(ctx: AppContext, sessionToken: string): boolean {
  const sent = Buffer.from(ctx.get(CSRF_HEADER));
  const expected = Buffer.from(csrfTokenFor(sessionToken));
  return sent.length === expected.length && timingSafeEqual(sent, expected);
}

function cookie(name: string, value: string, attrs: { path: string; httpOnly: boolean; secure: boolean; expires?: Date }): string {
  const parts = [`${name}=${value}`, `Path=${attrs.path}`, 'SameSite=Strict'];
  parts.push(attrs.expires ? `Expires=${attrs.expires.toUTCString()}` : 'Max-Age=0');
  if (attrs.httpOnly) parts.push('HttpOnly');
  if (attrs.secure) parts.push('Secure');
  return parts.join('; ');
}

// Written by hand rather than through ctx.cookies: Koa refuses a Secure cookie on a connection it does not see as
// TLS, which is every request behind a TLS-terminating proxy unless TRUST_PROXY is on.
export function setSessionCookies(ctx: AppContext, sessionToken: string, expiresAt: Date, secure: boolean): void {
  ctx.append('Set-Cookie', cookie(SESSION_COOKIE, sessionToken, { path: SESSION_PATH, httpOnly: true, secure, expires: expiresAt }));
  ctx.append('Set-Cookie', cookie(CSRF_COOKIE, csrfTokenFor(sessionToken), { path: '/', httpOnly: false, secure, expires: expiresAt }));
  ctx.set('Cache-Control', 'no-store');
}

export function clearSessionCookies(ctx: AppContext, secure: boolean): void {
  ctx.append('Set-Cookie', cookie(SESSION_COOKIE, '', { path: SESSION_PATH, httpOnly: true, secure }));
  ctx.append('Set-Cookie', cookie(CSRF_COOKIE, '', { path: '/', httpOnly: false, secure }));
}

export function sessionCookie(ctx: AppContext): string | undefined {
  const value = ctx.cookies.get(SESSION_COOKIE);
  return value && SESSION_TOKEN_PATTERN.test(value) ? value : undefined;
}
