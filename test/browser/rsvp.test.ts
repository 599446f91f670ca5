/** The RSVP page behind the SMS link, in Chromium at a phone viewport: answer, see the confirmation, get the .ics. */
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import ical from 'node-ical';
import { startTestApp, type TestApp } from '../support/app';
import { announced, meetingBody, requestedSms, seedDeputies, tokenOf } from '../meetings/support';
import { launchBrowser, saveScreenshot, type TestBrowser } from './support';

describe('RSVP page in Chromium (375 × 812)', function () {
  this.timeout(60_000);
  let app: TestApp;
  let browser: TestBrowser;
  let token: string;

  before(async () => {
    app = await startTestApp({ name: 'rsvp_browser' });
    const organizer = (await app.loginAs('organizer')).token;
    const [deputyId] = await seedDeputies(1);
    const start = new Date(Date.now() + 7 * 24 * 3_600_000);
    const { id } = await announced(app, organizer, { ...meetingBody(start), capacity: 30, invitees: { deputyIds: [deputyId] } });
    token = tokenOf((await requestedSms(id, 'invitation'))[0].values.link);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  it('accepts with a note, shows the confirmation and offers the calendar file', async () => {
    const page = await browser.newPage();
    await page.goto(`${app.url}/r/${token}`);
    expect(await page.locator('h1').textContent()).to.include('代表小组活动经验交流会');
    expect(await page.locator('#rsvp-title').textContent()).to.include('代表0');
    await saveScreenshot(page, 'rsvp-form');

    await page.getByLabel('参加', { exact: true }).check();
    await page.locator('#rsvp-note').fill('需要无障碍通道');
    await Promise.all([page.waitForURL(/\?done=1$/), page.getByRole('button', { name: '提交回复' }).click()]);

    const confirmation = await page.getByTestId('rsvp-confirmation').textContent();
    expect(confirmation).to.include('参加');
    expect(confirmation).to.include('需要无障碍通道');
    await saveScreenshot(page, 'rsvp-confirmation');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('rsvp-ics').click()]);
    const file = await download.path();
    const events = Object.values(ical.sync.parseICS(readFileSync(file, 'utf8'))).filter((c) => c?.type === 'VEVENT') as ical.VEvent[];
    expect(events).to.have.length(1);
    expect(events[0].summary).to.equal('代表小组活动经验交流会');
    expect(page.problems).to.deep.equal([]);

    const api = await app.request('GET', `/api/public/rsvp/${token}`);
    expect(api.body.invitee).to.include({ response: 'accepted', note: '需要无障碍通道' });
  });
});
