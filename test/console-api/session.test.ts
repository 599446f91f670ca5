import { expect } from 'chai';
import { startTestApp, type TestApp } from '../support/app';
import { CookieClient, signInAs } from './support';

describe('console session: cookie sign-in, CSRF, logout', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ name: 'console-session', env: { LOGIN_MAX_FAILURES: '3' } });
  });
  after(() => app.close());

  it('signs in with an httpOnly SameSite=Strict cookie, never showing the token to the page', async () => {
    const editor = await app.loginAs('editor', '王编辑');
    const client = new CookieClient(app);
    const res = await client.signIn(editor.username, editor.password);
    expect(res.status).to.equal(200);
    expect(res.body.user).to.include({ username: editor.username, role: 'editor', displayName: '王编辑' });
    expect(res.body).not.to.have.property('token');
    expect(res.text).not.to.include(client.cookies.get('lianxin_session')!);
    const [session, csrf] = ['lianxin_session', 'lianxin_csrf'].map((name) => res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`))!);
    expect(session).to.match(/HttpOnly/).and.to.match(/SameSite=Strict/).and.to.match(/Path=\/api/).and.not.to.match(/Secure/);
    expect(csrf).to.match(/SameSite=Strict/).and.not.to.match(/HttpOnly/);
    expect(res.body.csrfToken).to.equal(client.csrfToken);
    expect(res.headers.get('cache-control')).to.equal('no-store');

    const me = await client.request('GET', '/api/auth/me');
    expect(me.status).to.equal(200);
    expect(me.body).to.include({ username: editor.username, role: 'editor', csrfToken: client.csrfToken });
    expect(me.body.permissions).to.include('POST /api/admin/articles').and.to.include('POST /api/admin/articles/{id}/submit');
    expect(me.body.permissions).not.to.include('POST /api/admin/users');
    expect(me.body.permissions).not.to.include('POST /api/admin/articles/{id}/approve');
  });

  it('refuses a cookie-authenticated unsafe request without the CSRF header, or with a wrong one', async () => {
    const { client } = await signInAs(app, 'editor');
    const body = { title: '测试', body: '正文' };
    const none = await client.request('POST', '/api/admin/articles', { body, csrf: false });
    expect(none.status).to.equal(403);
    expect(none.body.error.code).to.equal('csrf_token_invalid');
    const wrong = await client.request('POST', '/api/admin/articles', { body, csrf: 'x'.repeat(43) });
    expect(wrong.status).to.equal(403);
    expect(wrong.body.error.code).to.equal('csrf_token_invalid');
    // Another session's token does not fit this session.
    const other = await signInAs(app, 'editor');
    expect((await client.request('POST', '/api/admin/articles', { body, csrf: other.client.csrfToken })).status).to.equal(403);
    // Safe requests need no header.
    expect((await client.request('GET', '/api/admin/articles')).status).to.equal(200);
    const ok = await client.request('POST', '/api/admin/articles', { body });
    expect(ok.status).to.equal(201);
  });

  it('refuses cross-site requests by Sec-Fetch-Site and by Origin, even with the CSRF token', async () => {
    const { client, username, password } = await signInAs(app, 'editor');
    const body = { title: '跨站', body: '正文' };
    const bySecFetch = await client.request('POST', '/api/admin/articles', { body, headers: { 'sec-fetch-site': 'cross-site' } });
    expect(bySecFetch.status).to.equal(403);
    expect(bySecFetch.body.error.code).to.equal('cross_site_request');
    const byOrigin = await client.request('POST', '/api/admin/articles', { body, headers: { origin: 'https://evil.example' } });
    expect(byOrigin.status).to.equal(403);
    expect(byOrigin.body.error.code).to.equal('cross_site_request');
    // Our own origin passes.
    const ours = await client.request('POST', '/api/admin/articles', { body, headers: { origin: 'http://lianxin.test', 'sec-fetch-site': 'same-origin' } });
    expect(ours.status).to.equal(201);
    // Nor can another site sign a browser in (login CSRF).
    const crossLogin = await new CookieClient(app).signIn(username, password, { origin: 'https://evil.example' });
    expect(crossLogin.status).to.equal(403);
    expect(crossLogin.headers.getSetCookie()).to.deep.equal([]);
  });

  it('leaves public routes alone for a staffer whose cookie rides along without a CSRF header', async () => {
    const { client } = await signInAs(app, 'reviewer');
    const res = await client.request('GET', '/api/public/search?q=代表');
    expect(res.status).to.equal(200);
  });

  it('logout ends the cookie session at once and clears the cookies', async () => {
    const { client } = await signInAs(app, 'reviewer');
    const stolen = new Map(client.cookies);
    const out = await client.request('POST', '/api/auth/logout');
    expect(out.status).to.equal(204);
    expect(out.headers.getSetCookie().join('\n')).to.match(/lianxin_session=;/).and.to.match(/lianxin_csrf=;/);
    expect(client.cookies.size).to.equal(0);
    // The old cookie, replayed, is dead.
    const replay = new CookieClient(app);
    for (const [k, v] of stolen) replay.cookies.set(k, v);
    const me = await replay.request('GET', '/api/auth/me');
    expect(me.status).to.equal(401);
    expect(me.body.error.code).to.equal('session_expired');
  });

  it('disabling a user ends their console session at once; a role change applies at once', async () => {
    const admin = await app.loginAs('admin');
    const { client, userId } = await signInAs(app, 'editor');
    expect((await client.request('GET', '/api/admin/articles')).status).to.equal(200);
    await app.request('PATCH', `/api/admin/users/${userId}`, { token: admin.token, body: { role: 'organizer' } });
    const me = await client.request('GET', '/api/auth/me');
    expect(me.body.role).to.equal('organizer');
    expect((await client.request('POST', '/api/admin/articles', { body: { title: 'x', body: 'y' } })).status).to.equal(403);
    await app.request('PATCH', `/api/admin/users/${userId}`, { token: admin.token, body: { disabled: true } });
    expect((await client.request('GET', '/api/auth/me')).status).to.equal(401);
    expect((await client.request('GET', '/api/admin/meetings')).status).to.equal(401);
  });

  it('gives a signed-out or wrong-role browser no data', async () => {
    const anonymous = new CookieClient(app);
    for (const path of ['/api/admin/articles', '/api/admin/users', '/api/admin/outbox', '/api/admin/meetings']) {
      expect((await anonymous.request('GET', path)).status, path).to.equal(401);
    }
    const { client } = await signInAs(app, 'organizer');
    const users = await client.request('GET', '/api/admin/users');
    expect(users.status).to.equal(403);
    expect(users.body).to.have.keys('error');
  });

  it('throttles and locks cookie sign-in exactly like the API login', async () => {
    const editor = await app.loginAs('editor');
    const client = new CookieClient(app);
    for (let i = 0; i < 3; i++) expect((await client.signIn(editor.username, 'wrong-password')).status).to.equal(401);
    const locked = await client.signIn(editor.username, editor.password);
    expect(locked.status).to.equal(429);
    expect(Number(locked.headers.get('retry-after'))).to.be.greaterThan(0);
    // The lock is shared with the bearer login.
    const viaApi = await app.request('POST', '/api/auth/login', { body: { username: editor.username, password: editor.password } });
    expect(viaApi.status).to.equal(429);
  });

  it('bearer tokens keep working for scripts without any CSRF header', async () => {
    const editor = await app.loginAs('editor');
    const res = await app.request('POST', '/api/admin/articles', { token: editor.token, body: { title: '脚本', body: '正文' }, headers: { origin: 'https://elsewhere.example' } });
    expect(res.status).to.equal(201);
  });

  it('changes the own password: checks the current one, ends the other sessions, keeps this one', async () => {
    const { client, username, password } = await signInAs(app, 'editor');
    const other = new CookieClient(app);
    expect((await other.signIn(username, password)).status).to.equal(200);

    const wrong = await client.request('POST', '/api/auth/password', { body: { currentPassword: 'not-my-password', newPassword: 'a-new-password-2' } });
    expect(wrong.status).to.equal(400);
    expect(wrong.body.error.details[0].field).to.equal('body.currentPassword');
    const short = await client.request('POST', '/api/auth/password', { body: { currentPassword: password, newPassword: 'short' } });
    expect(short.status).to.equal(400);
    expect(short.body.error.details[0].field).to.equal('body.newPassword');
    const noCsrf = await client.request('POST', '/api/auth/password', { body: { currentPassword: password, newPassword: 'a-new-password-2' }, csrf: false });
    expect(noCsrf.status).to.equal(403);

    const ok = await client.request('POST', '/api/auth/password', { body: { currentPassword: password, newPassword: 'a-new-password-2' } });
    expect(ok.status).to.equal(204);
    expect((await client.request('GET', '/api/auth/me')).status).to.equal(200);
    expect((await other.request('GET', '/api/auth/me')).status).to.equal(401);
    expect((await new CookieClient(app).signIn(username, password)).status).to.equal(401);
    expect((await new CookieClient(app).signIn(username, 'a-new-password-2')).status).to.equal(200);
  });
});

describe('console session in production', () => {
  it('sets Secure on the cookies in production', async () => {
    const prod = await startTestApp({ name: 'console-session-prod', env: { NODE_ENV: 'production', PUBLIC_BASE_URL: 'https://lianxin.example.cn' } });
    try {
      const editor = await prod.loginAs('editor');
      const res = await new CookieClient(prod).signIn(editor.username, editor.password);
      expect(res.status).to.equal(200);
      for (const c of res.headers.getSetCookie()) expect(c).to.match(/; Secure/);
    } finally {
      await prod.close();
    }
  });
});
