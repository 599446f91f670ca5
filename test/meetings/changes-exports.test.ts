import { expect } from 'chai';
import ical from 'node-ical';
import { parse } from 'csv-parse/sync';
import { TEST_YEAR, TestClock } from '../support/clock';
import { startTestApp, type TestApp } from '../support/app';
import { announced, HOUR, meetingBody, meetingPublications, requestedSms, seedCase, seedDeputies, tokenOf } from './support';

describe('meetings: changes, calendar, CSV, follow-up', () => {
  const clock = new TestClock(new Date(`${TEST_YEAR}-11-20T02:00:00Z`));
  let app: TestApp;
  let organizer: string;
  let deputyIds: string[];
  let caseId: string;

  before(async () => {
    app = await startTestApp({ clock, name: 'meetings_changes', env: { TOKEN_TTL_HOURS: '720' } });
    organizer = (await app.loginAs('organizer')).token;
    deputyIds = await seedDeputies(3);
    caseId = await seedCase('乡镇人大主席团“代表联络站”模式');
  });
  after(() => app.close());

  async function meetingWithAttendee(start: Date) {
    const { id } = await announced(app, organizer, {
      ...meetingBody(start),
      featuredCaseIds: [caseId],
      featuredDeputyIds: [deputyIds[0]],
      invitees: { deputyIds, extras: [{ name: '=HYPERLINK("x")', phone: '13800138000' }] },
    });
    const sms = await requestedSms(id, 'invitation');
    const link = (phone: string) => tokenOf(sms.find((s) => s.phone === phone)!.values.link);
    await app.request('POST', `/api/public/rsvp/${link('13900000000')}`, { body: { response: 'accepted', note: '王五，同行 1 人' } });
    await app.request('POST', `/api/public/rsvp/${link('13900000001')}`, { body: { response: 'declined' } });
    await app.request('POST', `/api/public/rsvp/${link('13800138000')}`, { body: { response: 'accepted', note: '+1 需要翻译' } });
    return { id, token: link('13900000000') };
  }

  const ics = async (id: string) => {
    const res = await app.request('GET', `/api/public/meetings/${id}/ics`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/^text\/calendar/);
    const events = Object.values(ical.sync.parseICS(res.text)).filter((c) => c?.type === 'VEVENT') as ical.VEvent[];
    expect(events).to.have.length(1);
    expect(res.text).to.match(/DTSTART;TZID=Asia\/Shanghai:\d{8}T\d{6}\r\n/);
    return events[0];
  };

  it('rescheduling notifies those who accepted, shows on the page and bumps the calendar SEQUENCE', async () => {
    const start = new Date(`${TEST_YEAR}-12-01T06:30:00Z`);
    const { id, token } = await meetingWithAttendee(start);
    const before = await ics(id);
    expect(before.start.toISOString()).to.equal(start.toISOString());
    expect(String(before.sequence)).to.equal('0');
    expect(before.uid).to.equal(`meeting-${id}@lianxin.test`);

    const current = (await app.request('GET', `/api/admin/meetings/${id}`, { token: organizer })).body;
    const moved = await app.request('POST', `/api/admin/meetings/${id}/reschedule`, {
      token: organizer,
      body: { version: current.version, startsAt: `${TEST_YEAR}-12-02 15:00`, venue: '区会议中心二号厅', note: '与全区大会时间冲突' },
    });
    expect(moved.status).to.equal(200);
    expect(moved.body).to.include({ status: 'changed', startsAtLocal: `${TEST_YEAR}-12-02 15:00`, endsAtLocal: `${TEST_YEAR}-12-02 17:00`, sequence: 1 });

    const change = (await meetingPublications(app, organizer, id)).filter((p) => p.sms?.notification === 'change');
    expect(change).to.have.length(1);
    expect(change[0].audience).to.deep.equal({ resolvers: { meetingAttendees: { meetingId: id } } });
    expect(change[0].sms!.params).to.include({ time: '12月2日 15:00', venue: '区会议中心二号厅' });

    const after = await ics(id);
    expect(after.start.toISOString()).to.equal(`${TEST_YEAR}-12-02T07:00:00.000Z`);
    expect(String(after.sequence)).to.equal('1');
    expect(after.location).to.include('区会议中心二号厅');

    const rsvp = await app.request('GET', `/api/public/rsvp/${token}`);
    expect(rsvp.body.meeting.notice.kind).to.equal('rescheduled');
    expect(rsvp.body.meeting.notice.text).to.include('与全区大会时间冲突');
    const page = await app.request('GET', `/r/${token}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.include('与全区大会时间冲突');

    const stale = await app.request('POST', `/api/admin/meetings/${id}/reschedule`, { token: organizer, body: { version: current.version, venue: '别处' } });
    expect(stale.status).to.equal(409);
  });

  it('cancelling notifies those who accepted, closes RSVP and marks the calendar event CANCELLED', async () => {
    const { id, token } = await meetingWithAttendee(new Date(`${TEST_YEAR}-12-05T06:30:00Z`));
    const current = (await app.request('GET', `/api/admin/meetings/${id}`, { token: organizer })).body;
    const cancelled = await app.request('POST', `/api/admin/meetings/${id}/cancel`, { token: organizer, body: { version: current.version, reason: '天气原因' } });
    expect(cancelled.status).to.equal(200);
    expect(cancelled.body.status).to.equal('cancelled');
    const pubs = (await meetingPublications(app, organizer, id)).filter((p) => p.sms?.notification === 'cancellation');
    expect(pubs).to.have.length(1);

    const answer = await app.request('POST', `/api/public/rsvp/${token}`, { body: { response: 'declined' } });
    expect(answer.status).to.equal(409);
    expect(answer.body.error.code).to.equal('rsvp_closed');
    const event = await ics(id);
    expect(event.status).to.equal('CANCELLED');
    expect(String(event.sequence)).to.equal('1');
    const page = await app.request('GET', `/r/${token}`);
    expect(page.text).to.include('本次会议已取消');
  });

  it('exports the answers as CSV with a BOM that round-trips, formulas neutralised', async () => {
    const { id } = await meetingWithAttendee(new Date(`${TEST_YEAR}-12-06T06:30:00Z`));
    const res = await app.request('GET', `/api/admin/meetings/${id}/rsvps.csv`, { token: organizer });
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/^text\/csv/);
    const bytes = Buffer.from(await (await fetch(`${app.url}/api/admin/meetings/${id}/rsvps.csv`, { headers: { authorization: `Bearer ${organizer}` } })).arrayBuffer());
    expect([...bytes.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
    const rows: string[][] = parse(bytes, { bom: true });
    expect(rows[0]).to.deep.equal(['姓名', '手机号', '来源', '回复', '备注', '回复时间', '邀请短信', '单位']);
    expect(rows).to.have.length(5);
    const byPhone = new Map(rows.slice(1).map((r) => [r[1], r]));
    expect(byPhone.get('13900000000')!.slice(0, 5)).to.deep.equal(['代表0', '13900000000', '代表', '参加', '王五，同行 1 人']);
    expect(byPhone.get('13800138000')![0]).to.equal(`'=HYPERLINK("x")`);
    expect(byPhone.get('13800138000')![4]).to.equal(`'+1 需要翻译`);
    expect(byPhone.get('13900000002')![3]).to.equal('未回复');
  });

  it('drafts the follow-up article once the meeting is over, and returns the same draft on a second call', async () => {
    const start = new Date(`${TEST_YEAR}-12-07T06:30:00Z`);
    const { id } = await meetingWithAttendee(start);
    const early = await app.request('POST', `/api/admin/meetings/${id}/follow-up`, { token: organizer });
    expect(early.status).to.equal(409);

    clock.set(start.getTime() + 3 * HOUR);
    const first = await app.request('POST', `/api/admin/meetings/${id}/follow-up`, { token: organizer });
    expect(first.status).to.equal(201);
    const second = await app.request('POST', `/api/admin/meetings/${id}/follow-up`, { token: organizer });
    expect(second.status).to.equal(200);
    expect(second.body.articleId).to.equal(first.body.articleId);

    const admin = await app.loginAs('admin');
    const article = await app.request('GET', `/api/admin/articles/${first.body.articleId}`, { token: admin.token });
    expect(article.status).to.equal(200);
    expect(article.body.status).to.equal('draft');
    expect(article.body.title).to.include('代表小组活动经验交流会');
    expect(article.body.body).to.include('推广代表小组活动模式');
    expect(article.body.body).to.include('共邀请 4 人，2 人确认参会');
    expect(article.body.body).to.match(/\[乡镇人大主席团“代表联络站”模式\]\(\/cases\/case-/);
    expect(article.body.body).to.match(/\[代表0\]\(\/deputies\/deputy-/);
  });
});
