import { expect } from 'chai';
import { TestClock, testDate } from '../support/clock';
import { Delivery } from '../../src/publishing/models/delivery';
import { Publication } from '../../src/publishing/models/publication';
import type { TestApp } from '../support/app';
import type { FakeTencentSms } from '../fakes';
import { waitFor } from '../publishing/support/fixtures';
import { announced, HOUR, meetingBody, phoneOf, requestedSms, seedDeputies, tencentInbox, tokenOf, startMeetingsAppWithTencent, TENCENT_TEMPLATE } from './support';

const INVITATION_TEMPLATE = TENCENT_TEMPLATE.invitation;
const CHANGE_TEMPLATE = TENCENT_TEMPLATE.change;

/**
 * Frequency limits delay meeting texts, never drop them; the organizer sees per invitee whether the invitation
 * arrived and can resend it. The clock starts at a fixed Beijing mid-day and is driven.
 */
describe('meetings: invitations delivered after a frequency limit, shown per invitee, resent', function () {
  this.timeout(60_000);
  const clock = new TestClock(testDate('03-10T02:00:00Z'));
  let app: TestApp;
  let sms: FakeTencentSms;
  let organizer: string;

  before(async () => {
    ({ app, sms, organizer } = await startMeetingsAppWithTencent(clock, 'meetings_delivery'));
  });
  after(async () => {
    await app.close();
    await sms.close();
  });

  const start = () => new Date(clock.now().getTime() + 72 * HOUR);
  const invitationPub = (id: string) => waitFor('invitation publication', async () => (await Publication.findOne({ kind: 'meeting', itemId: id, 'sms.notification': 'invitation' }).lean()) ?? undefined);
  const pubStatus = async (id: unknown) => (await Publication.findById(id).lean())!.status;
  const rsvps = async (id: string) => {
    const res = await app.request('GET', `/api/admin/meetings/${id}/rsvps`, { token: organizer });
    expect(res.status, res.text).to.equal(200);
    return res.body as { smsCounts: Record<string, number>; items: Array<{ id: string; phone: string; response: string; sms: { state: string; label: string; reason?: string } }> };
  };
  const textsTo = (phone: string, template: string) => sms.state.sends.filter((s) => s.phone === `+86${phone}` && s.templateId === template);

  it('a second meeting announced to the same people within 30 s is delayed, shown as waiting, then sent — never dropped', async () => {
    const ids = await seedDeputies(3, 100);
    const first = await announced(app, organizer, { ...meetingBody(start()), invitees: { deputyIds: ids } });
    const firstPub = await invitationPub(first.id);
    await waitFor('first invitations sent', async () => ['sent', 'partial'].includes(await pubStatus(firstPub._id)));
    expect((await rsvps(first.id)).smsCounts.sent).to.equal(3);

    clock.advance(5_000);
    const second = await announced(app, organizer, { ...meetingBody(start(), { title: '第二场经验交流会' }), invitees: { deputyIds: ids } });
    expect(second.announce.invitations.invited).to.equal(3);
    const secondPub = await invitationPub(second.id);
    const held = await waitFor('invitations held back', async () => {
      const d = await Delivery.findOne({ publicationId: secondPub._id, channel: 'sms' }).lean();
      return d?.status === 'queued' && d.recipients.every((r) => r.status === 'deferred') ? d : undefined;
    });
    expect(held.nextAttemptAt.getTime()).to.equal(clock.now().getTime() + 25_000);
    expect(await pubStatus(secondPub._id)).to.equal('sending'); // not 已完成
    const waiting = await rsvps(second.id);
    expect(waiting.smsCounts.waiting).to.equal(3);
    expect(waiting.items[0].sms.reason).to.contain('30 秒');
    expect(textsTo(phoneOf(100), INVITATION_TEMPLATE)).to.have.length(1);

    clock.advance(25_000);
    await waitFor('second invitations sent', async () => (await pubStatus(secondPub._id)) === 'sent', 15_000);
    for (let i = 100; i < 103; i++) expect(textsTo(phoneOf(i), INVITATION_TEMPLATE), phoneOf(i)).to.have.length(2);
    expect((await rsvps(second.id)).smsCounts.sent).to.equal(3);
  });

  it('rescheduling twice within seconds: the latest change notice supersedes the one still waiting, with the right time', async () => {
    clock.advance(60_000);
    const [deputyId] = await seedDeputies(1, 120);
    const { id } = await announced(app, organizer, { ...meetingBody(start()), invitees: { deputyIds: [deputyId] } });
    const [invitation] = await requestedSms(id, 'invitation', tencentInbox(sms));
    expect((await app.request('POST', `/api/public/rsvp/${tokenOf(invitation.values.link)}`, { body: { response: 'accepted' } })).status).to.equal(200);
    const move = async (hours: number) => {
      const current = await app.request('GET', `/api/admin/meetings/${id}`, { token: organizer });
      const to = new Date(start().getTime() + hours * HOUR);
      const res = await app.request('POST', `/api/admin/meetings/${id}/reschedule`, { token: organizer, body: { version: current.body.version, startsAt: to.toISOString(), note: '改期' } });
      expect(res.status, res.text).to.equal(200);
      movedTo = to;
      return res.body.publicationId as string;
    };
    let movedTo = new Date(0);
    const first = await move(24);
    await waitFor('first change notice sent', async () => (await Delivery.findOne({ publicationId: first, channel: 'sms' }).lean())?.status === 'sent');
    clock.advance(6_000);
    const second = await move(48);
    await waitFor('second notice held back', async () => (await Delivery.findOne({ publicationId: second, channel: 'sms' }).lean())?.recipients[0]?.status === 'deferred');
    clock.advance(6_000);
    const third = await move(30);
    // Superseded while it waited: its SMS batch is withdrawn (the page already shows the latest time).
    expect((await Delivery.findOne({ publicationId: second, channel: 'sms' }).lean())!.status).to.equal('cancelled');
    clock.advance(30_000);
    await waitFor('latest change notice sent', async () => (await Delivery.findOne({ publicationId: third, channel: 'sms' }).lean())?.status === 'sent', 15_000);
    const changes = textsTo(phoneOf(120), CHANGE_TEMPLATE);
    expect(changes).to.have.length(2);
    const latest = await app.request('GET', `/api/admin/meetings/${id}`, { token: organizer });
    const lastText = changes[changes.length - 1].params.join(' ');
    const shown = (await Publication.findById(third).lean())!.sms!.params.time;
    expect(lastText).to.contain(shown);
    expect(new Date(latest.body.startsAt).getTime()).to.equal(movedTo.getTime()); // the third move is what they read last
  });

  it('an invitation that did not arrive shows as not delivered, the publication as partial, and can be resent', async () => {
    clock.advance(60_000);
    const ids = await seedDeputies(3, 140);
    sms.controls.failNumber(`+86${phoneOf(140)}`, 'FailedOperation.PhoneNumberInBlacklist');
    const { id } = await announced(app, organizer, { ...meetingBody(start(), { title: '第三场' }), invitees: { deputyIds: ids } });
    const pub = await invitationPub(id);
    await waitFor('invitations settled', async () => ['sent', 'partial', 'failed'].includes(await pubStatus(pub._id)));
    expect(await pubStatus(pub._id)).to.equal('partial');
    const before = await rsvps(id);
    expect(before.smsCounts).to.include({ not_delivered: 1, sent: 2 });
    const missed = before.items.find((r) => r.sms.state === 'not_delivered')!;
    expect(missed.sms.reason).to.contain('免打扰');
    // It never arrived, so its record keeps the link (a retry could still send it); the resend retires it.
    const failedBatch = (await Delivery.findOne({ publicationId: pub._id, channel: 'sms' }).lean())!;
    const oldLink = { values: failedBatch.recipients.find((r) => r.recipient.endsWith(phoneOf(140)))!.params! };
    expect(failedBatch.recipients.filter((r) => r.params?.link)).to.have.length(1);

    // One person.
    sms.state.numberFailures.delete(`+86${phoneOf(140)}`);
    clock.advance(31_000);
    const one = await app.request('POST', `/api/admin/meetings/${id}/invitations/resend`, { token: organizer, body: { invitationIds: [missed.id] } });
    expect(one.status, one.text).to.equal(200);
    expect(one.body.resent).to.equal(1);
    await waitFor('resent', async () => (await pubStatus(one.body.publicationId)) === 'sent');
    expect(textsTo(phoneOf(140), INVITATION_TEMPLATE)).to.have.length(1);
    expect((await rsvps(id)).smsCounts).to.include({ sent: 3, not_delivered: 0 });
    const newLink = (await requestedSms(id, 'invitation', tencentInbox(sms))).filter((r) => r.phone.endsWith(phoneOf(140))).map((r) => r.values.link).find((l) => l !== oldLink.values.link)!;
    expect((await app.request('GET', `/api/public/rsvp/${tokenOf(newLink)}`)).status).to.equal(200);
    expect((await app.request('GET', `/api/public/rsvp/${tokenOf(oldLink.values.link)}`)).status).to.equal(404);

    // Everyone who has not answered (one answers first and is left out).
    const answered = (await requestedSms(id, 'invitation', tencentInbox(sms))).find((r) => r.phone.endsWith(phoneOf(141)))!;
    expect((await app.request('POST', `/api/public/rsvp/${tokenOf(answered.values.link)}`, { body: { response: 'declined' } })).status).to.equal(200);
    clock.advance(31_000);
    const all = await app.request('POST', `/api/admin/meetings/${id}/invitations/resend`, { token: organizer, body: {} });
    expect(all.status, all.text).to.equal(200);
    expect(all.body.resent).to.equal(2);
    await waitFor('resent to all', async () => (await pubStatus(all.body.publicationId)) === 'sent');
    expect(textsTo(phoneOf(141), INVITATION_TEMPLATE)).to.have.length(1);
    expect(textsTo(phoneOf(142), INVITATION_TEMPLATE)).to.have.length(2);
  });
});
