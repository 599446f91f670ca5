import { expect } from 'chai';
import { TEST_YEAR } from '../support/clock';
import { seedGroup } from '../activities/support';
import { expectNoProblems, shoot, startConsoleEnv, type ConsoleEnv } from './support';

/** The supervisor's screens: a generated report with its figures, charts and documents; 考评 filtered by level and county. */
describe('console: supervision reports', function () {
  this.timeout(600_000);
  let env: ConsoleEnv;

  before(async () => {
    env = await startConsoleEnv('console-supervision');
    await seedGroup('龙潭一组', { county: '龙潭县', township: '龙潭镇' }, ['county', 'township'], { roomAddress: '龙潭镇' });
    await seedGroup('西林一组', { county: '西林县', township: '西林镇' }, ['township']);
    await seedGroup('凤岭一组', { county: '龙潭县', township: '凤岭乡' }, ['township', 'township'], { roomAddress: '凤岭乡' });
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

  it('lists the 考评 scores by level and narrows them to a county (the townships of one county, its deputies)', async () => {
    // Last year's results (the screen opens on last year), computed once before; the button recomputes them.
    const { token } = await env.app.loginAs('supervisor', '督导组');
    const computed = await env.app.request('POST', `/api/admin/evaluation/results/${TEST_YEAR - 1}/compute`, { token });
    expect(computed.status, computed.text).to.equal(200);
    const page = await env.signIn('supervisor');
    await page.getByRole('menuitem', { name: '督导考评' }).click();
    await page.getByRole('menuitem', { name: '考评', exact: true }).click();
    await page.getByRole('heading', { name: '考评', exact: true }).waitFor();
    await page.getByRole('button', { name: '计算考评结果' }).click();
    await page.getByText('已按考评办法重新计算').waitFor();
    const rows = page.getByRole('table').last().locator('tbody tr.el-table__row');
    const names = async () => (await rows.locator('td:nth-child(3)').allInnerTexts()).map((t) => t.trim()).sort();
    const waitForNames = async (expected: string[]) => {
      for (let i = 0; i < 100 && JSON.stringify(await names()) !== JSON.stringify(expected); i++) await page.waitForTimeout(100);
      expect(await names()).to.deep.equal(expected);
    };
    await waitForNames(['凤岭一组', '西林一组', '龙潭一组']);

    await page.getByRole('radiogroup', { name: '考评对象' }).getByText('乡镇').click();
    await waitForNames(['凤岭乡', '西林镇', '龙潭镇']);
    await page.locator('.el-select__wrapper', { has: page.locator('#ev-county') }).click();
    await page.getByRole('option', { name: '龙潭县' }).click();
    await waitForNames(['凤岭乡', '龙潭镇']);
    await page.getByText('共 2 条').waitFor();
    await page.locator('#ev-township').fill('凤岭乡');
    await page.locator('#ev-township').press('Enter');
    await waitForNames(['凤岭乡']);
    await shoot(page, 'evaluation-townships');

    await page.getByRole('radiogroup', { name: '考评对象' }).getByText('县（市、区）').click();
    await waitForNames(['龙潭县']);
    await page.getByRole('radiogroup', { name: '考评对象' }).getByText('代表', { exact: true }).click();
    // The deputies of 龙潭县's groups (2 in 龙潭一组, 2 in 凤岭一组), none of 西林县.
    const api = await env.app.request('GET', `/api/admin/evaluation/results/${TEST_YEAR - 1}?subject=deputy&county=${encodeURIComponent('龙潭县')}`, { token: (await env.app.loginAs('organizer')).token });
    expect(api.body.total).to.equal(4);
    await waitForNames(api.body.items.map((d: { name: string }) => d.name).sort());
    expectNoProblems(page);
  });
});
