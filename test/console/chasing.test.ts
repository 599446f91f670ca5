/**
 * Chasing suggestions in the console (issue 15): a liaison assigns with a deadline of their own choosing (refused
 * when not after today), sends the 督办 SMS by hand once the deadline has passed (once a day: the button says so,
 * the overdue list too), and after the department's answer resends the deputy's satisfaction link. The SMS are
 * read at the fake Tencent server; every date comes from the test clock.
 */
import { expect } from 'chai';
import { TEMPLATES, textsTo } from '../suggestions/public-support';
import { beijingWallClock, expectNoProblems, shoot, startConsoleEnv, type ConsoleEnv } from './support';

const DAY = 86_400_000;
const COUNTY = '石门县';
const CONTACT_PHONE = '13812345678';
const DEPUTY_PHONE = '13900001111';

async function until<T>(what: string, check: () => T | false | undefined | Promise<T | false | undefined>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('console: chasing suggestions (chosen deadline, 督办 SMS, resent satisfaction links)', function () {
  this.timeout(600_000);
  let env: ConsoleEnv;
  let liaisonToken: string;
  let departmentId: string;
  let suggestionId: string;

  before(async () => {
    env = await startConsoleEnv('console_chasing', { env: { TOKEN_TTL_HOURS: '2160' } });
    const editor = (await env.app.loginAs('editor')).token;
    liaisonToken = (await env.app.loginAs('liaison', '联络员甲')).token;
    const deputy = await env.app.request('POST', '/api/admin/deputies', { token: editor, body: { name: '向代表', level: 'county', region: { county: COUNTY }, phones: [DEPUTY_PHONE] } });
    expect(deputy.status, deputy.text).to.equal(201);
    const unit = await env.app.request('POST', '/api/admin/departments', { token: liaisonToken, body: { county: COUNTY, name: '石门县交通运输局', contactName: '张科长', contactPhone: CONTACT_PHONE } });
    expect(unit.status, unit.text).to.equal(201);
    departmentId = unit.body.id;
    const s = await env.app.request('POST', '/api/admin/suggestions', {
      token: liaisonToken,
      body: { text: '皂市镇到县城的公路坑洼多，建议尽快修补', category: '基础设施', region: { county: COUNTY, township: '皂市镇' }, deputyIds: [deputy.body.id] },
    });
    expect(s.status, s.text).to.equal(201);
    suggestionId = s.body.id;
    expect((await env.app.request('POST', `/api/admin/suggestions/${suggestionId}/sort`, { token: liaisonToken, body: {} })).status).to.equal(200);
    await env.addStaff('liaison', { groupIds: [] });
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await env.recordFailure(this.currentTest.title);
  });
  after(() => env?.close());

  it('assigns with a chosen deadline, sends the 督办 SMS once the deadline passes, and resends the satisfaction link', async () => {
    const today = beijingWallClock(env.clock.now()).slice(0, 10);
    const tomorrow = beijingWallClock(new Date(env.clock.now().getTime() + DAY)).slice(0, 10);
    let page = await env.signIn('liaison');
    await page.goto(`${env.app.url}/admin/suggestions/${suggestionId}`);
    await page.getByTestId('suggestion-actions').getByRole('button', { name: '交办' }).click();
    await page.locator('.el-select__wrapper', { has: page.locator('#as-lead') }).click();
    await page.getByRole('option', { name: '石门县交通运输局' }).click();
    await page.getByRole('dialog').getByText('指定日期').click();
    // Today is not a choice: the picker greys it out and refuses it typed in, so nothing is sent.
    await page.locator('#as-deadline').fill(today);
    await page.locator('#as-deadline').press('Enter');
    await page.getByTestId('step-submit').click();
    await page.getByText('请选择答复期限').waitFor();
    expect(await page.getByTestId('suggestion-status').textContent()).to.contain('已梳理');
    await page.locator('#as-deadline').fill(tomorrow);
    await page.locator('#as-deadline').press('Enter');
    await page.getByTestId('step-submit').click();
    await page.getByTestId('suggestion-status').getByText('已交办').waitFor();
    await page.getByText(tomorrow, { exact: true }).waitFor();
    await page.getByTestId('audit-trail').getByText(`答复期限：${tomorrow}`).waitFor();
    const assigned = await env.app.request('GET', `/api/admin/suggestions/${suggestionId}`, { token: liaisonToken });
    expect(beijingWallClock(new Date(new Date(assigned.body.deadline).getTime() + 1))).to.equal(`${beijingWallClock(new Date(env.clock.now().getTime() + 2 * DAY)).slice(0, 10)} 00:00`);
    expect(await page.getByTestId('remind').count()).to.equal(0); // not overdue yet
    await page.context().close();

    // Two days later the deadline has passed: 督办 SMS by hand, once a day.
    env.clock.advance(2 * DAY);
    page = await env.signIn('liaison');
    await page.goto(`${env.app.url}/admin/suggestions/${suggestionId}`);
    await page.getByTestId('remind').click();
    await page.getByRole('dialog').getByRole('button', { name: '发送' }).click();
    await page.getByText('已向石门县交通运输局发送督办短信').waitFor();
    await until('the 督办 SMS', () => textsTo(env.sms, CONTACT_PHONE, TEMPLATES.overdue).length === 1);
    await page.getByTestId('remind').getByText('今日已发督办短信').waitFor();
    expect(await page.getByTestId('remind').isDisabled()).to.equal(true);
    await page.getByTestId('reminders').getByText('138****5678').waitFor();
    await page.getByTestId('audit-trail').getByText('督办短信', { exact: true }).waitFor();
    await shoot(page, 'suggestion-reminded');

    // The overdue list says it went today; sending for the whole list again sends nothing twice.
    await page.goto(`${env.app.url}/admin/suggestions/overdue`);
    const row = page.locator('tr', { hasText: '皂市镇到县城' });
    await row.getByText('已发送').waitFor();
    await page.getByTestId('remind-all').click();
    await page.getByRole('dialog').getByRole('button', { name: '发送' }).click();
    await page.getByText('已发送 0 条督办短信').waitFor();
    expect(textsTo(env.sms, CONTACT_PHONE, TEMPLATES.overdue)).to.have.length(1);
    await shoot(page, 'suggestions-overdue-reminded');

    // The department answers; the deputy's link is resent from the console (the first one stops working).
    const department = (await env.app.loginAs('department', '交通局小孙', departmentId)).token;
    const answered = await env.app.request('POST', `/api/admin/suggestions/${suggestionId}/answer`, {
      token: department,
      body: { text: '已列入本月修补计划', answerClass: 'B', meeting: { at: env.clock.now().toISOString(), participants: '向代表；交通局张科长' } },
    });
    expect(answered.status, answered.text).to.equal(200);
    await until('the first satisfaction link', () => textsTo(env.sms, DEPUTY_PHONE, TEMPLATES.answered).length === 1);
    // The SMS channel holds a second text of the same template to a number for 30 s (app clock): a deputy who asks
    // again for the link does so some minutes later.
    env.clock.advance(10 * 60_000);
    await page.goto(`${env.app.url}/admin/suggestions/${suggestionId}`);
    await page.getByTestId('resend-links').click();
    await page.getByRole('dialog').getByRole('button', { name: '发送' }).click();
    await page.getByText('已向 1 位代表重新发送测评链接').waitFor();
    const [firstLink, secondLink] = await until('the resent link', () => {
      const texts = textsTo(env.sms, DEPUTY_PHONE, TEMPLATES.answered);
      return texts.length === 2 && texts.map((t) => t.params[3]);
    });
    expect(secondLink).to.not.equal(firstLink);
    const oldPage = await fetch(firstLink.replace(/^https?:\/\/[^/]+/, env.app.url));
    expect(oldPage.status).to.be.within(400, 499);
    const newPage = await fetch(secondLink.replace(/^https?:\/\/[^/]+/, env.app.url));
    expect(newPage.status).to.equal(200);
    expectNoProblems(page);
  });
});
