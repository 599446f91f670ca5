import { expect } from 'chai';
import type { TestApp } from '../support/app';
import { TEST_YEAR, TestClock, testDate } from '../support/clock';
import type { FakeTencentSms } from '../fakes';
import { createDepartment, departmentUser, expectStatus, register, type Staff } from './support';
import { deputyWithPhone, smsArrives, startPublicApp, TEMPLATES, textsTo, townshipGroup } from './public-support';
import { OVERDUE_JOB } from '../../src/suggestions/overdue-job';

const DAY = 86_400_000;

describe('suggestions: citizens’ form, progress by tracking number, public rates and 督办 SMS', function () {
  // Sign-ins hash passwords with Argon2: on the shared 2-core machine under load that alone takes seconds.
  this.timeout(600_000);
  const clock = new TestClock(testDate('05-11T02:00:00Z'));
  let app: TestApp;
  let staff: Staff;
  let sms: FakeTencentSms;
  let wang: string;
  let li: string;

  before(async () => {
    ({ app, staff, sms } = await startPublicApp('suggestions_public', clock, { SUGGESTION_PUBLIC_DAILY_LIMIT: '4', TRUST_PROXY: 'true' }));
    wang = await deputyWithPhone(app, staff, '王代表', ['13900000011']);
    li = await deputyWithPhone(app, staff, '李代表', ['13900000012']);
    await townshipGroup(app, staff, '七里坪镇', [{ id: wang, name: '王代表' }, { id: li, name: '李代表' }]);
  });
  after(async () => {
    await app?.close();
    await sms?.close();
  });

  const form = { name: '陈大姐', phone: '138 1234 5678', text: '柳林河村口的路灯坏了三个月，晚上出行不安全，建议尽快修复。', category: '基础设施', county: '红安县', township: '七里坪镇', village: '柳林河村' };
  // Each call from its own address unless told otherwise: the per-address limits have their own test.
  let sender = 0;
  const submit = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    app.request('POST', '/api/public/suggestions', { body, headers: { 'x-forwarded-for': `10.0.0.${++sender}`, ...headers } });

  it('takes a public suggestion to the township’s deputy group as registered, with its origin and a tracking number; progress shows its text', async () => {
    const res = await submit({ ...form, public: true });
    expectStatus(res, 201);
    expect(res.body.receiptNo).to.match(/^JY\d{8}-[2-9A-HJ-NP-Z]{6}$/);
    expect(res.body.deputies).to.equal(2);
    const list = await app.request('GET', '/api/admin/suggestions?status=registered', { token: staff.liaison });
    const stored = list.body.items.find((i: any) => i.receiptNo === res.body.receiptNo);
    expect(stored).to.include({ origin: 'web', status: 'registered', public: true });
    expect(stored.deputyIds).to.have.members([wang, li]);
    expect(stored.citizen).to.deep.equal({ name: '陈大姐', phone: '138****5678' });
    expect(stored.history[0].byName).to.equal('市民（网站）');

    const progress = await app.request('GET', `/api/public/suggestions/${res.body.receiptNo.toLowerCase()}`);
    expectStatus(progress, 200);
    expect(progress.body).to.include({ status: 'registered', statusLabel: '已登记', text: form.text, place: '红安县 七里坪镇' });
    expect(JSON.stringify(progress.body)).to.not.contain('陈大姐').and.not.contain('5678');
  });

  it('sends through a named deputy, keeps private text private, and refuses phone or ID numbers in public text, unknown deputies, spam and floods', async () => {
    const named = await submit({ ...form, deputyName: '李代表', text: '我家电话13812345678，村里自来水经常停，请帮忙反映。' });
    expectStatus(named, 201);
    expect(named.body.deputies).to.equal(1);
    const progress = await app.request('GET', `/api/public/suggestions/${named.body.receiptNo}`);
    expect(progress.body).to.include({ public: false, statusLabel: '已登记' });
    expect(progress.body).to.not.have.property('text');

    const phoneInPublic = await submit({ ...form, public: true, text: '请联系我 138-1234-5678，路灯坏了很久了，需要修理。' });
    expectStatus(phoneInPublic, 400);
    expect(phoneInPublic.body.error.details.map((d: any) => d.field)).to.deep.equal(['body.text']);
    const idInPublic = await submit({ ...form, public: true, text: '身份证42112219800101123X，低保一直没有批下来，请代表关注。' });
    expectStatus(idInPublic, 400);
    expect(idInPublic.body.error.message).to.contain('身份证号');
    const unknown = await submit({ ...form, deputyName: '赵代表' });
    expectStatus(unknown, 400);
    expect(unknown.body.error.details[0].field).to.equal('body.deputyName');
    expectStatus(await submit({ ...form, website: 'http://spam.example' }), 400);
    expectStatus(await submit({ ...form, phone: '12345' }), 400);
    expectStatus(await submit(form, { 'sec-fetch-site': 'cross-site' }), 403);
    expectStatus(await app.request('GET', '/api/public/suggestions/JY20990101-AAAAAA'), 404);
  });

  it('serves the form, the tracking page and the public rates on the microsite', async () => {
    const page = await app.request('GET', '/suggestions/new?via=wechat');
    expectStatus(page, 200);
    expect(page.text).to.contain('向人大代表提建议').and.to.contain('action="/suggestions/new?via=wechat"').and.to.contain('七里坪镇');
    const body = new URLSearchParams({ ...form, text: '镇卫生院周末没有医生值班，建议安排轮流值班。', category: '教育医疗', public: 'on', website: '' }).toString();
    const posted = await app.request('POST', '/suggestions/new?via=wechat', { rawBody: body, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '2.2.2.2' } });
    expectStatus(posted, 303);
    const track = await app.request('GET', posted.headers.get('location')!);
    expect(track.text).to.contain('您的建议已收到').and.to.contain('镇卫生院周末没有医生值班');
    const no = /JY\d{8}-[2-9A-HJ-NP-Z]{6}/.exec(track.text)![0];
    const stored = await app.request('GET', '/api/admin/suggestions?category=教育医疗', { token: staff.liaison });
    expect(stored.body.items.find((i: any) => i.receiptNo === no).origin).to.equal('wechat');
    const bad = await app.request('POST', '/suggestions/new', { rawBody: new URLSearchParams({ ...form, text: '太短' }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '2.2.2.3' } });
    expectStatus(bad, 400);
    expect(bad.text).to.contain('请至少写 10 个字').and.to.contain('陈大姐');

    const rates = await app.request('GET', `/api/public/suggestions/rates?period=${TEST_YEAR}`);
    expectStatus(rates, 200);
    expect(rates.body.totals.counts.registered).to.be.greaterThan(2);
    expect(rates.body.groups.map((g: any) => g.label)).to.include('红安县');
    const ratesPage = await app.request('GET', `/suggestions/rates?period=${TEST_YEAR}`);
    expect(ratesPage.text).to.contain('交办率').and.to.contain('满意率').and.to.contain('红安县');
  });

  it('limits each address to the daily number of public suggestions', async () => {
    const from = { 'x-forwarded-for': '3.3.3.3' };
    const results = [];
    for (let i = 0; i < 5; i++) results.push((await submit({ ...form, text: `第${i}条：村里的垃圾清运不及时，建议增加清运次数。` }, from)).status);
    expect(results.slice(0, 4)).to.deep.equal([201, 201, 201, 201]);
    expect(results[4]).to.equal(429);
  });

  it('sends the department contact a 督办 SMS for an overdue item, by hand or by the daily job, at most once a day, and records it', async () => {
    const roads = await createDepartment(app, staff, '县公路局');
    await departmentUser(app, staff, roads);
    const s = await register(app, staff, [wang]);
    expectStatus(await app.request('POST', `/api/admin/suggestions/${s.id}/sort`, { token: staff.liaison, body: {} }), 200);
    expectStatus(await app.request('POST', `/api/admin/suggestions/${s.id}/assign`, { token: staff.liaison, body: { leadDepartmentId: roads } }), 200);
    const early = await app.request('POST', `/api/admin/suggestions/${s.id}/remind`, { token: staff.liaison });
    expectStatus(early, 409);
    expect(early.body.error.code).to.equal('not_overdue');

    clock.advance(40 * DAY);
    const reminded = await app.request('POST', `/api/admin/suggestions/${s.id}/remind`, { token: staff.liaison });
    expectStatus(reminded, 200);
    expect(reminded.body.reminded).to.equal(true);
    const [text] = await smsArrives(sms, '13812345678', TEMPLATES.overdue);
    expect(text.params.slice(0, 2)).to.deep.equal(['张科长', '县公路局']);
    expect(text.params[3]).to.equal(s.receiptNo);
    const twice = await app.request('POST', `/api/admin/suggestions/${s.id}/remind`, { token: staff.liaison });
    expectStatus(twice, 409);
    expect(twice.body.error.code).to.equal('already_reminded_today');
    // The job the same day leaves it alone; the next morning it reminds again.
    await app.service.services.scheduler.runNow(OVERDUE_JOB);
    expect(textsTo(sms, '13812345678', TEMPLATES.overdue)).to.have.length(1);
    clock.advance(DAY);
    await app.service.services.scheduler.runNow(OVERDUE_JOB);
    await smsArrives(sms, '13812345678', TEMPLATES.overdue, 2);
    const record = await app.request('GET', `/api/admin/suggestions/${s.id}`, { token: staff.liaison });
    expect(record.body.reminders.map((r: any) => [r.byName, r.phoneMasked])).to.deep.equal([['联络员甲', '138****5678'], ['系统督办', '138****5678']]);
    expect(record.body.history.filter((h: any) => h.action === 'remind')).to.have.length(2);
  });
});
