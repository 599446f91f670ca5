import { expect } from 'chai';
import { TestClock } from '../support/clock';
import { startTestApp, type TestApp } from '../support/app';
import { announced, meetingBody, seedDeputies } from '../meetings/support';
import { HOUR, clockStart } from './support';

const START = clockStart();

describe('POST /api/admin/meetings/:id/check-ins', () => {
  let app: TestApp;
  const clock = new TestClock(START);
  let organizer: string;
  let meetingId: string;

  before(async () => {
    app = await startTestApp({ name: 'console-check-in', clock });
    organizer = (await app.loginAs('organizer')).token;
    const deputyIds = await seedDeputies(2);
    ({ id: meetingId } = await announced(app, organizer, meetingBody(new Date(START.getTime() + 48 * HOUR), { invitees: { deputyIds, groupIds: [], extras: [] } })));
  });
  after(() => app.close());

  const rsvps = async () => (await app.request('GET', `/api/admin/meetings/${meetingId}/rsvps`, { token: organizer })).body;
  const checkIn = (body: unknown, id = meetingId) => app.request('POST', `/api/admin/meetings/${id}/check-ins`, { token: organizer, body });

  it('checks an invitee in, shows it in the RSVP list and counts, and undoes it', async () => {
    const before = await rsvps();
    expect(before.counts.checkedIn).to.equal(0);
    const invitee = before.items[0];
    const res = await checkIn({ invitationId: invitee.id, present: true });
    expect(res.status, res.text).to.equal(200);
    expect(res.body).to.include({ id: invitee.id, checkedInAt: START.toISOString() });
    const after = await rsvps();
    expect(after.counts.checkedIn).to.equal(1);
    expect(after.items.find((r: any) => r.id === invitee.id).checkedInAt).to.equal(START.toISOString());

    const undo = await checkIn({ invitationId: invitee.id, present: false });
    expect(undo.body).not.to.have.property('checkedInAt');
    expect((await rsvps()).counts.checkedIn).to.equal(0);
  });

  it('refuses unknown invitees, draft meetings, bad bodies and other roles', async () => {
    expect((await checkIn({ invitationId: '0123456789abcdef01234567', present: true })).status).to.equal(404);
    const bad = await checkIn({ invitationId: 'x', present: 'yes' });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.details.map((d: any) => d.field)).to.have.members(['body.invitationId', 'body.present']);
    const draft = await app.request('POST', '/api/admin/meetings', { token: organizer, body: meetingBody(new Date(START.getTime() + 96 * HOUR)) });
    const refused = await checkIn({ invitationId: '0123456789abcdef01234567', present: true }, draft.body.id);
    expect(refused.status).to.equal(409);
    expect(refused.body.error.code).to.equal('meeting_not_live');
    const editor = (await app.loginAs('editor')).token;
    expect((await app.request('POST', `/api/admin/meetings/${meetingId}/check-ins`, { token: editor, body: { invitationId: '0123456789abcdef01234567', present: true } })).status).to.equal(403);
  });
});
