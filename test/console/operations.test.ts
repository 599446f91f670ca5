/**
 * The operations in the console, each role's whole job in Chromium: a liaison plans an activity (members get the
 * SMS notice), records one with the roll call, turns it into a news draft and sees the five coverages with the
 * drill-down; a liaison keeps the department registry, registers a suggestion, sorts and assigns it, the
 * department user answers it from "assigned to my department", and the liaison records the satisfaction and
 * closes it, with the audit trail; an admin connects the Weibo account and sees the token's expiry.
 */
import { expect } from 'chai';
import { seedGroup, type Town } from '../activities/support';
import { startFakeWeibo, type FakeWeibo } from '../fakes';
import { beijingWallClock, expectNoProblems, shoot, startConsoleEnv, type ConsoleEnv } from './support';
import type { WatchedPage } from '../browser/support';

const COUNTY = '石门县';

async function openMenu(page: WatchedPage, group: string, item: string, url: string): Promise<void> {
  // Through the side menu as staff do; straight to the address if the menu is collapsed or animating.
  try {
    await page.getByRole('menubar').getByText(group, { exact: true }).click({ timeout: 5_000 });
    await page.getByRole('menuitem', { name: item, exact: true }).click({ timeout: 5_000 });
    await page.waitForURL((u) => u.pathname === url, { timeout: 10_000 });
  } catch {
    await page.goto(`${page.url().split('/admin')[0]}/admin${url.slice('/admin'.length)}`);
  }
}

async function pick(page: WatchedPage, selectId: string, option: string, type = false): Promise<void> {
  const select = page.locator(selectId);
  if (type) {
    await select.focus();
    await select.pressSequentially(option);
  } else await page.locator('.el-select__wrapper', { has: select }).click();
  // An option's name may carry a detail after it (a member's group).
  await page.getByRole('option', { name: option }).first().click();
}

