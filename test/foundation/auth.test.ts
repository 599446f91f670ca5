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

  it('refuses common and trivial passwords: repeats, sequences, keyboard walks, the username itself', async () => {
    const admin = await app.loginAs('admin');
    const weak = [
      ['wang.editor', 'aaaaaaaaaa'],
      ['wang.editor', '1234567890'],
      ['wang.editor', 'qwertyuiop'],
      ['wang.editor', 'password123'],
      ['wang.editor2', 'wang.editor2'],
      ['lianxin.admin', 'lianxin.admin'],
    ];
    for (const [username, password] of weak) {
      const res = await app.request('POST', '/api/admin/users', { token: admin.token, body: { username, password, role: 'editor' } });
      expect(res.status, password).to.equal(400);
      expect(res.body.error.details[0].field).to.equal('body.password');
    }
    const created = await app.request('POST', '/api/admin/users', { token: admin.token, body: { username: 'wang.editor', password: 'renda-daibiao-2026', role: 'editor' } });
    expect(created.status).to.equal(201);
    const change = await app.request('PATCH', `/api/admin/users/${created.body.id}`, { token: admin.token, body: { password: 'wang.editor' } });
    expect(change.status).to.equal(400);
    expect(change.body.error.details[0].field).to.equal('body.password');
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

describe('login throttling: normalised usernames, username × address locks, proxies', () => {
  // 3 failures per username and address; 30 per username from anywhere; 12 per address.
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ name: 'auth_throttle_pairs', env: { LOGIN_MAX_FAILURES: '3', TRUST_PROXY: 'true' } });
  });
  after(() => app.close());

  /** The client at `address`, behind one proxy that appended it to whatever the client sent. */
  const from = (address: string, username: string, password: string, spoofed?: string) =>
    app.request('POST', '/api/auth/login', {
      body: { username, password },
      headers: { 'x-forwarded-for': spoofed ? `${spoofed}, ${address}` : address },
    });

  it('counts padded, upper-case and full-width spellings of a username as the same username', async () => {
    const victim = await app.loginAs('editor');
    const spellings = [` ${victim.username}`, `${victim.username}   `, `\t${victim.username.toUpperCase()}`, victim.username.replace(/[a-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0))];
    const statuses = [];
    for (const name of spellings) statuses.push((await from('10.0.0.1', name, 'wrong-password')).status);
    expect(statuses).to.deep.equal([401, 401, 401, 429]);
    expect((await from('10.0.0.1', victim.username, victim.password)).status).to.equal(429);
  });

  it('a stranger locks only their own address out of an account, not its owner elsewhere', async () => {
    const owner = await app.loginAs('reviewer');
    for (let i = 0; i < 6; i++) await from('10.0.0.2', owner.username, 'wrong-password');
    expect((await from('10.0.0.2', owner.username, owner.password)).status).to.equal(429);
    expect((await from('10.0.0.3', owner.username, owner.password)).status).to.equal(200);
  });

  it('still locks an account guessed at from many addresses, at the slower account-wide limit', async () => {
    const target = await app.loginAs('editor');
    const statuses = [];
    for (let i = 0; i < 31; i++) statuses.push((await from(`10.1.${i}.1`, target.username, 'wrong-password')).status);
    expect(statuses.slice(0, 30).every((s) => s === 401)).to.equal(true);
    expect(statuses[30]).to.equal(429);
    expect((await from('10.2.0.1', target.username, target.password)).status).to.equal(429);
  });

  it('takes the address the trusted proxy saw, not what the client put in front of it', async () => {
    // 12 failures per address: a client rotating the left-most X-Forwarded-For entry is still one address.
    const statuses = [];
    for (let i = 0; i < 13; i++) statuses.push((await from('10.0.0.9', `nobody-${i}`, 'wrong-password', `203.0.113.${i}`)).status);
    expect(statuses.slice(0, 12).every((s) => s === 401)).to.equal(true);
    expect(statuses[12]).to.equal(429);
  });
});
