import { expect } from 'chai';
import type { TestApp } from '../support/app';
import { TestClock, testDate } from '../support/clock';
import type { FakeTencentSms } from '../fakes';
import { createDepartment, departmentUser, expectStatus, register, type Staff } from './support';
import { deputyWithPhone, smsArrives, startPublicApp, TEMPLATES, textsTo, tokenOfLink } from './public-support';

const DAY = 86_400_000;

describe('suggestions: the deputy’s own satisfaction through the SMS link', function () {
  // Sign-ins hash passwords with Argon2: on the shared 2-core machine under load that alone takes seconds.
  this.timeout(600_000);
  const clock = new TestClock(testDate('04-06T02:00:00Z'));
  let app: TestApp;
  let staff: Staff;
  let sms: FakeTencentSms;
  let wang: string;
  let li: string;
  let noPhone: string;
  let roads: string;
  let roadsUser: string;

  before(async () => {
    ({ app, staff, sms } = await startPublicApp('suggestions_satisfaction', clock));
    wang = await deputyWithPhone(app, staff, '王代表', ['13900000001']);
    li = await deputyWithPhone(app, staff, '李代表', ['139-0000-0002']);
    noPhone = await deputyWithPhone(app, staff, '张代表', ['0712-5551234']);
    roads = await createDepartment(app, staff, '县交通运输局');
    roadsUser = await departmentUser(app, staff, roads);
  });
  after(async () => {
    await app?.close();
    await sms?.close();
  });

  const post = (token: string, id: string, step: string, body: Record<string, unknown> = {}) => app.request('POST', `/api/admin/suggestions/${id}/${step}`, { token, body });
  const answerBody = { text: '已列入今年村道改造计划，十月底前完工。', answerClass: 'B', meeting: { at: testDate('04-20T06:00:00Z').toISOString(), participants: '王代表、县交通运输局李局长', place: '七里坪镇代表之家' } };

  async function answered(deputyIds: string[]) {
    const s = await register(app, staff, deputyIds);
    expect(s.receiptNo).to.match(/^JY\d{8}-[2-9A-HJ-NP-Z]{6}$/);
    expectStatus(await post(staff.liaison, s.id, 'sort'), 200);
    expectStatus(await post(staff.liaison, s.id, 'assign', { leadDepartmentId: roads }), 200);
    clock.advance(DAY);
    const res = await post(roadsUser, s.id, 'answer', answerBody);
    expectStatus(res, 200);
    return res.body;
  }

  it('tells the deputies by SMS when it is assigned and when it is answered, with a personal link each; those without a mobile are counted', async () => {
    const s = await answered([wang, li, noPhone]);
    const [assigned] = await smsArrives(sms, '13900000001', TEMPLATES.assigned);
    expect(assigned.params[0]).to.equal('王代表');
    expect(assigned.params[2]).to.equal(s.receiptNo);
    expect(assigned.params[3]).to.equal('县交通运输局');
    const [toWang] = await smsArrives(sms, '13900000001', TEMPLATES.answered);
    const [toLi] = await smsArrives(sms, '13900000002', TEMPLATES.answered);
    expect(toWang.params.slice(0, 2)).to.deep.equal(['王代表', '县交通运输局']);
    expect(toWang.params[3]).to.match(/^http:\/\/lianxin\.test\/s\/[A-Za-z0-9_-]{22}$/);
    expect(toWang.params[3]).to.not.equal(toLi.params[3]);
    expect(s.notices.map((n: any) => [n.kind, n.notified, n.unreachable])).to.deep.equal([['assigned', 2, 1], ['answered', 2, 1]]);

    const view = await app.request('GET', `/api/public/satisfaction/${tokenOfLink(toWang.params[3])}`);
    expectStatus(view, 200);
    expect(view.headers.get('cache-control')).to.contain('no-store');
    expect(view.body.deputyName).to.equal('王代表');
    expect(view.body.suggestion.text).to.equal('村道年久失修，雨天无法通行');
    expect(view.body.answer).to.deep.include({ department: '县交通运输局', text: answerBody.text });
    expect(view.body.open).to.equal(true);
  });

  it('takes one rating per round from the link, marks it as the deputy’s own, and refuses the link again and the other deputy’s link', async () => {
    const s = await answered([wang, li]);
    const [toWang] = await smsArrives(sms, '13900000001', TEMPLATES.answered, 2);
    const links = textsTo(sms, '13900000002', TEMPLATES.answered);
    const wangToken = tokenOfLink(textsTo(sms, '13900000001', TEMPLATES.answered).at(-1)!.params[3]);
    await smsArrives(sms, '13900000002', TEMPLATES.answered, 2);
    const liToken = tokenOfLink(textsTo(sms, '13900000002', TEMPLATES.answered).at(-1)!.params[3]);
    expect(toWang).to.exist;
    expect(links).to.not.be.empty;

    const crossSite = await app.request('POST', `/api/public/satisfaction/${wangToken}`, { body: { rating: '满意' }, headers: { 'sec-fetch-site': 'cross-site' } });
    expectStatus(crossSite, 403);
    const bad = await app.request('POST', `/api/public/satisfaction/${wangToken}`, { body: { rating: '还行' } });
    expectStatus(bad, 400);

    const rated = await app.request('POST', `/api/public/satisfaction/${wangToken}`, { body: { rating: '基本满意', comment: '希望按期完工' } });
    expectStatus(rated, 200);
    expect(rated.body.rating).to.include({ rating: '基本满意', byThisLink: true, onBehalf: false });
    const again = await app.request('POST', `/api/public/satisfaction/${wangToken}`, { body: { rating: '不满意' } });
    expectStatus(again, 409);
    expect(again.body.error.code).to.equal('satisfaction_link_used');
    const other = await app.request('POST', `/api/public/satisfaction/${liToken}`, { body: { rating: '不满意' } });
    expectStatus(other, 409);
    expect(other.body.error.code).to.equal('satisfaction_closed');

    const record = await app.request('GET', `/api/admin/suggestions/${s.id}`, { token: staff.liaison });
    expect(record.body.status).to.equal('rated');
    expect(record.body.ratings).to.have.length(1);
    expect(record.body.ratings[0]).to.include({ rating: '基本满意', comment: '希望按期完工', source: 'deputy', onBehalf: false, deputyId: wang });
    expect(record.body.history.at(-1)).to.include({ action: 'rate', by: wang, byName: '王代表（代表本人）' });
    expect(record.body.history.at(-1).note).to.contain('代表本人评价');
  });

  it('refuses unknown and expired links clearly, and links of a round that was handled again', async () => {
    expectStatus(await app.request('GET', '/api/public/satisfaction/not-a-token'), 404);
    const unknown = await app.request('GET', `/api/public/satisfaction/${'A'.repeat(22)}`);
    expectStatus(unknown, 404);
    expect(unknown.body.error.code).to.equal('satisfaction_link_invalid');

    const s = await answered([wang]);
    const link = (await smsArrives(sms, '13900000001', TEMPLATES.answered, 3)).at(-1)!.params[3];
    // The liaison records 不满意 for the deputy; it goes back for handling: the old link is spent.
    const byLiaison = await post(staff.liaison, s.id, 'rate', { rating: '不满意', comment: '电话反映：进度太慢', deputyId: wang });
    expectStatus(byLiaison, 200);
    expect(byLiaison.body.ratings[0]).to.include({ source: 'liaison', onBehalf: true });
    expect(byLiaison.body.history.at(-1).note).to.contain('联络员代为录入');
    expectStatus(await post(staff.liaison, s.id, 'rehandle'), 200);
    const stale = await app.request('POST', `/api/public/satisfaction/${tokenOfLink(link)}`, { body: { rating: '满意' } });
    expectStatus(stale, 409);

    clock.advance(DAY);
    expectStatus(await post(roadsUser, s.id, 'answer', answerBody), 200);
    const fresh = (await smsArrives(sms, '13900000001', TEMPLATES.answered, 4)).at(-1)!.params[3];
    clock.advance(31 * DAY);
    const expired = await app.request('GET', `/api/public/satisfaction/${tokenOfLink(fresh)}`);
    expectStatus(expired, 410);
    expect(expired.body.error.code).to.equal('satisfaction_link_expired');
    // A resend gives a fresh link that works.
    const resent = await post(staff.liaison, s.id, 'satisfaction-links');
    expectStatus(resent, 200);
    const newest = (await smsArrives(sms, '13900000001', TEMPLATES.answered, 5)).at(-1)!.params[3];
    expectStatus(await app.request('POST', `/api/public/satisfaction/${tokenOfLink(newest)}`, { body: { rating: '满意' } }), 200);
  });

  it('serves a phone-friendly page with the answer and a plain form that redirects after the rating', async () => {
    await answered([li]);
    const link = (await smsArrives(sms, '13900000002', TEMPLATES.answered, 3)).at(-1)!.params[3];
    const path = new URL(link).pathname;
    const page = await app.request('GET', path);
    expectStatus(page, 200);
    expect(page.text).to.contain('李代表').and.to.contain('您好').and.to.contain('已列入今年村道改造计划').and.to.contain('name="viewport"');
    expect(page.headers.get('referrer-policy')).to.equal('same-origin');
    const missing = await app.request('POST', path, { rawBody: 'comment=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expectStatus(missing, 400);
    expect(missing.text).to.contain('请选择');
    const posted = await app.request('POST', path, { rawBody: `rating=${encodeURIComponent('满意')}&comment=${encodeURIComponent('谢谢')}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expectStatus(posted, 303);
    const done = await app.request('GET', posted.headers.get('location')!);
    expect(done.text).to.contain('已收到您的评价').and.to.contain('满意');
    const bad = await app.request('GET', '/s/AAAAAAAAAAAAAAAAAAAAAA');
    expectStatus(bad, 404);
    expect(bad.text).to.contain('链接无效');
  });
});
