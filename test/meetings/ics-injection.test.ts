/** A meeting title cannot smuggle properties or events into the calendar file. */
import { expect } from 'chai';
import ical from 'node-ical';
import { TestClock, testDate } from '../support/clock';
import { Meeting } from '../../src/meetings/models';
import { startTestApp, type TestApp } from '../support/app';
import { announced, HOUR, meetingBody, seedDeputies } from './support';

describe('meetings: calendar file injection', () => {
  const clock = new TestClock(testDate('03-10T02:00:00Z'));
  let app: TestApp;
  let organizer: string;
  let deputyIds: string[];

  before(async () => {
    app = await startTestApp({ clock, name: 'meetings_ics_injection' });
    organizer = (await app.loginAs('organizer')).token;
    deputyIds = await seedDeputies(1);
  });
  after(() => app.close());

  const forged = '交流会\r\nBEGIN:VEVENT\r\nSUMMARY:伪造的会议\r\nEND:VEVENT';

  it('refuses a title with line breaks, naming the field', async () => {
    const res = await app.request('POST', '/api/admin/meetings', { token: organizer, body: meetingBody(new Date(clock.now().getTime() + 72 * HOUR), { title: forged }) });
    expect(res.status).to.equal(400);
    expect(res.body.error.details.map((d: { field: string }) => d.field)).to.include('body.title');
  });

  it('escapes the calendar name even for a title stored before that check', async () => {
    const { id } = await announced(app, organizer, { ...meetingBody(new Date(clock.now().getTime() + 72 * HOUR)), invitees: { deputyIds } });
    await Meeting.updateOne({ _id: id }, { $set: { title: forged } });
    const res = await app.request('GET', `/api/public/meetings/${id}/ics`);
    expect(res.status).to.equal(200);
    const components = Object.values(ical.sync.parseICS(res.text)).filter((c) => c?.type === 'VEVENT');
    expect(components).to.have.length(1);
    expect(res.text.split('\r\n').filter((l) => l === 'BEGIN:VEVENT')).to.have.length(1);
    expect(res.text).to.match(/^X-WR-CALNAME:交流会\\nBEGIN:VEVENT\\nSUMMARY:伪造的会议\\nEND:VEVENT\r$/m);
  });
});
