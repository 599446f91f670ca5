/**
 * Who gets console data: nobody signed out, nobody in the wrong role, no cross-site request; and signing out or
 * being disabled ends the console session at once.
 */
import { expect } from 'chai';
import { expectNoProblems, startConsoleEnv, type ConsoleEnv } from './support';

describe('console: access', function () {
  this.timeout(120_000);
  let env: ConsoleEnv;
  before(async () => {
    env = await startConsoleEnv('console_access');
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await env.recordFailure(this.currentTest.title);
  });
  after(async () => {
    await env?.close();
  });

  it('sends a signed-out visitor to the sign-in page, with no data fetched', async () => {
    const page = await env.newPage();
    const apiCalls: string[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname.startsWith('/api/')) apiCalls.push(r.url());
    });
    await page.goto(`${env.app.url}/admin/content/articles`);
    await page.waitForURL(/\/admin\/login\?redirect=/);
    await page.getByRole('button', { name: '登录' }).waitFor();
    expect(apiCalls, 'no API call before signing in').to.deep.equal([]);
    // And the API itself answers nothing without the session.
    for (const path of ['/api/admin/articles', '/api/admin/my-work', '/api/admin/users']) {
      const res = await page.request.get(`${env.app.url}${path}`);
      expect(res.status(), path).to.equal(401);
    }
    // A wrong password is refused in Chinese, next to nothing else being revealed.
    await page.getByLabel('用户名').fill(env.users.editor.username);
    await page.getByLabel('密码').fill('wrong-password');
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).to.match(/[\u4e00-\u9fa5]/);
    expectNoProblems(page, [/\/api\/auth\/session/, /\/api\/admin\//]);
  });

  it('keeps an editor out of admin screens and admin data, and shows only their menu', async () => {
    const page = await env.signIn('editor');
    const menu = await page.locator('aside').textContent();
    expect(menu).to.include('内容管理');
    expect(menu).not.to.include('系统管理');
    expect(menu).not.to.include('会议活动');
    await page.goto(`${env.app.url}/admin/system/users`);
    await page.getByText('您的角色无权访问该页面').waitFor();
    expect(new URL(page.url()).pathname).to.equal('/admin/');
    // The API refuses the data too, with the session cookie the browser holds.
    const users = await page.request.get(`${env.app.url}/api/admin/users`);
    expect(users.status()).to.equal(403);
    const meetings = await page.request.get(`${env.app.url}/api/admin/meetings`);
    expect(meetings.status()).to.equal(403);
    expectNoProblems(page);
  });

  it('refuses a cross-site request and an unsafe request without the CSRF token', async () => {
    const page = await env.signIn('editor');
    const cookies = await page.context().cookies();
    const cookieHeader = cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const csrf = cookies.find((c) => c.name === 'lianxin_csrf')!.value;
    const body = JSON.stringify({ title: '跨站请求写入的文章' });
    const crossSite = await fetch(`${env.app.url}/api/admin/articles`, {
      method: 'POST',
      headers: { cookie: cookieHeader, 'content-type': 'application/json', origin: 'https://evil.example', 'sec-fetch-site': 'cross-site', 'x-csrf-token': csrf },
      body,
    });
    expect(crossSite.status).to.equal(403);
    const noToken = await fetch(`${env.app.url}/api/admin/articles`, { method: 'POST', headers: { cookie: cookieHeader, 'content-type': 'application/json' }, body });
    expect(noToken.status).to.equal(403);
    const list = await env.app.request('GET', '/api/admin/articles', { token: (await env.app.loginAs('editor')).token });
    expect(list.body.items).to.deep.equal([]);
  });

  it('ends the console session on sign-out and when the account is disabled', async () => {
    const page = await env.signIn('reviewer');
    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: '退出登录' }).click();
    await page.waitForURL(/\/admin\/login/);
    expect((await page.request.get(`${env.app.url}/api/admin/my-work`)).status()).to.equal(401);

    const other = await env.signIn('organizer');
    const admin = (await env.app.loginAs('admin')).token;
    const disabled = await env.app.request('PATCH', `/api/admin/users/${env.users.organizer.id}`, { token: admin, body: { disabled: true } });
    expect(disabled.status, disabled.text).to.equal(200);
    await other.getByTestId('work-meetings').getByRole('link', { name: '查看全部' }).click();
    await other.waitForURL(/\/admin\/login/);
    await other.getByText('登录已失效，请重新登录').waitFor();
    expectNoProblems(other, [/HTTP 401/]);
  });
});
