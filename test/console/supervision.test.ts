import { expect } from 'chai';
import { TEST_YEAR } from '../support/clock';
import { seedGroup } from '../activities/support';
import { expectNoProblems, shoot, startConsoleEnv, type ConsoleEnv } from './support';

/** The supervisor's main screen: a generated report with its figures, charts and documents. */
describe('console: supervision reports', function () {
  this.timeout(600_000);
  let env: ConsoleEnv;

  before(async () => {
    env = await startConsoleEnv('console-supervision');
    await seedGroup('龙潭一组', { county: '龙潭县', township: '龙潭镇' }, ['county', 'township'], { roomAddress: '龙潭镇' });
    await seedGroup('西林一组', { county: '西林县', township: '西林镇' }, ['township']);
    const { token } = await env.app.loginAs('supervisor', '督导组');
    const made = await env.app.request('POST', `/api/admin/supervision/reports/monthly/${TEST_YEAR}-02/regenerate`, { token });
    expect(made.status, made.text).to.equal(200);
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await env.recordFailure(this.currentTest.title);
  });
  after(() => env?.close());

  it('shows the month\'s report with its ranking, charts and the Word document, from the menu', async () => {
    const page = await env.signIn('supervisor');
    await page.getByRole('menuitem', { name: '督导考评' }).click();
    await page.getByRole('menuitem', { name: '督导报告' }).click();
    await page.getByText('每月一汇总').click();
    await page.getByRole('heading', { name: `${TEST_YEAR}年2月工作汇总`, exact: false }).waitFor();
    const table = page.getByRole('table').last();
    await table.getByText('龙潭县').waitFor();
    await table.getByText('西林县').waitFor();
    // ECharts loads with the first chart: wait for it to draw.
    // (ECharts' aria option writes its own description over the container's label: find the chart by its heading.)
    await page.locator('section', { has: page.getByRole('heading', { name: '各县（市、区）综合得分' }) }).locator('canvas').first().waitFor();
    const href = await page.getByRole('link', { name: '下载 Word 文档' }).getAttribute('href');
    expect(href).to.equal(`/api/admin/supervision/reports/monthly/${TEST_YEAR}-02/document.docx`);
    await page.getByText('草稿（第1稿）').waitFor();
    await shoot(page, 'supervision-reports');
    expectNoProblems(page);
  });
});
