import { expect } from 'chai';
import { TestClock, testDate } from '../support/clock';
import type { TestApp } from '../support/app';
import type { FakeTencentSms } from '../fakes';
import { waitFor } from '../publishing/support/fixtures';
import { Invitation } from '../../src/meetings/models';
import { announced, HOUR, meetingBody, seedDeputies, tokenOf, startMeetingsAppWithTencent, TENCENT_TEMPLATE } from './support';

const SIGNUP_TEMPLATE = TENCENT_TEMPLATE.signup;
const WAITLIST_TEMPLATE = TENCENT_TEMPLATE.waitlist;
const PROMOTION_TEMPLATE = TENCENT_TEMPLATE.promotion;
const INVITATION_TEMPLATE = TENCENT_TEMPLATE.invitation;

/**
 * Open meetings: the public signs up on the meeting page (or the JSON API) and shares seats and the wait-list with
 * invitees; a freed seat goes to the wait-list in order, with an SMS. Texts are checked at the fake Tencent SMS server.
 */
describe('meetings: public sign-up, wait-list and promotion', function () {
  this.timeout(60_000);
  const clock = new TestClock(testDate('05-10T02:00:00Z'));
  let app: TestApp;
  let sms: FakeTencentSms;
  let organizer: string;

  before(async () => {
    ({ app, sms, organizer } = await startMeetingsAppWithTencent(clock, 'meetings_signup'));
  });
  after(async () => {
    await app.close();
    await sms.close();
  });
  // Each test starts a fresh sign-up window for the test client's address (10 per 15 minutes).
  beforeEach(() => clock.advance(16 * 60_000));

  const start = () => new Date(clock.now().getTime() + 72 * HOUR);
  const signUp = (slug: string, body: Record<string, unknown>) => app.request('POST', `/api/public/meetings/${slug}/signup`, { body });
  const textsTo = (phone: string, template: string) =>
    waitFor(`SMS ${template} to ${phone}`, async () => {
      const found = sms.state.sends.filter((s) => s.phone === `+86${phone}` && s.templateId === template);
      return found.length ? found : undefined;
    });
  const rsvps = async (id: string) => {
    const res = await app.request('GET', `/api/admin/meetings/${id}/rsvps`, { token: organizer });
    expect(res.status, res.text).to.equal(200);
    return res.body as { counts: Record<string, number>; seatsLeft: number | null; items: Array<{ name: string; phone: string; unit?: string; source: string; sourceLabel: string; response: string }> };
  };
  const answer = (token: string, response: 'accepted' | 'declined') => app.request('POST', `/api/public/rsvp/${token}`, { body: { response } });
  const view = async (token: string) => (await app.request('GET', `/api/public/rsvp/${token}`)).body;

  async function openMeeting(overrides: Record<string, unknown> = {}) {
    const { id } = await announced(app, organizer, { ...meetingBody(start()), publicSignup: true, ...overrides });
    const m = await app.request('GET', `/api/admin/meetings/${id}`, { token: organizer });
    return { id, slug: m.body.slug as string };
  }

  it('signs the public up with a private phone and unit, confirms by SMS with the personal link, and shows the form on the page', async () => {
    const { id, slug } = await openMeeting({ capacity: 3 });
    const page = await app.request('GET', `/meetings/${slug}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.include(`action="/meetings/${slug}/signup"`);
    expect(page.text).to.include('data-testid="seats-left">3<');
    expect(page.text).to.include(`href="/meetings/${slug}.ics"`);

    const res = await signUp(slug, { name: '周敏', phone: '+86 137-0000-0001', unit: '东湖区融媒体中心', note: '需要停车位' });
    expect(res.status, res.text).to.equal(201);
    expect(res.body.response).to.equal('accepted');
    expect(res.body.rsvpPath).to.match(/^\/r\/[A-Za-z0-9_-]{22}$/);
    const token = res.body.rsvpPath.slice(3);

    const [text] = await textsTo('13700000001', SIGNUP_TEMPLATE);
    expect(text.params).to.include(`http://lianxin.test/r/${token}`);
    expect(text.params[0]).to.equal('周敏');

    const personal = await view(token);
    expect(personal.invitee).to.include({ name: '周敏', response: 'accepted' });
    expect(JSON.stringify(personal)).not.to.include('13700000001');

    const list = await rsvps(id);
    const row = list.items.find((r) => r.name === '周敏')!;
    expect(row).to.include({ phone: '13700000001', unit: '东湖区融媒体中心', source: 'public', sourceLabel: '公众报名', response: 'accepted' });
    expect(list.seatsLeft).to.equal(2);

    const after = await app.request('GET', `/meetings/${slug}`);
    expect(after.text).to.include('data-testid="seats-left">2<');
    expect(after.text).not.to.include('13700000001');
    expect(after.text).not.to.include('周敏');

    const again = await signUp(slug, { name: '周敏', phone: '13700000001' });
    expect(again.status).to.equal(409);
    expect(again.body.error.code).to.equal('already_registered');
    expect(await Invitation.countDocuments({ phone: '13700000001' })).to.equal(1);
  });

  it('refuses bad input field by field, closed meetings, bots, other sites, and too many sign-ups from one address — writing nothing', async () => {
    const { id, slug } = await openMeeting({ capacity: 10 });
    const bad = await signUp(slug, { name: '', phone: '12345', unit: 'x'.repeat(101), colour: 'red' });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field)).to.include.members(['body.name', 'body.phone', 'body.unit', 'body.colour']);

    const closed = await announced(app, organizer, { ...meetingBody(start(), { title: '仅限受邀代表的交流会' }) });
    const closedSlug = (await app.request('GET', `/api/admin/meetings/${closed.id}`, { token: organizer })).body.slug;
    const refused = await signUp(closedSlug, { name: '路人', phone: '13700000100' });
    expect(refused.status).to.equal(409);
    expect(refused.body.error.code).to.equal('signup_closed');
    expect((await app.request('GET', `/meetings/${closedSlug}`)).text).not.to.include('/signup"');

    const bot = await signUp(slug, { name: '机器人', phone: '13700000101', website: 'http://spam.example' });
    expect(bot.status).to.equal(400);
    const crossSite = await app.request('POST', `/api/public/meetings/${slug}/signup`, {
      body: { name: '跨站', phone: '13700000102' },
      headers: { origin: 'https://evil.example' },
    });
    expect(crossSite.status).to.equal(403);
    expect(await Invitation.countDocuments({ meetingId: id })).to.equal(0);

    clock.advance(16 * 60_000);
    for (let i = 0; i < 10; i++) expect((await signUp(slug, { name: `报名者${i}`, phone: `1370000020${i}` })).status).to.equal(201);
    const tooMany = await signUp(slug, { name: '第十一位', phone: '13700000299' });
    expect(tooMany.status).to.equal(429);
    expect(await Invitation.countDocuments({ meetingId: id })).to.equal(10);

    clock.set(new Date(start().getTime())); // past the start (the default deadline)
    clock.advance(16 * 60_000);
    const late = await signUp(slug, { name: '迟到', phone: '13700000300' });
    expect(late.status).to.equal(409);
    expect(late.body.error.code).to.equal('signup_closed');
  });

  it('shares seats with invitees; the full meeting wait-lists in order; a freed seat and a larger capacity promote with an SMS', async () => {
    const [deputy] = await seedDeputies(1, 500);
    const { id } = await announced(app, organizer, { ...meetingBody(start()), publicSignup: true, capacity: 2, invitees: { deputyIds: [deputy] } });
    const slug = (await app.request('GET', `/api/admin/meetings/${id}`, { token: organizer })).body.slug;
    const [invitation] = await textsTo('13900000500', INVITATION_TEMPLATE);
    const deputyToken = tokenOf(invitation.params.find((p) => p.includes('/r/'))!);

    const a = await signUp(slug, { name: '甲', phone: '13700000401' });
    expect(a.body.response).to.equal('accepted');
    expect((await answer(deputyToken, 'accepted')).body.invitee.response).to.equal('accepted');

    const b = await signUp(slug, { name: '乙', phone: '13700000402' });
    clock.advance(1000);
    const c = await signUp(slug, { name: '丙', phone: '13700000403' });
    expect([b.body.response, c.body.response]).to.deep.equal(['waitlisted', 'waitlisted']);
    const bToken = b.body.rsvpPath.slice(3);
    const cToken = c.body.rsvpPath.slice(3);
    expect((await view(bToken)).waitlistPosition).to.equal(1);
    expect((await view(cToken)).waitlistPosition).to.equal(2);
    const [waitText] = await textsTo('13700000402', WAITLIST_TEMPLATE);
    expect(waitText.params).to.include(`http://lianxin.test/r/${bToken}`);
    expect((await app.request('GET', `/meetings/${slug}`)).text).to.include('data-testid="signup-full"');

    // An invitee answering "参加" now joins the wait-list too (behind 乙 and 丙).
    const [other] = await seedDeputies(1, 501);
    await app.request('PATCH', `/api/admin/meetings/${id}`, {
      token: organizer,
      body: { version: (await app.request('GET', `/api/admin/meetings/${id}`, { token: organizer })).body.version, invitees: { deputyIds: [deputy, other] } },
    });
    const [otherInvite] = await textsTo('13900000501', INVITATION_TEMPLATE);
    const otherToken = tokenOf(otherInvite.params.find((p) => p.includes('/r/'))!);
    clock.advance(1000);
    const waiting = await answer(otherToken, 'accepted');
    expect(waiting.status).to.equal(200);
    expect(waiting.body.invitee.response).to.equal('waitlisted');
    expect(waiting.body.waitlistPosition).to.equal(3);

    // 甲 cancels through the personal link: 乙 (first in line) gets the seat and a text.
    const aToken = a.body.rsvpPath.slice(3);
    expect((await answer(aToken, 'declined')).body.invitee.response).to.equal('declined');
    const promotedB = await view(bToken);
    expect(promotedB.invitee.response).to.equal('accepted');
    expect(promotedB.invitee.promotedAt).to.be.a('string');
    const [promotion] = await textsTo('13700000402', PROMOTION_TEMPLATE);
    expect(promotion.params[0]).to.equal('乙');
    expect((await view(cToken)).waitlistPosition).to.equal(1);
    let list = await rsvps(id);
    expect(list.counts).to.include({ accepted: 2, waitlisted: 2, declined: 1 });
    expect(list.seatsLeft).to.equal(0);

    // A waitlisted person leaving the list frees no seat and promotes nobody.
    expect((await answer(cToken, 'declined')).body.invitee.response).to.equal('declined');
    list = await rsvps(id);
    expect(list.counts).to.include({ accepted: 2, waitlisted: 1, declined: 2 });

    // The organizer adds a seat: the next in line (the second deputy) is promoted and told.
    const version = (await app.request('GET', `/api/admin/meetings/${id}`, { token: organizer })).body.version;
    const raised = await app.request('PATCH', `/api/admin/meetings/${id}`, { token: organizer, body: { version, capacity: 3 } });
    expect(raised.status, raised.text).to.equal(200);
    expect((await view(otherToken)).invitee.response).to.equal('accepted');
    await textsTo('13900000501', PROMOTION_TEMPLATE);
    list = await rsvps(id);
    expect(list.counts).to.include({ accepted: 3, waitlisted: 0 });
    expect(sms.state.sends.filter((s) => s.templateId === PROMOTION_TEMPLATE && s.phone === '+8613700000403')).to.have.length(0);
  });

  it('ten people signing up at once for four seats: four accepted, six on the wait-list, one seat counter', async () => {
    const { id, slug } = await openMeeting({ capacity: 4 });
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => signUp(slug, { name: `同时${i}`, phone: `1370000050${i}` })));
    expect(results.every((r) => r.status === 201)).to.equal(true);
    expect(results.filter((r) => r.body.response === 'accepted')).to.have.length(4);
    expect(results.filter((r) => r.body.response === 'waitlisted')).to.have.length(6);
    const list = await rsvps(id);
    expect(list.counts).to.include({ accepted: 4, waitlisted: 6 });
    expect(list.seatsLeft).to.equal(0);
  });

  it('the form on the page: redirects to the personal page, or comes back with the message and what was typed', async () => {
    const { slug } = await openMeeting({ capacity: 5 });
    const form = (fields: Record<string, string>) =>
      app.request('POST', `/meetings/${slug}/signup`, {
        rawBody: new URLSearchParams(fields).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://lianxin.test' },
      });
    const bad = await form({ name: '吴刚', phone: '123', unit: '东湖区司法局', website: '' });
    expect(bad.status).to.equal(400);
    expect(bad.headers.get('content-type')).to.match(/text\/html/);
    expect(bad.text).to.include('请填写正确的 11 位手机号码');
    expect(bad.text).to.include('value="吴刚"');
    expect(bad.text).to.include('value="东湖区司法局"');

    const ok = await form({ name: '吴刚', phone: '13700000601', unit: '东湖区司法局', website: '' });
    expect(ok.status).to.equal(303);
    const location = ok.headers.get('location')!;
    expect(location).to.match(/^\/r\/[A-Za-z0-9_-]{22}\?done=1$/);
    const personal = await app.request('GET', location);
    expect(personal.text).to.include('data-testid="rsvp-confirmation"');
    expect(personal.text).to.include('参加');

    const again = await form({ name: '吴刚', phone: '13700000601', website: '' });
    expect(again.status).to.equal(409);
    expect(again.text).to.include('已报名');

    const ics = await app.request('GET', `/meetings/${slug}.ics`);
    expect(ics.status).to.equal(200);
    expect(ics.text).to.include('BEGIN:VEVENT');
  });
});
