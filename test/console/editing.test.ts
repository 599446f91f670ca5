/**
 * The editor's safety nets: drafts save themselves, an API error shows in Chinese beside the field it names, a save
 * on top of someone else's newer version is caught with a clear choice, and the revisions show what changed.
 */
import { expect } from 'chai';
import { expectNoProblems, shoot, startConsoleEnv, type ConsoleEnv } from './support';

describe('console: editing safety', function () {
  this.timeout(120_000);
  let env: ConsoleEnv;
  before(async () => {
    env = await startConsoleEnv('console_editing');
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await env.recordFailure(this.currentTest.title);
  });
  after(async () => {
    await env?.close();
  });

  it('autosaves, names the bad field in Chinese, catches a conflicting save and shows the revisions', async () => {
    const page = await env.signIn('editor');
    await page.goto(`${env.app.url}/admin/content/articles/new`);
    await page.getByLabel('标题', { exact: true }).fill('乡镇人大主席团工作纪实');
    await page.locator('#f-body').fill('主席团组织代表开展集中视察。');
    // No click on 保存: the draft saves itself a few seconds after typing stops.
    await page.waitForURL(/\/admin\/content\/articles\/[0-9a-f]{24}$/, { timeout: 20_000 });
    await page.getByTestId('save-state').getByText(/已保存/).waitFor({ timeout: 20_000 });
    const id = page.url().split('/').pop()!;

    // A bad value comes back from the API and shows beside its field, in Chinese.
    await page.getByLabel('网址别名（留空自动生成）').fill('Bad Slug!');
    await page.getByRole('button', { name: '保存', exact: true }).click();
    const slugItem = page.locator('.el-form-item', { hasText: '网址别名' });
    await slugItem.locator('.el-form-item__error').waitFor();
    expect(await slugItem.locator('.el-form-item__error').textContent()).to.match(/[\u4e00-\u9fa5]/);
    await shoot(page, 'article-field-error');
    await page.getByLabel('网址别名（留空自动生成）').fill('');

    // Someone else saves a newer version meanwhile.
    const other = (await env.app.loginAs('reviewer')).token; // a reviewer may correct anyone's draft
    const current = await env.app.request('GET', `/api/admin/articles/${id}`, { token: other });
    const theirs = await env.app.request('PATCH', `/api/admin/articles/${id}`, { token: other, body: { version: current.body.version, body: '主席团组织代表开展集中视察，听取群众意见。' } });
    expect(theirs.status, theirs.text).to.equal(200);

    await page.locator('#f-body').fill('主席团组织代表开展集中视察，形成视察报告。');
    await page.getByRole('button', { name: '保存', exact: true }).click();
    await page.getByTestId('conflict').waitFor();
    expect(await page.getByTestId('conflict').textContent()).to.include('其他人在您编辑期间保存了新版本');
    await shoot(page, 'article-conflict');
    await page.getByRole('button', { name: '用我的内容覆盖' }).click();
    await page.getByTestId('save-state').getByText(/已保存/).waitFor();
    const saved = await env.app.request('GET', `/api/admin/articles/${id}`, { token: other });
    expect(saved.body.body).to.equal('主席团组织代表开展集中视察，形成视察报告。');

    await page.getByRole('button', { name: '版本记录' }).click();
    const drawer = page.getByRole('dialog', { name: '版本记录' });
    // The newest version against the one before: the words that came in are marked, those that went out struck.
    await drawer.locator('pre.diff ins.diff-ins', { hasText: '形成视察报告' }).first().waitFor();
    await drawer.locator('pre.diff del.diff-del', { hasText: '听取群众意见' }).first().waitFor();
    await shoot(page, 'article-revisions');
    expectNoProblems(page, [/HTTP 400: .*\/api\/admin\/articles\//, /HTTP 409: .*\/api\/admin\/articles\//]);
  });
});
