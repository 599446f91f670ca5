/** The personal RSVP link stays personal: not in canonical/og:url, and guessing links is slowed down. */
import { expect } from 'chai';
import { TestClock, testDate } from '../support/clock';
import { startTestApp, type TestApp } from '../support/app';
import { announced, HOUR, meetingBody, requestedSms, seedDeputies, tokenOf } from './support';

describe('meetings: RSVP link privacy', () => {
  const clock = new TestClock(testDate('03-10T02:00:00Z'));
  let app: TestApp;
  let token: string;

  before(async () => {
    app = await startTestApp({ clock, name: 'meetings_rsvp_privacy' });
    const organizer = (await app.loginAs('organizer')).token;
    const deputyIds = await seedDeputies(1);
    const { id } = await announced(app, organizer, { ...meetingBody(new Date(clock.now().getTime() + 72 * HOUR)), invitees: { deputyIds } });
    token = tokenOf((await requestedSms(id, 'invitation'))[0].values.link);
  });
  after(() => app.close());

  it('points canonical and og:url at the public meeting page, never at the personal link', async () => {
    const page = await app.request('GET', `/r/${token}`);
    expect(page.status).to.equal(200);
    const canonical = /<link rel="canonical" href="([^"]+)">/.exec(page.text)?.[1];
    const ogUrl = /<meta property="og:url" content="([^"]+)">/.exec(page.text)?.[1];
    expect(canonical).to.match(/^http:\/\/lianxin\.test\/meetings\/[^/]+$/);
    expect(ogUrl).to.equal(canonical);
    expect(`${canonical} ${ogUrl}`).not.to.contain(token);
  });

  it('answers 429 to an address after 20 links that lead nowhere, and then to that address’s real links too, for a while', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await app.request('GET', `/r/${'x'.repeat(20)}${String(i).padStart(2, '0')}`)).status);
    expect(statuses.slice(0, 20).every((s) => s === 404)).to.equal(true);
    expect(statuses[20]).to.equal(429);
    expect((await app.request('GET', `/r/${token}`)).status).to.equal(429);
  });
});