describe('console: operations (activities, coverage, suggestions, Weibo)', function () {
  // Long: each test drives a whole job through many screens, on a machine shared by many sessions.
  this.timeout(600_000);
  let env: ConsoleEnv;
  let weibo: FakeWeibo;
  let town: Town;

  before(async () => {
    weibo = await startFakeWeibo({ tokenTtlSeconds: 30 * 86_400 });
    env = await startConsoleEnv('console_operations', {
      env: {
        WEIBO_APP_KEY: weibo.state.appKey,
        WEIBO_APP_SECRET: weibo.state.appSecret,
        WEIBO_REDIRECT_URI: 'http://lianxin.test/api/weibo/oauth/callback',
        WEIBO_API_BASE: weibo.url,
      },
    });
    town = await seedGroup('石门一组', { county: COUNTY, township: '石门镇' }, ['city', 'county', 'township', 'township'], { roomAddress: '石门镇代表之家', leaders: [0] });
    await env.addStaff('liaison', { groupIds: [town.groupId] });
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await env.recordFailure(this.currentTest.title);
  });
  after(async () => {
    await env?.close();
    await weibo?.close();
  });

  it('a liaison plans and records an activity with the roll call, makes the news draft and sees the coverage', async () => {
    const page = await env.signIn('liaison');
    await page.getByTestId('work-planned-activities').waitFor();
    await shoot(page, 'home-liaison');

    // A plan: the members get the SMS notice.
    await openMenu(page, '小组活动', '活动记录', '/admin/activities');
    await page.getByRole('button', { name: '计划活动' }).click();
    await page.getByLabel('活动主题').fill('代表见面日：听取群众意见');
    await page.getByRole('button', { name: '保存', exact: true }).click();
    await page.getByText('已向 4 位代表发送短信通知').waitFor();
    await page.getByTestId('activity-status').getByText('计划').waitFor();

    // A record of what happened this morning: everyone called, one excused with the reason, one absent.
    await page.goto(`${env.app.url}/admin/activities`);
    await page.getByRole('button', { name: '登记活动' }).click();
    await page.getByLabel('活动主题').fill('走访脱贫户，了解产业发展情况');
    await page.locator('#a-start').fill(beijingWallClock(new Date(env.clock.now().getTime() - 3_600_000)));
    await page.locator('#a-start').press('Enter');
    await page.getByLabel('活动内容').fill('代表们走访了12户脱贫户。');
    // Saving before the roll call is complete is stopped in the browser, naming who is missing.
    await page.getByRole('button', { name: '保存', exact: true }).click();
    await page.getByText(/还有 4 位代表未点名/).waitFor();
    await page.getByRole('button', { name: '全部出席' }).click();
    await page.getByRole('radiogroup', { name: '石门一组代表2的出勤' }).getByText('请假').click();
    await page.getByLabel('石门一组代表2的请假原因').fill('外出务工');
    await page.getByRole('radiogroup', { name: '石门一组代表3的出勤' }).getByText('缺席').click();
    await page.getByRole('button', { name: '保存', exact: true }).click();
    await page.waitForURL(/\/admin\/activities\/[0-9a-f]{24}$/);
    expect(await page.getByTestId('attendance').textContent()).to.include('出席 2 人，请假 1 人，缺席 1 人');

    await page.getByRole('button', { name: '生成新闻稿' }).click();
    await page.getByText('已生成新闻稿').waitFor();
    await shoot(page, 'activity-detail');

    await page.goto(`${env.app.url}/admin/activities`);
    await page.getByRole('link', { name: '走访脱贫户，了解产业发展情况' }).waitFor();

    // The five coverages of the county this year, and who is missing from "every deputy attends".
    await openMenu(page, '五个全覆盖', '覆盖情况', '/admin/coverage');
    await pick(page, '#cv-name', COUNTY, true);
    await page.getByRole('button', { name: '统计' }).click();
    const attendance = page.getByTestId('figure-attendance');
    await attendance.getByText('2 / 4').waitFor();
    expect(await page.getByTestId('figure-leaders').textContent()).to.include('1 / 1');
    expect(await page.getByTestId('figure-supervision').textContent()).to.include('0 / 1');
    await attendance.getByRole('button', { name: '查看未覆盖名单' }).click();
    const drill = page.getByTestId('drill-down');
    await drill.getByText('石门一组代表3').waitFor();
    expect(await drill.textContent()).to.include('石门一组代表2');
    expect(await drill.textContent()).not.to.include('石门一组代表1');
    await page.locator('canvas').first().waitFor();
    await shoot(page, 'coverage');
    expectNoProblems(page);
  });

  it('a liaison registers, sorts and assigns a suggestion, the department answers it, the liaison rates and closes it', async () => {
    const liaison = await env.signIn('liaison');
    await openMenu(liaison, '意见建议', '承办单位', '/admin/departments');
    await liaison.getByRole('button', { name: '新增单位' }).click();
    await liaison.getByLabel('区县').last().fill(COUNTY);
    await liaison.getByLabel('单位名称').fill('石门县交通运输局');
    await liaison.getByLabel('联系人').fill('张科长');
    await liaison.getByLabel('联系电话').fill('13812345678');
    await liaison.getByRole('dialog').getByRole('button', { name: '保存' }).click();
    await liaison.getByRole('cell', { name: '石门县交通运输局' }).waitFor();
    expect(await liaison.getByRole('cell', { name: /138\*{4}5678/ }).count()).to.equal(1);
    await shoot(liaison, 'departments');

    await liaison.goto(`${env.app.url}/admin/suggestions/new`);
    await liaison.getByLabel('内容').fill('石门镇到柳林河村的村道年久失修，雨天无法通行，建议纳入年度农村公路改造计划。');
    await pick(liaison, '#sg-category', '基础设施');
    await pick(liaison, '#sg-deputies', '石门一组代表1');
    await liaison.keyboard.press('Escape');
    expect(await liaison.locator('#sg-county').inputValue()).to.equal(COUNTY);
    await liaison.getByLabel('村（社区）').fill('柳林河村');
    await liaison.getByRole('button', { name: '登记', exact: true }).click();
    await liaison.waitForURL(/\/admin\/suggestions\/[0-9a-f]{24}$/);
    const suggestionUrl = liaison.url();
    const status = liaison.getByTestId('suggestion-status');
    await status.getByText('已登记').waitFor();

    await liaison.getByTestId('suggestion-actions').getByRole('button', { name: '梳理' }).click();
    await liaison.getByTestId('step-submit').click();
    await status.getByText('已梳理').waitFor();
    await liaison.getByTestId('suggestion-actions').getByRole('button', { name: '交办' }).click();
    // Without a lead department the step is stopped in the browser.
    await liaison.getByTestId('step-submit').click();
    await liaison.getByText('请选择主办单位').waitFor();
    await pick(liaison, '#as-lead', '石门县交通运输局');
    await liaison.getByTestId('step-submit').click();
    await status.getByText('已交办').waitFor();

    // The department user: on the start page and in "assigned to my department", answers in writing and face to face.
    const admin = await env.app.loginAs('admin');
    const units = await env.app.request('GET', `/api/admin/departments?county=${encodeURIComponent(COUNTY)}`, { token: admin.token });
    await env.addStaff('department', { departmentId: units.body.items[0].id });
    const department = await env.signIn('department');
    const mine = department.getByTestId('work-assigned-to-me');
    await mine.getByText(/村道年久失修/).waitFor();
    await openMenu(department, '意见建议', '交办给本单位', '/admin/my-suggestions');
    await department.getByRole('button', { name: '答复' }).first().click();
    await department.waitForURL(suggestionUrl);
    expect(await department.locator('.el-descriptions').textContent()).to.include('石门一组代表1');
    await department.getByTestId('suggestion-actions').getByRole('button', { name: '答复' }).click();
    await department.locator('#an-text').fill('已将该村道纳入今年农村公路改造计划，计划6月底前完工。');
    await department.getByLabel('参加人员').fill('石门一组代表1；县交通运输局张科长');
    await department.getByTestId('step-submit').click();
    await department.getByTestId('suggestion-status').getByText('已答复').waitFor();
    await department.getByTestId('answer').getByText('按期答复').waitFor();
    await shoot(department, 'suggestion-answered');
    expect(await department.getByTestId('suggestion-actions').getByRole('button').count()).to.equal(0);

    // The liaison records the deputy's satisfaction and closes it, after confirming.
    await liaison.reload();
    await liaison.getByTestId('suggestion-actions').getByRole('button', { name: '满意度测评' }).click();
    await liaison.getByRole('dialog').getByText('满意', { exact: true }).click();
    await liaison.getByTestId('step-submit').click();
    await status.getByText('已评价').waitFor();
    await liaison.getByTestId('suggestion-actions').getByRole('button', { name: '办结' }).click();
    await liaison.getByTestId('step-submit').click();
    await liaison.locator('.el-message-box').getByRole('button', { name: '确定' }).click();
    await status.getByText('已办结').waitFor();
    const trail = (await liaison.getByTestId('audit-trail').textContent()) ?? '';
    for (const step of ['登记', '梳理', '交办', '答复', '满意度测评', '办结']) expect(trail).to.include(step);
    expect(trail).to.include('承办单位小孙');
    await shoot(liaison, 'suggestion-closed');

    await openMenu(liaison, '意见建议', '办理统计', '/admin/suggestions/rates');
    await liaison.getByTestId('rate-closureRate').getByText('100.0%').waitFor();
    await shoot(liaison, 'suggestion-rates');
    expectNoProblems(liaison);
    expectNoProblems(department);
  });

  it('an admin connects the Weibo account through its consent page and sees when the token expires', async () => {
    const page = await env.signIn('admin');
    // Weibo's consent page, as the account owner agreeing: back to the app's callback with a code and the state.
    await page.context().route(`${weibo.url}/oauth2/authorize**`, async (route) => {
      const state = new URL(route.request().url()).searchParams.get('state')!;
      await route.fulfill({ status: 302, headers: { location: `${env.app.url}/api/weibo/oauth/callback?code=${weibo.controls.issueCode()}&state=${encodeURIComponent(state)}` } });
    });
    await openMenu(page, '系统管理', '微博账号', '/admin/system/weibo');
    await page.getByTestId('weibo-state').getByText('未连接').waitFor();
    await page.getByRole('button', { name: '连接微博' }).click();
    await page.getByTestId('weibo-state').getByText('已连接').waitFor();
    const expiry = new Date(env.clock.now().getTime() + 30 * 86_400_000);
    expect(await page.getByTestId('weibo-expiry').textContent()).to.equal(beijingWallClock(expiry));
    await page.getByText('（还有 30 天）').waitFor();
    await shoot(page, 'weibo-account');
    expectNoProblems(page);
  });
});
