/** Who is signed in. The session itself is an httpOnly cookie the page cannot read; this holds only the profile. */
import { reactive } from 'vue';
import { ApiError, CSRF_COOKIE, client, holdCsrfToken, unwrap } from '../api/http';
import type { Me, Role } from '../api/types';
import { setServerNow } from '../utils/time';

export const session = reactive({ user: null as Me | null, checked: false });

export async function loadSession(): Promise<Me | null> {
  // No CSRF cookie: no session either (they are set and cleared together), so no need to ask.
  if (!document.cookie.split('; ').some((c) => c.startsWith(`${CSRF_COOKIE}=`))) {
    session.user = null;
    session.checked = true;
    return null;
  }
  try {
    const me = await unwrap<Me>(client.GET('/api/auth/me'));
    session.user = me;
    holdCsrfToken(me.csrfToken);
    setServerNow(me.now);
  } catch (err) {
    if (!(err instanceof ApiError) || (err.status !== 401 && err.status !== 403)) throw err;
    session.user = null;
  } finally {
    session.checked = true;
  }
  return session.user;
}

export function clearSession(): void {
  session.user = null;
  holdCsrfToken('');
}

export async function signIn(username: string, password: string): Promise<Me> {
  const res = await unwrap<{ user: Me; csrfToken: string }>(client.POST('/api/auth/session', { body: { username, password } }));
  holdCsrfToken(res.csrfToken);
  // /me adds the clock and permissions the sign-in answer lacks.
  return (await loadSession()) ?? res.user;
}

export async function signOut(): Promise<void> {
  try {
    await unwrap(client.POST('/api/auth/logout'));
  } finally {
    clearSession();
  }
}

/** Same rule as the server: admin passes every role check. */
export function hasRole(...roles: Role[]): boolean {
  const u = session.user;
  return !!u && (u.role === 'admin' || roles.includes(u.role));
}
