/**
 * Media partners in the console, end to end against the running app: a reviewer adds a newspaper with pushes on
 * (the signing secret shown once), schedules its weekly column, records what ran, downloads a press kit, sees a
 * failed push and retries it until the partner's endpoint (checking the signature itself) has it, and reads the
 * month's media coverage; an admin issues a feed key, fetches the feed with it, rotates it (the old key stops at
 * once) and revokes the new one; an editor reads the registry but may not change it.
 */
import { expect } from 'chai';
import { article, WebhookReceiver } from '../partners/support';
import { expectNoProblems, shoot, startConsoleEnv, type ConsoleEnv } from './support';
import type { WatchedPage } from '../browser/support';

const DAY = 86_400_000;
const PARTNER = '石门日报';

async function until<T>(what: string, check: () => Promise<T | false | undefined>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The value a OnceSecret dialog shows, then "完成" (after copying, so no second question). */
async function takeSecret(page: WatchedPage): Promise<string> {
  const dialog = page.getByTestId('once-secret');
  await dialog.waitFor();
  const value = await dialog.getByRole('textbox', { name: '密钥', exact: true }).inputValue();
  await dialog.getByRole('button', { name: '复制', exact: true }).click();
  await page.getByTestId('secret-done').click();
  await dialog.waitFor({ state: 'hidden' });
  return value;
}

describe('console: media partners (registry, feed keys, pushes, columns, press kits, coverage)', function () {
  this.timeout(600_000);
  let env: ConsoleEnv;
  let receiver: WebhookReceiver;
  let partnerId = '';
  let firstTitle = '';

  before(async () => {
    env = await startConsoleEnv('console_partners', { env: { PARTNER_WEBHOOK_TIMEOUT_MS: '5000' } });
    receiver = await new WebhookReceiver(() => env.clock.now().getTime()).start();
    firstTitle = '石门县代表走访农户';
    await article({ title: firstTitle, region: { city: '海州市', county: '石门县' }, publishedAt: new Date(env.clock.now().getTime() - 2 * DAY) });
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await env.recordFailure(this.currentTest.title);
  });
  after(async () => {
    await env?.close();
    await receiver?.close();
  });

  it('a reviewer adds a partner with pushes, keeps its column and what ran, downloads a press kit and retries a failed push', async () => {
    const page = await env.signIn('reviewer');
    await page.getByRole('menubar').getByText('媒体合作', { exact: true }).click();
    await page.getByRole('menuitem', { name: '合作媒体', exact: true }).click();
    await page.waitForURL((u) => u.pathname === '/admin/partners');
    await page.getByRole('button', { name: '新增媒体' }).click();

    // The form checks before asking the server: a push needs an address.
    await page.getByLabel('媒体名称').fill(PARTNER);
    await page.getByLabel('姓名').fill('李编辑');
    await page.getByLabel('电话').fill('0736-5223344');
    await page.locator('.el-switch', { has: page.locator('#pf-push') }).click();
    await page.getByTestId('partner-save').click();
    await page.getByText('请填写以 http(s):// 开头的接收地址').waitFor();
    await page.getByLabel('接收地址').fill(receiver.url);
    await page.getByTestId('partner-save').click();

    // The signing secret, once; then the partner's page.
    receiver.secret = await takeSecret(page);
    expect(receiver.secret).to.match(/^whsec_/);
    await page.waitForURL((u) => /\/admin\/partners\/[0-9a-f]{24}$/.test(u.pathname));
    partnerId = page.url().split('/').pop()!;
    await page.getByTestId('partner-name').getByText(PARTNER).waitFor();

    // A weekly column from today, and the issue that ran the first article.
    await page.getByTestId('add-column').click();
    await page.getByLabel('栏目名称').fill('人大代表在身边');
    await page.getByLabel('版面/时段').fill('第 3 版');
    await page.getByTestId('column-save').click();
    const column = page.getByTestId('columns').locator('tr', { hasText: '人大代表在身边' }).first();
    await column.waitFor();
    await column.getByRole('button', { name: '记录刊播' }).click();
    await page.locator('.el-select__wrapper', { has: page.locator('#rn-items') }).click();
    await page.getByRole('option', { name: `【新闻】${firstTitle}` }).click();
    await page.getByLabel('备注').last().fill('半版');
    await page.getByTestId('run-save').click();
    await page.getByText('已记录刊播').waitFor();
    await column.locator('.el-table__expand-icon').click();
    await page.locator('.runs').getByText(`【新闻】${firstTitle}`).waitFor();
    await shoot(page, 'partner-columns');

    // The feed preview lists what the partner takes, each with its press kit.
    await page.getByRole('tab', { name: /供稿预览/ }).click();
    const row = page.getByTestId('feed-preview').locator('tr', { hasText: firstTitle });
    const kitHref = await row.getByRole('link', { name: '下载' }).getAttribute('href');
    const kit = await page.request.get(`${env.app.url}${kitHref}`);
    expect(kit.status()).to.equal(200);
    expect(kit.headers()['content-type']).to.contain('application/zip');
    expect((await kit.body()).subarray(0, 2).toString()).to.equal('PK');

    // A new article is published: the partner's endpoint first says it is gone (permanent), then takes it.
    receiver.behaviour = () => ({ status: 410 });
    const secondTitle = '石门县代表小组议事会';
    const second = await article({ title: secondTitle, region: { county: '石门县' }, status: 'approved' });
    const { token } = await env.app.loginAs('reviewer');
    const published = await env.app.request('POST', `/api/admin/articles/${second}/publish`, { token, body: { channels: ['microsite'] } });
    expect(published.status, published.text).to.equal(201);
    await page.getByRole('tab', { name: '发布推送' }).click();
    const push = page.getByTestId('push-deliveries').locator('tr', { hasText: secondTitle });
    await until('the push to fail', async () => {
      await page.getByRole('button', { name: '刷新' }).click();
      return (await push.getByText('失败').count()) > 0;
    });
    expect(receiver.requests.map((r) => r.signatureOk)).to.deep.equal([true]);
    await shoot(page, 'partner-push-failed');
    receiver.behaviour = () => ({ status: 200 });
    await push.getByRole('button', { name: '重试' }).click();
    await page.getByRole('dialog').getByRole('button', { name: '确定' }).click();
    await until('the retried push to arrive', async () => {
      await page.getByRole('button', { name: '刷新' }).click();
      return (await push.getByText('已发送').count()) > 0;
    });
    expect(receiver.requests.map((r) => r.signatureOk)).to.deep.equal([true, true]);
    expect(receiver.requests[1].eventId).to.equal(receiver.requests[0].eventId);
    expect(receiver.stored.size).to.equal(1);
    expect([...receiver.stored.values()][0].item.title).to.equal(secondTitle);

    // The schedule offers the new article to the column (the first one has run); the month counts what ran.
    await page.goto(`${env.app.url}/admin/partner-columns`);
    const upcoming = page.getByTestId('upcoming-column').filter({ hasText: '人大代表在身边' });
    await upcoming.getByRole('link', { name: secondTitle }).waitFor();
    expect(await upcoming.getByRole('link', { name: firstTitle }).count()).to.equal(0);
    await shoot(page, 'partner-schedule');
    await page.goto(`${env.app.url}/admin/media-coverage`);
    await page.getByTestId('coverage-runs').getByText('1', { exact: true }).waitFor();
    await page.getByTestId('media-coverage').getByRole('link', { name: PARTNER }).waitFor();
    await shoot(page, 'media-coverage');
    expectNoProblems(page);
  });

  it('an admin issues a feed key, the newsroom pulls the feed with it, rotating stops the old key at once and revoking the new', async () => {
    expect(partnerId, 'the first test made the partner').to.not.equal('');
    const page = await env.signIn('admin');
    await page.goto(`${env.app.url}/admin/partners/${partnerId}?tab=keys`);
    await page.getByTestId('issue-key').click();
    await page.getByRole('dialog').getByRole('textbox').fill('采编系统');
    await page.getByRole('dialog').getByRole('button', { name: '签发' }).click();
    const first = await takeSecret(page);
    expect(first).to.match(/^lxp_/);
    const keys = page.getByTestId('feed-keys');
    await keys.getByText('采编系统').waitFor();
    await shoot(page, 'partner-keys');

    const feed = (key: string) => fetch(`${env.app.url}/api/partner/feed.json?key=${encodeURIComponent(key)}`);
    const pulled = await feed(first);
    expect(pulled.status).to.equal(200);
    expect(((await pulled.json()) as any).items.map((i: any) => i.title)).to.include(firstTitle);

    // Rotate with no grace period: a new key is shown once, the old one is refused from now on.
    await keys.locator('tr', { hasText: '采编系统' }).getByRole('button', { name: '轮换' }).click();
    await page.getByRole('radio', { name: /立即失效/ }).check({ force: true });
    await page.getByTestId('rotate-confirm').click();
    const second = await takeSecret(page);
    expect(second).to.not.equal(first);
    const old = await feed(first);
    expect(old.status).to.equal(403);
    expect(((await old.json()) as any).error.code).to.equal('partner_key_revoked');
    expect((await feed(second)).status).to.equal(200);
    await keys.getByText('已吊销').waitFor();

    // Revoking the new key: confirmed, and the feed refuses it.
    await keys.locator('tr', { hasText: '有效' }).getByRole('button', { name: '吊销' }).click();
    await page.getByRole('dialog').getByRole('button', { name: '吊销' }).click();
    await page.getByText('已吊销', { exact: true }).first().waitFor();
    await until('the new key to be refused', async () => (await feed(second)).status === 403);
    expectNoProblems(page);
  });

  it('an editor reads the registry and records what ran, but may not add partners or see keys', async () => {
    const page = await env.signIn('editor');
    await page.goto(`${env.app.url}/admin/partners`);
    await page.getByRole('link', { name: PARTNER }).waitFor();
    expect(await page.getByRole('button', { name: '新增媒体' }).count()).to.equal(0);
    await page.getByRole('link', { name: PARTNER }).click();
    await page.getByTestId('partner-name').waitFor();
    expect(await page.getByRole('tab', { name: '订阅密钥' }).count()).to.equal(0);
    expect(await page.getByRole('button', { name: '编辑', exact: true }).count()).to.equal(0);
    await page.getByTestId('columns').getByRole('button', { name: '记录刊播' }).first().waitFor();
    expectNoProblems(page);
  });
});
