import { expect } from 'chai';
import mongoose, { type Types } from 'mongoose';
import { TEST_YEAR, TestClock } from '../support/clock';
import { REMINDER_JOB } from '../../src/meetings/reminders';
import { Delivery } from '../../src/publishing/models/delivery';
import { Publication } from '../../src/publishing/models/publication';
import type { TestApp } from '../support/app';
import type { FakeTencentSms } from '../fakes';
import { waitFor } from '../publishing/support/fixtures';
import { announced, HOUR, meetingBody, phoneOf, requestedSms, seedDeputies, tencentInbox, tokenOf, startMeetingsAppWithTencent } from './support';

const MINUTE = 60_000;
const FINAL = ['sent', 'partial', 'failed', 'cancelled'];

describe('meetings: a change withdraws reminders that have not gone out', () => {
  const clock = new TestClock(new Date(`${TEST_YEAR}-11-21T02:00:00Z`));
  let app: TestApp;
  let sms: FakeTencentSms;
  let organizer: string;

  before(async () => {
    ({ app, sms, organizer } = await startMeetingsAppWithTencent(clock, 'meetings_withdraw'));
  });
  after(async () => {
    await app.close();
    await sms.close();
  });

  const settledPublication = (filter: Record<string, unknown>) =>
    waitFor('publication settled', async () => {
      const p = await Publication.findOne(filter as never).lean();
      return p && FINAL.includes(p.status) ? p : undefined;
    });

  /**
   * A meeting at `start` with one invited deputy who accepted; the provider then throttles that number, so the
   * 2-hour reminder goes back to the queue to be retried later. Returns the meeting, the number and the reminder.
   */
  async function reminderWaitingForRetry(start: Date, phoneIndex: number) {
    const [deputyId] = await seedDeputies(1, phoneIndex);
    const phone = `+86${phoneOf(phoneIndex)}`;
    const { id } = await announced(app, organizer, { ...meetingBody(start), invitees: { deputyIds: [deputyId] } });
    const [invitation] = await requestedSms(id, 'invitation', tencentInbox(sms));
    const answer = await app.request('POST', `/api/public/rsvp/${tokenOf(invitation.values.link)}`, { body: { response: 'accepted' } });
    expect(answer.status, answer.text).to.equal(200);
    await settledPublication({ kind: 'meeting', itemId: id, 'sms.notification': 'invitation' });

    sms.controls.failRequestsWith(phone, 'RequestLimitExceeded');
    clock.set(start.getTime() - 2 * HOUR + MINUTE);
    await app.service.services.scheduler.runNow(REMINDER_JOB);
    const reminder = await waitFor('reminder publication', async () => (await Publication.findOne({ kind: 'meeting', itemId: id, 'sms.notification': 'reminder' }).lean()) ?? undefined);
    await waitFor('reminder waiting for a retry', async () => {
      const d = await Delivery.findOne({ publicationId: reminder._id }).lean();
      return d && d.status === 'queued' && d.attempts === 1;
    });
    return { id, phone, reminder };
  }

  /** The reminder's batch once it is no longer waiting or being sent. */
  const settledReminderBatch = (reminderId: Types.ObjectId) =>
    waitFor('reminder batch settled', async () => {
      const row = await Delivery.findOne({ publicationId: reminderId }).lean();
      return row && !['queued', 'sending'].includes(row.status) ? row : undefined;
    });

  it('no admin API shows an organizer the invitees\' personal RSVP links', async () => {
    const [deputyId] = await seedDeputies(1, 60);
    const { id } = await announced(app, organizer, { ...meetingBody(new Date(`${TEST_YEAR}-11-25T08:30:00Z`)), invitees: { deputyIds: [deputyId] } });
    const [invitation] = await requestedSms(id, 'invitation', tencentInbox(sms));
    const token = tokenOf(invitation.values.link);
    const pub = await settledPublication({ kind: 'meeting', itemId: id, 'sms.notification': 'invitation' });
    const list = await app.request('GET', `/api/admin/publications?kind=meeting&itemId=${id}`, { token: organizer });
    const view = await app.request('GET', `/api/admin/publications/${String(pub._id)}`, { token: organizer });
    const smsDelivery = view.body.deliveries.find((d: { channel: string }) => d.channel === 'sms');
    const recipients = await app.request('GET', `/api/admin/deliveries/${smsDelivery.id}/recipients`, { token: organizer });
    for (const res of [list, view, recipients]) {
      expect(res.status, res.text).to.equal(200);
      expect(res.text).not.to.contain(token);
    }
  });

  it('once an invitation has gone, no record in the database holds its personal link, only the hash', async () => {
    const [deputyId] = await seedDeputies(1, 80);
    const { id } = await announced(app, organizer, { ...meetingBody(new Date(`${TEST_YEAR}-11-26T08:30:00Z`)), invitees: { deputyIds: [deputyId] } });
    const [invitation] = await requestedSms(id, 'invitation', tencentInbox(sms));
    const token = tokenOf(invitation.values.link);
    await settledPublication({ kind: 'meeting', itemId: id, 'sms.notification': 'invitation' });
    const db = mongoose.connection.db!;
    const holders: string[] = [];
    for (const { name } of await db.listCollections().toArray()) {
      for (const doc of await db.collection(name).find().toArray()) if (JSON.stringify(doc).includes(token)) holders.push(name);
    }
    expect(holders).to.deep.equal([]);
    // The link still works: the hash is what answers it.
    expect((await app.request('GET', `/api/public/rsvp/${token}`)).status).to.equal(200);
  });

  it('cancelling while a reminder waits for a retry: the reminder never goes out', async () => {
    const { id, phone, reminder } = await reminderWaitingForRetry(new Date(`${TEST_YEAR}-11-22T08:30:00Z`), 50);

    const current = await app.request('GET', `/api/admin/meetings/${id}`, { token: organizer });
    const cancel = await app.request('POST', `/api/admin/meetings/${id}/cancel`, { token: organizer, body: { version: current.body.version, reason: '因故取消' } });
    expect(cancel.status, cancel.text).to.equal(200);
    sms.controls.failRequestsWith(phone, null);
    clock.advance(15 * MINUTE);

    await settledPublication({ kind: 'meeting', itemId: id, 'sms.notification': 'cancellation' });
    const d = await settledReminderBatch(reminder._id);
    expect(d.status).to.equal('cancelled');
    expect((await Publication.findById(reminder._id).lean())?.status).to.equal('cancelled');
    const texts = sms.state.sends.filter((s) => s.phone === phone).map((s) => s.templateId);
    expect(texts).to.not.include('2100003'); // the reminder template
    expect(texts).to.have.length(2); // the invitation and the cancellation

    const listed = await app.request('GET', `/api/admin/meetings/${id}/reminders`, { token: organizer });
    expect(listed.status, listed.text).to.equal(200);
    const row = listed.body.items.find((r: { publicationId?: string }) => r.publicationId === String(reminder._id));
    expect(row.status).to.equal('withdrawn');
    expect(row.reason).to.be.a('string').and.not.equal('');
  });
  it('moving the meeting while a reminder waits for a retry: the old-time reminder never goes out', async () => {
    clock.set(new Date(`${TEST_YEAR}-11-27T02:00:00Z`));
    organizer = (await app.loginAs('organizer')).token; // the clock moved on: a fresh session
    const start = new Date(`${TEST_YEAR}-11-28T08:30:00Z`);
    const { id, phone, reminder } = await reminderWaitingForRetry(start, 70);

    organizer = (await app.loginAs('organizer')).token;
    const current = await app.request('GET', `/api/admin/meetings/${id}`, { token: organizer });
    const moved = await app.request('POST', `/api/admin/meetings/${id}/reschedule`, {
      token: organizer,
      body: { version: current.body.version, startsAt: new Date(start.getTime() + 24 * HOUR).toISOString(), note: '改期一天' },
    });
    expect(moved.status, moved.text).to.equal(200);
    sms.controls.failRequestsWith(phone, null);
    clock.advance(15 * MINUTE);

    await settledPublication({ kind: 'meeting', itemId: id, 'sms.notification': 'change' });
    const d = await settledReminderBatch(reminder._id);
    expect(d.status).to.equal('cancelled');
    const texts = sms.state.sends.filter((s) => s.phone === phone).map((s) => s.templateId);
    expect(texts).to.not.include('2100003'); // the reminder template, with the old time
    expect(texts).to.have.length(2); // the invitation and the change notice
    const listed = await app.request('GET', `/api/admin/meetings/${id}/reminders`, { token: organizer });
    expect(listed.body.items.find((r: { publicationId?: string }) => r.publicationId === String(reminder._id)).status).to.equal('withdrawn');
  });
});
