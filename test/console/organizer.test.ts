/**
 * The organizer's job in the console: create a meeting (Beijing times from the app's clock), invite deputies by
 * name, announce it (SMS invitations with personal RSVP links go out), and watch an answer arrive in the live table.
 */
import { expect } from 'chai';
import { requestedSms, seedDeputies, tencentInbox, tokenOf } from '../meetings/support';
import { waitFor } from '../publishing/support/fixtures';
import { beijingWallClock, expectNoProblems, shoot, startConsoleEnv, type ConsoleEnv } from './support';

describe('console: organizer', function () {
  this.timeout(150_000);
  let env: ConsoleEnv;
  before(async () => {
    env = await startConsoleEnv('console_organizer');
    await seedDeputies(3, 700);
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await env.recordFailure(this.currentTest.title);
  });
  after(async () => {
    await env?.close();
  });

  it('announces a meeting, invites deputies and sees an RSVP arrive live', async () => {
    const page = await env.signIn('organizer');
    await page.getByTestId('work-meetings').waitFor();
    await shoot(page, 'home-organizer');
    await page.getByRole('button', { name: '新建会议' }).click();

    const start = new Date(env.clock.now().getTime() + 7 * 86_400_000);
    await page.getByLabel('会议名称').fill('代表小组活动经验交流会');
    for (const [id, at] of [['#m-start', start], ['#m-end', new Date(start.getTime() + 2 * 3_600_000)]] as const) {
      await page.locator(id).fill(beijingWallClock(at));
      await page.locator(id).press('Enter');
    }
    await page.getByLabel('会场', { exact: true }).fill('区人大常委会三楼会议室');
    await page.locator('#m-capacity').fill('30');
    for (const name of ['代表700', '代表701']) {
      await page.locator('#m-deputies').focus();
      await page.locator('#m-deputies').pressSequentially(name);
      await page.getByRole('option', { name }).click();
      // The pick is made (its tag shows) before the next name is typed into the cleared box.
      await page.locator('.el-select:has(#m-deputies) .el-tag', { hasText: name }).waitFor();
    }
    await page.keyboard.press('Escape');
    await shoot(page, 'meeting-edit');
    await page.getByRole('button', { name: '保存', exact: true }).click();
    await page.waitForURL(/\/admin\/meetings\/[0-9a-f]{24}$/);
    const meetingId = page.url().split('/').pop()!;

    await page.getByRole('button', { name: '发布并发送邀请' }).click();
    await page.getByRole('dialog').getByRole('button', { name: '确定' }).click();
    await page.getByTestId('meeting-status').getByText('已发布').waitFor();
    await page.getByTestId('rsvp-table').getByText('代表701').waitFor();
    expect(await page.locator('.el-descriptions').textContent()).to.include(beijingWallClock(start));

    // A deputy answers through the personal link in the invitation SMS; the table follows.
    const invitations = await waitFor('invitations', async () => {
      const sms = await requestedSms(meetingId, 'invitation', tencentInbox(env.sms));
      return sms.length === 2 && sms;
    });
    const answer = await env.app.request('POST', `/api/public/rsvp/${tokenOf(invitations[0].values.link)}`, { body: { response: 'accepted', note: '准时参加' } });
    expect(answer.status, answer.text).to.equal(200);
    await page.getByTestId('rsvp-table').getByText('准时参加').waitFor({ timeout: 20_000 });
    const counts = await page.getByTestId('rsvp-counts').textContent();
    expect(counts).to.match(/座位 1 \/ 30，剩余 29/);
    // Check-in at the door.
    await page.getByTestId('rsvp-table').getByRole('row', { name: /代表700/ }).getByRole('button', { name: '签到' }).click();
    await page.getByTestId('rsvp-table').getByRole('row', { name: /代表700/ }).getByRole('button', { name: '撤销' }).waitFor();
    expect(await page.getByTestId('rsvp-counts').textContent()).to.match(/已签到\s*1/);
    await shoot(page, 'meeting-detail');

    await page.getByRole('menuitem', { name: '会议列表' }).click().catch(async () => {
      await page.goto(`${env.app.url}/admin/meetings`);
    });
    await page.getByRole('link', { name: '代表小组活动经验交流会' }).waitFor();
    await shoot(page, 'meeting-list');
    expectNoProblems(page);
  });
});
