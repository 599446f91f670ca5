import { expect } from 'chai';
import { TEST_YEAR, TestClock } from '../support/clock';
import { startService, type RunningService } from '../../src/server';
import { REMINDER_JOB } from '../../src/meetings/reminders';
import { Publication } from '../../src/publishing/models/publication';
import { startTestApp, type TestApp } from '../support/app';
import { announced, HOUR, meetingBody, requestedSms, seedDeputies, tokenOf } from './support';

const MINUTE = 60_000;

async function reminderPublications(meetingId: string) {
  return Publication.find({ kind: 'meeting', itemId: meetingId, 'sms.notification': 'reminder' }).lean();
}

describe('meetings: reminders', () => {
  const clock = new TestClock(new Date(`${TEST_YEAR}-11-20T02:00:00Z`));
  let app: TestApp;
  let organizer: string;
  let deputyIds: string[];
  let restarted: RunningService | undefined;

  before(async () => {
    app = await startTestApp({ clock, name: 'meetings_reminders' });
    organizer = (await app.loginAs('organizer')).token;
    deputyIds = await seedDeputies(4);
  });
  after(async () => {
    await app.close();
    await restarted?.stop();
  });

  /** A meeting starting at `start` where invitee 0 accepted and invitee 1 declined. */
  async function meetingWithAnswers(start: Date, ids: string[]) {
    const { id } = await announced(app, organizer, { ...meetingBody(start), invitees: { deputyIds: ids } });
    const sms = await requestedSms(id, 'invitation');
    const [first, second] = ids.map((_, i) => sms.find((s) => s.phone === `1390000000${deputyIds.indexOf(ids[i])}`)!);
    const base = restarted?.url ?? app.url;
    const answer = (link: string, response: string) =>
      fetch(`${base}/api/public/rsvp/${tokenOf(link)}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ response }) });
    expect((await answer(first.values.link, 'accepted')).status).to.equal(200);
    if (second) expect((await answer(second.values.link, 'declined')).status).to.equal(200);
    return id;
  }

  it('after downtime sends only the latest due reminder, and only before the meeting', async () => {
    clock.set(new Date(`${TEST_YEAR}-11-24T02:00:00Z`));
    const start = new Date(`${TEST_YEAR}-11-26T06:30:00Z`);
    const id = await meetingWithAnswers(start, [deputyIds[2]]);
    const scheduler = (restarted ?? app.service).services.scheduler;

    clock.set(start.getTime() - HOUR); // down from before T-24h until T-1h
    await scheduler.runNow(REMINDER_JOB);
    const pubs = await reminderPublications(id);
    expect(pubs).to.have.length(1);
    const res = await fetch(`${(restarted ?? app.service).url}/api/admin/meetings/${id}/reminders`, { headers: { authorization: `Bearer ${organizer}` } });
    const { items } = (await res.json()) as { items: Array<{ offsetMs: number; status: string; reason?: string }> };
    expect(items.map((r) => [r.offsetMs, r.status, r.reason ?? null])).to.deep.equal([
      [24 * HOUR, 'skipped', 'superseded'],
      [2 * HOUR, 'sent', null],
    ]);
  });

  it('sends no reminder after a cancellation', async () => {
    clock.set(new Date(`${TEST_YEAR}-11-21T02:00:00Z`));
    const start = new Date(`${TEST_YEAR}-11-22T08:30:00Z`);
    const id = await meetingWithAnswers(start, [deputyIds[3]]);
    const svc = restarted ?? app.service;
    const current = (await (await fetch(`${svc.url}/api/admin/meetings/${id}`, { headers: { authorization: `Bearer ${organizer}` } })).json()) as { version: number };
    const cancel = await fetch(`${svc.url}/api/admin/meetings/${id}/cancel`, {
      method: 'POST',
      headers: { authorization: `Bearer ${organizer}`, 'content-type': 'application/json' },
      body: JSON.stringify({ version: current.version, reason: '因故取消' }),
    });
    expect(cancel.status).to.equal(200);
    clock.set(start.getTime() - 2 * HOUR + MINUTE);
    await svc.services.scheduler.runNow(REMINDER_JOB);
    expect(await reminderPublications(id)).to.have.length(0);
  });

  // Last: it restarts the service, and the helpers above talk to the first one.
  it('sends each reminder once at its time, to those who accepted, and survives a restart', async () => {
    clock.set(new Date(`${TEST_YEAR}-11-20T02:00:00Z`));
    const start = new Date(`${TEST_YEAR}-11-23T06:30:00Z`);
    const id = await meetingWithAnswers(start, [deputyIds[0], deputyIds[1]]);
    const scheduler = () => (restarted ?? app.service).services.scheduler;

    await scheduler().runNow(REMINDER_JOB);
    expect(await reminderPublications(id)).to.have.length(0);

    clock.set(start.getTime() - 24 * HOUR + MINUTE);
    await scheduler().runNow(REMINDER_JOB);
    await scheduler().runNow(REMINDER_JOB);
    let pubs = await reminderPublications(id);
    expect(pubs).to.have.length(1);
    expect(pubs[0].audience).to.deep.equal({ resolvers: { meetingAttendees: { meetingId: id } } });
    expect(pubs[0].channels).to.deep.equal(['sms']);

    // Restart: a second service on the same database must not send the 24 h reminder again.
    await app.service.stop();
    restarted = await startService(app.config, { clock });
    await scheduler().runNow(REMINDER_JOB);
    expect(await reminderPublications(id)).to.have.length(1);

    clock.set(start.getTime() - 2 * HOUR + 30_000);
    await scheduler().runNow(REMINDER_JOB);
    await scheduler().runNow(REMINDER_JOB);
    pubs = await reminderPublications(id);
    expect(pubs).to.have.length(2);

    const list = await fetch(`${restarted.url}/api/admin/meetings/${id}/reminders`, { headers: { authorization: `Bearer ${organizer}` } });
    const { items } = (await list.json()) as { items: Array<{ offsetMs: number; status: string; recipientCount: number }> };
    expect(items.map((r) => [r.offsetMs, r.status, r.recipientCount])).to.deep.equal([
      [24 * HOUR, 'sent', 1],
      [2 * HOUR, 'sent', 1],
    ]);

    clock.set(start.getTime() + MINUTE);
    await scheduler().runNow(REMINDER_JOB);
    expect(await reminderPublications(id)).to.have.length(2);
  });

});
