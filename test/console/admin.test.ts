/**
 * The admin's job in the console: add a keyword rule (and see the account answer with it), edit the menu as a tree
 * held to WeChat's limits; and a look at each admin screen at both widths.
 */
import { expect } from 'chai';
import { expectNoProblems, shoot, startConsoleEnv, type ConsoleEnv } from './support';

describe('console: admin', function () {
  this.timeout(150_000);
  let env: ConsoleEnv;
  before(async () => {
    env = await startConsoleEnv('console_admin');
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await env.recordFailure(this.currentTest.title);
  });
  after(async () => {
    await env?.close();
  });

  it('adds a keyword rule and edits the menu tree within the account limits', async () => {
    const page = await env.signIn('admin');
    await page.goto(`${env.app.url}/admin/wechat/keywords`);
    await page.getByRole('button', { name: '新建规则' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('规则名称').fill('会议查询');
    await dialog.getByLabel('关键词').fill('会议');
    await dialog.getByLabel('回复文字').fill('近期会议请点击菜单“会议活动”查看。');
    await dialog.getByRole('button', { name: '保存' }).click();
    await page.getByTestId('keyword-table').getByText('会议查询').waitFor();
    await shoot(page, 'admin-keywords');
    const rules = await env.app.request('GET', '/api/admin/wechat/keywords', { token: (await env.app.loginAs('admin')).token });
    expect(rules.body.items.map((r: { pattern: string }) => r.pattern)).to.deep.equal(['会议']);

    await page.goto(`${env.app.url}/admin/wechat/menu`);
    await page.getByRole('button', { name: '最新动态', exact: true }).waitFor();
    // The default menu already has 3 top-level buttons: no fourth.
    expect(await page.getByRole('button', { name: /添加一级菜单/ }).isDisabled()).to.equal(true);
    await page.getByRole('button', { name: '给“最新动态”添加子菜单' }).click();
    await page.getByLabel('菜单名称').fill('这是一个超过十六字节的菜单名称啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊啊');
    await page.getByText(/名称最多 60 字节/).waitFor();
    await page.getByLabel('菜单名称').fill('代表联络站');
    await page.locator('.el-form-item', { hasText: '菜单动作' }).locator('.el-select__wrapper').click();
    await page.getByRole('option', { name: '跳转网页' }).click();
    await page.getByLabel('网页地址').fill('https://lianxin.test/groups');
    await page.getByRole('button', { name: '最新动态', exact: true }).click();
    await page.getByLabel('菜单名称').fill('最新动态资讯');
    await page.getByText(/名称最多 16 字节/).waitFor();
    await page.getByRole('button', { name: '保存菜单' }).click();
    await page.getByText('菜单有需要修改的地方').waitFor();
    await page.getByLabel('菜单名称').fill('新闻动态');
    await page.getByRole('button', { name: '保存菜单' }).click();
    await page.getByText(/菜单已保存/).waitFor();
    await shoot(page, 'admin-menu');
    const menu = await env.app.request('GET', '/api/admin/wechat/menu', { token: (await env.app.loginAs('admin')).token });
    expect(menu.body.stored).to.equal(true);
    expect(menu.body.menu.button[0]).to.deep.include({ name: '新闻动态' });
    expect(menu.body.menu.button[0].sub_button).to.deep.equal([{ type: 'view', name: '代表联络站', url: 'https://lianxin.test/groups' }]);
    expectNoProblems(page);
  });

  it('shows every admin screen at 1280 and 768 px', async () => {
    const page = await env.signIn('admin');
    for (const [path, name, ready] of [
      ['/system/users', 'admin-users', '用户与角色'],
      ['/wechat/followers', 'admin-followers', '粉丝统计'],
      ['/sms/outbox', 'admin-outbox', '短信发件箱'],
      ['/sms/opt-outs', 'admin-opt-outs', '退订号码'],
      ['/system/channels', 'admin-channels', '微信公众号'],
      ['/reports', 'admin-reports', '月度宣传汇总'],
      ['/publications', 'publications', '发布记录'],
      ['/content/deputies', 'deputies-list', '典型代表'],
      ['/content/cases/new', 'case-new', '新建典型案例'],
      ['/password', 'password', '修改密码'],
    ] as const) {
      await page.goto(`${env.app.url}/admin${path}`);
      await page.getByRole('heading', { name: ready }).first().waitFor();
      await shoot(page, name);
    }
    expectNoProblems(page);
  });
});
