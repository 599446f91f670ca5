/**
 * The citizens' suggestion pages in Chromium at a phone viewport (375 × 812): the form refuses a phone number in
 * text meant to be public and keeps what was typed, then takes the suggestion and gives a tracking number; the
 * progress page follows it to the department's answer; the answered list (件件有答复) and the rates page show it.
 * Handling in between goes through the admin API; dates come from the test clock.
 */
import { expect } from 'chai';
import type { TestApp } from '../support/app';
import { TEST_YEAR, TestClock, testDate } from '../support/clock';
import { createDepartment, departmentUser, expectStatus, type Staff } from '../suggestions/support';
import { deputyWithPhone, startPublicApp, townshipGroup } from '../suggestions/public-support';
import { launchBrowser, saveScreenshot, type TestBrowser, type WatchedPage } from './support';

const TEXT = '柳林河村口的路灯坏了三个月，晚上出行不安全，建议尽快修复。';

/** Nothing wider than the phone's screen (no sideways scrolling). */
async function fitsPhone(page: WatchedPage): Promise<void> {
  const width = Number(await page.evaluate('document.documentElement.scrollWidth'));
  expect(width).to.be.at.most(375);
}

describe('public suggestion pages in Chromium (375 × 812)', function () {
  this.timeout(180_000);
  const clock = new TestClock(testDate('03-10T02:00:00Z'));
  let app: TestApp;
  let staff: Staff;
  let browser: TestBrowser;
  let close: () => Promise<void>;

  before(async () => {
    const started = await startPublicApp('suggestions_browser', clock);
    ({ app, staff } = started);
    close = async () => {
      await app.close();
      await started.sms.close();
    };
    const wang = await deputyWithPhone(app, staff, '王代表', ['13900000001']);
    await townshipGroup(app, staff, '七里坪镇', [{ id: wang, name: '王代表' }]);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await close?.();
  });

  it('a citizen sends a suggestion from a phone, follows it to the answer, and finds it among the answered and in the rates', async () => {
    const page = await browser.newPage();
    await page.goto(`${app.url}/suggestions/new`);
    await fitsPhone(page);
    await saveScreenshot(page, 'suggestion-form');

    await page.getByLabel('所在区（县）').fill('红安县');
    await page.getByLabel('乡镇（街道）').fill('七里坪镇');
    await page.getByLabel('村（社区，可选）').fill('柳林河村');
    await page.getByLabel('类别').selectOption('基础设施');
    await page.getByLabel(/问题和建议/).fill(`${TEXT}有事请打13812345678。`);
    await page.getByLabel(/同意在网站公开/).check();
    await page.getByLabel('姓名', { exact: true }).fill('陈大姐');
    await page.getByLabel(/联系电话/).fill('138 1234 5678');
    await page.getByRole('button', { name: '提交建议' }).click();

    // A phone number in public text: refused, named, and nothing typed is lost.
    await page.getByTestId('form-error').waitFor();
    expect(await page.getByTestId('form-error').textContent()).to.match(/电话|手机/);
    expect(await page.getByLabel('姓名', { exact: true }).inputValue()).to.equal('陈大姐');
    expect(await page.getByLabel('乡镇（街道）').inputValue()).to.equal('七里坪镇');
    await saveScreenshot(page, 'suggestion-form-refused');

    await page.getByLabel(/问题和建议/).fill(TEXT);
    await Promise.all([page.waitForURL(/\/suggestions\/track\?no=.+&received=1$/), page.getByRole('button', { name: '提交建议' }).click()]);
    const receiptNo = (await page.getByTestId('receipt-no').textContent())!.trim();
    expect(receiptNo).to.match(new RegExp(`^JY${TEST_YEAR}0310-[0-9A-Z]{6}$`));
    expect(await page.getByTestId('track-status').textContent()).to.equal('已登记');
    expect(await page.getByTestId('track-text').textContent()).to.equal(TEXT);
    expect(await page.content()).to.not.contain('陈大姐').and.not.contain('13812345678');
    await fitsPhone(page);
    await saveScreenshot(page, 'suggestion-received');

    // The office handles it: sorted, assigned, answered by the department.
    const found = await app.request('GET', '/api/admin/suggestions?county=红安县', { token: staff.liaison });
    const id = found.body.items.find((s: any) => s.receiptNo === receiptNo).id as string;
    const roads = await createDepartment(app, staff, '县交通运输局');
    const roadsUser = await departmentUser(app, staff, roads);
    expectStatus(await app.request('POST', `/api/admin/suggestions/${id}/sort`, { token: staff.liaison, body: {} }), 200);
    expectStatus(await app.request('POST', `/api/admin/suggestions/${id}/assign`, { token: staff.liaison, body: { leadDepartmentId: roads } }), 200);
    clock.advance(3 * 86_400_000);
    const answer = { text: '路灯已于本周更换，并纳入日常巡查。', answerClass: 'A', meeting: { at: clock.now().toISOString(), participants: '王代表；交通局张科长' } };
    expectStatus(await app.request('POST', `/api/admin/suggestions/${id}/answer`, { token: roadsUser, body: answer }), 200);

    // Progress by the tracking number, typed in as someone would.
    await page.goto(`${app.url}/suggestions/track`);
    await page.locator('#t-no').fill(receiptNo.toLowerCase());
    await Promise.all([page.waitForURL(/\/suggestions\/track\?no=/), page.getByRole('button', { name: '查询' }).click()]);
    expect(await page.getByTestId('track-status').textContent()).to.equal('已答复');
    await page.getByText(answer.text).waitFor();
    await fitsPhone(page);
    await saveScreenshot(page, 'suggestion-progress');

    // 件件有答复 lists it with its answer; the rates show the county.
    await page.goto(`${app.url}/suggestions`);
    const item = page.getByTestId('answered-item').filter({ hasText: TEXT });
    await item.getByText(answer.text).waitFor();
    await fitsPhone(page);
    await saveScreenshot(page, 'suggestions-answered');

    await page.goto(`${app.url}/suggestions/rates?period=${TEST_YEAR}`);
    const groups = page.getByTestId('rates-groups');
    await groups.getByRole('link', { name: '红安县' }).waitFor();
    expect(await page.getByTestId('rates-totals').textContent()).to.contain('100.0%');
    await fitsPhone(page);
    await saveScreenshot(page, 'suggestion-rates');
    await groups.getByRole('link', { name: '红安县' }).click();
    await page.getByRole('heading', { name: '红安县意见建议办理情况' }).waitFor();
    await page.getByTestId('rates-groups').getByText('七里坪镇').waitFor();

    // The only HTTP error was the refused first submission.
    expect(page.problems.filter((p) => !/HTTP 400: .*\/suggestions\/new/.test(p) && !p.startsWith('console error: Failed to load resource'))).to.deep.equal([]);
  });
});
