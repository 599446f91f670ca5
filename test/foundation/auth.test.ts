import { expect } from 'chai';
import { startTestApp, type TestApp } from '../support/app';

describe('accounts and sessions', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ name: 'auth' });
  });
  after(() => app.close());

  it('logs in, identifies the user, and logout revokes exactly that token', async () => {
    const editor = await app.loginAs('editor', '张编辑');
    const me = await app.request('GET', '/api/auth/me', { token: editor.token });
    expect(me.status).to.equal(200);
    expect(me.body).to.include({ username: editor.username, role: 'editor', displayName: '张编辑' });
    expect(me.body).not.to.have.property('passwordHash');

    const second = await app.request('POST', '/api/auth/login', { body: { username: editor.username, password: editor.password } });
    expect(second.status).to.equal(200);

    expect((await app.request('POST', '/api/auth/logout', { token: editor.token })).status).to.equal(204);
    expect((await app.request('GET', '/api/auth/me', { token: editor.token })).status).to.equal(401);
    expect((await app.request('GET', '/api/auth/me', { token: second.body.token })).status).to.equal(200);
  });

  it('refuses a wrong password and an unknown user alike', async () => {
    const editor = await app.loginAs('editor');
    const wrong = await app.request('POST', '/api/auth/login', { body: { username: editor.username, password: 'nope-nope-nope' } });
    const unknown = await app.request('POST', '/api/auth/login', { body: { username: 'nobody-here', password: 'nope-nope-nope' } });
    expect(wrong.status).to.equal(401);
    expect(unknown.status).to.equal(401);
    expect(wrong.body.error).to.deep.equal(unknown.body.error);
  });

  it('lets an admin create, change and disable users; disabling ends their sessions', async () => {
    const admin = await app.loginAs('admin');
    const created = await app.request('POST', '/api/admin/users', {
      token: admin.token,
      body: { username: 'li.reviewer', password: 'a-long-password-1', role: 'reviewer', displayName: '李审核' },
    });
    expect(created.status).to.equal(201);
    expect(created.body).to.include({ username: 'li.reviewer', role: 'reviewer' });

    const login = await app.request('POST', '/api/auth/login', { body: { username: 'li.reviewer', password: 'a-long-password-1' } });
    expect(login.status).to.equal(200);

    const disabled = await app.request('PATCH', `/api/admin/users/${created.body.id}`, { token: admin.token, body: { disabled: true } });
    expect(disabled.status).to.equal(200);
    expect((await app.request('GET', '/api/auth/me', { token: login.body.token })).status).to.equal(401);
    const again = await app.request('POST', '/api/auth/login', { body: { username: 'li.reviewer', password: 'a-long-password-1' } });
    expect(again.status).to.equal(401);

    const list = await app.request('GET', '/api/admin/users', { token: admin.token });
    expect(list.body.items.map((u: any) => u.username)).to.include('li.reviewer');
  });

  it('refuses short passwords and invalid roles with the field named', async () => {
    const admin = await app.loginAs('admin');
    const short = await app.request('POST', '/api/admin/users', { token: admin.token, body: { username: 'short', password: 'abc', role: 'editor' } });
    expect(short.status).to.equal(400);
    expect(short.body.error.details[0].field).to.equal('body.password');
    const role = await app.request('POST', '/api/admin/users', { token: admin.token, body: { username: 'x1', password: 'long-enough-pw', role: 'king' } });
    expect(role.status).to.equal(400);
    expect(role.body.error.details[0].field).to.equal('body.role');
  });
});

describe('login throttling', () => {
  // 4 failures per username; one address gets 4× as many (16), which this file's attempts stay under.
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ name: 'auth_throttle', env: { LOGIN_MAX_FAILURES: '4' } });
  });
  after(() => app.close());

  const attempt = (username: string, password: string) => app.request('POST', '/api/auth/login', { body: { username, password } });

  it('parallel attempts cannot get past the limit: each is counted before the password is checked', async () => {
    const victim = await app.loginAs('editor');
    const results = await Promise.all(Array.from({ length: 8 }, () => attempt(victim.username, 'wrong-password')));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).to.deep.equal([401, 401, 401, 401, 429, 429, 429, 429]);
    const right = await attempt(victim.username, victim.password);
    expect(right.status).to.equal(429);
    expect(Number(right.headers.get('retry-after'))).to.be.greaterThan(0);
  });

  it('a successful login clears the earlier failures', async () => {
    const user = await app.loginAs('reviewer');
    for (let i = 0; i < 3; i++) expect((await attempt(user.username, 'wrong-password')).status).to.equal(401);
    expect((await attempt(user.username, user.password)).status).to.equal(200);
    for (let i = 0; i < 3; i++) expect((await attempt(user.username, 'wrong-password')).status).to.equal(401);
    expect((await attempt(user.username, user.password)).status).to.equal(200);
  });
});
