import { expect } from 'chai';
import type { TestApp } from '../support/app';
import { TEST_YEAR, TestClock, testDate } from '../support/clock';
import { createDepartment, createDeputy, departmentUser, expectStatus, register, startSuggestionsApp, type Staff } from './support';

const DAY = 86_400_000;

describe('suggestions: handling from registration to 办结', () => {
  const clock = new TestClock(testDate('03-10T02:00:00Z'));
  let app: TestApp;
  let staff: Staff;
  let deputyA: string;
  let deputyB: string;
  let roads: string;
  let water: string;
  let roadsUser: string;
  let waterUser: string;

  before(async () => {
    ({ app, staff } = await startSuggestionsApp('suggestions_handling', clock));
    deputyA = await createDeputy(app, staff, '王代表');
    deputyB = await createDeputy(app, staff, '李代表');
    roads = await createDepartment(app, staff, '县交通运输局');
    water = await createDepartment(app, staff, '县水利局');
    roadsUser = await departmentUser(app, staff, roads);
    waterUser = await departmentUser(app, staff, water);
  });
  after(() => app.close());

  const post = (token: string, id: string, step: string, body: Record<string, unknown> = {}) =>
    app.request('POST', `/api/admin/suggestions/${id}/${step}`, { token, body });

  it('keeps the department registry per county, phones masked for all but admins, names unique per county', async () => {
    const byLiaison = await app.request('GET', '/api/admin/departments?county=红安县', { token: staff.liaison });
    expectStatus(byLiaison, 200);
    expect(byLiaison.body.items.map((d: any) => d.name)).to.have.members(['县交通运输局', '县水利局']);
    expect(byLiaison.body.items[0].contactPhone).to.equal('138****5678');
    const byAdmin = await app.request('GET', '/api/admin/departments', { token: staff.admin });
    expect(byAdmin.body.items[0].contactPhone).to.equal('13812345678');
    const mine = await app.request('GET', '/api/admin/departments', { token: roadsUser });
    expect(mine.body.items.map((d: any) => d.id)).to.deep.equal([roads]);

    const dup = await app.request('POST', '/api/admin/departments', {
      token: staff.liaison,
      body: { county: '红安县', name: '县水利局', contactName: '某', contactPhone: '13800000000' },
    });
    expectStatus(dup, 409);
    const bad = await app.request('POST', '/api/admin/departments', { token: staff.liaison, body: { county: '红安县', name: '甲', contactName: '乙', contactPhone: '12345' } });
    expectStatus(bad, 400);
    expect(bad.body.error.details.map((p: any) => p.field)).to.deep.equal(['body.contactPhone']);
    expectStatus(await app.request('POST', '/api/admin/departments', { token: staff.editor, body: {} }), 403);
  });

  it('registers a suggestion only with deputies and attachments that exist', async () => {
    const missing = '0123456789abcdef01234567';
    const res = await app.request('POST', '/api/admin/suggestions', {
      token: staff.liaison,
      body: { text: '修路', category: '基础设施', region: { county: '红安县' }, deputyIds: [deputyA, missing], attachmentIds: [missing] },
    });
    expectStatus(res, 400);
    expect(res.body.error.details.map((p: any) => p.field)).to.have.members(['body.deputyIds.1', 'body.attachmentIds.0']);
    const noDeputy = await app.request('POST', '/api/admin/suggestions', {
      token: staff.liaison,
      body: { text: '修路', category: '其他', region: { county: '红安县' }, deputyIds: [], citizen: { name: '群众甲' } },
    });
    expectStatus(noDeputy, 400);
    const badCategory = await app.request('POST', '/api/admin/suggestions', {
      token: staff.liaison,
      body: { text: '修路', category: '交通', region: { county: '红安县' }, deputyIds: [deputyA] },
    });
    expect(badCategory.body.error.details.map((p: any) => p.field)).to.deep.equal(['body.category']);

    // An activity it names must exist (and have been held: test/coverage checks that with real activities).
    const noActivity = await app.request('POST', '/api/admin/suggestions', {
      token: staff.liaison,
      body: { text: '修路', category: '基础设施', region: { county: '红安县' }, deputyIds: [deputyA], activityId: missing },
    });
    expectStatus(noActivity, 400);
    expect(noActivity.body.error.details).to.deep.equal([{ field: 'body.activityId', message: '未找到该活动' }]);

    const s = await register(app, staff, [deputyA], { citizen: { name: '群众甲', phone: '13911112222' }, public: true });
    expect(s.status).to.equal('registered');
    expect(s.region.village).to.equal('柳林河村');
    expect(s.activityId).to.equal(undefined);
    expect(s.citizen.phone).to.equal('139****2222');
    expect(s.history).to.have.length(1);
  });

  it('walks registered → sorted (merging a duplicate) → assigned → transferred → answered → rated → closed, recording each step', async () => {
    const main = await register(app, staff, [deputyA]);
    const dup = await register(app, staff, [deputyB]);

    const sorted = await post(staff.liaison, main.id, 'sort', { mergeIds: [dup.id], version: 0 });
    expectStatus(sorted, 200);
    expect(sorted.body.status).to.equal('sorted');
    expect(sorted.body.deputyIds).to.have.members([deputyA, deputyB]);
    const merged = await app.request('GET', `/api/admin/suggestions/${dup.id}`, { token: staff.liaison });
    expect(merged.body.status).to.equal('merged');
    expect(merged.body.duplicateOf).to.equal(main.id);

    const assigned = await post(staff.liaison, main.id, 'assign', { leadDepartmentId: roads, coDepartmentIds: [water] });
    expectStatus(assigned, 200);
    expect(assigned.body.status).to.equal('assigned');
    // The co-unit sends its view to the lead; the lead may not, being no co-unit.
    expectStatus(await post(roadsUser, main.id, 'co-opinion', { text: '本局负责路面' }), 403);
    const opinion = await post(waterUser, main.id, 'co-opinion', { text: '涉及水毁，建议由水利局牵头' });
    expectStatus(opinion, 200);
    expect(opinion.body.status).to.equal('assigned');
    expect(opinion.body.coOpinions[0]).to.include({ departmentId: water, text: '涉及水毁，建议由水利局牵头' });
    // SUGGESTION_DEADLINE_MONTHS=1: one month on the Beijing calendar from 10 March.
    expect(assigned.body.deadline).to.equal(testDate('04-10T02:00:00Z').toISOString());

    const otherCounty = await createDepartment(app, staff, '外县交通局', '麻城市');
    const wrongCounty = await post(staff.liaison, main.id, 'transfer', { toDepartmentId: otherCounty, reason: '职责' });
    expectStatus(wrongCounty, 400);

    const transferred = await post(staff.liaison, main.id, 'transfer', { toDepartmentId: water, reason: '属水毁道路，归水利局' });
    expectStatus(transferred, 200);
    expect(transferred.body.status).to.equal('transferred');
    expect(transferred.body.leadDepartmentId).to.equal(water);
    expect(transferred.body.coDepartmentIds).to.deep.equal([]);
    expect(transferred.body.transfers[0]).to.include({ fromDepartmentId: roads, toDepartmentId: water, reason: '属水毁道路，归水利局' });

    // The former lead no longer sees it, nor may it answer.
    expectStatus(await app.request('GET', `/api/admin/suggestions/${main.id}`, { token: roadsUser }), 403);
    const answerBody = { text: '已列入今年水毁修复计划', answerClass: 'B', meeting: { at: testDate('04-01T02:00:00Z').toISOString(), participants: '水利局副局长、王代表' } };
    expectStatus(await post(roadsUser, main.id, 'answer', answerBody), 403);
    expectStatus(await post(staff.liaison, main.id, 'answer', answerBody), 403);

    clock.set(testDate('04-02T02:00:00Z'));
    const answered = await post(waterUser, main.id, 'answer', answerBody);
    expectStatus(answered, 200);
    expect(answered.body.status).to.equal('answered');
    expect(answered.body.answers[0]).to.include({ answerClass: 'B', onTime: true, departmentId: water });

    const rated = await post(staff.liaison, main.id, 'rate', { rating: '基本满意', comment: '希望尽快动工' });
    expectStatus(rated, 200);
    expect(rated.body.lastRating).to.equal('基本满意');
    const closed = await post(staff.liaison, main.id, 'close');
    expectStatus(closed, 200);
    expect(closed.body.status).to.equal('closed');
    expect(closed.body.history.map((h: any) => h.action)).to.deep.equal(['register', 'sort', 'assign', 'co_opinion', 'transfer', 'answer', 'rate', 'close']);
    expect(closed.body.history.every((h: any) => h.at && h.byName)).to.equal(true);
  });

  it('answers 409 naming both states when a step is not allowed from the current one, and refuses a stale version', async () => {
    const s = await register(app, staff, [deputyA]);
    const res = await post(staff.liaison, s.id, 'assign', { leadDepartmentId: roads });
    expectStatus(res, 409);
    expect(res.body.error.code).to.equal('invalid_transition');
    expect(res.body.error.message).to.equal('不能从「已登记」变为「已交办」');
    expect(res.body.error.details).to.include({ from: 'registered', to: 'assigned' });

    const stale = await post(staff.liaison, s.id, 'sort', { version: 5 });
    expectStatus(stale, 409);
    expect(stale.body.error.code).to.equal('version_conflict');
    const after = await app.request('GET', `/api/admin/suggestions/${s.id}`, { token: staff.liaison });
    expect(after.body.status).to.equal('registered');
    expect(after.body.history).to.have.length(1);
  });

  it('re-handles after 不满意 and opens an escalation on the second 不满意, recorded with kind, date and outcome', async () => {
    clock.set(testDate('04-05T02:00:00Z'));
    const s = await register(app, staff, [deputyA], { category: '生态环境' });
    await post(staff.liaison, s.id, 'sort');
    expectStatus(await post(staff.liaison, s.id, 'assign', { leadDepartmentId: roads, hard: true }), 200);
    const answer = { text: '暂无资金', answerClass: 'C', meeting: { at: testDate('04-06T02:00:00Z').toISOString(), participants: '局长' } };
    expectStatus(await post(roadsUser, s.id, 'answer', answer), 200);
    expectStatus(await post(staff.liaison, s.id, 'rate', { rating: '不满意', comment: '未说明原因' }), 200);
    const refusedClose = await post(staff.liaison, s.id, 'close');
    expectStatus(refusedClose, 409);
    expect(refusedClose.body.error.code).to.equal('rehandling_required');

    clock.set(testDate('04-10T02:00:00Z'));
    const again = await post(staff.liaison, s.id, 'rehandle', { note: '请重新办理' });
    expectStatus(again, 200);
    expect(again.body).to.include({ status: 'assigned', round: 2 });
    expect(again.body.deadline).to.equal(testDate('06-10T02:00:00Z').toISOString()); // hard matter: SUGGESTION_HARD_DEADLINE_MONTHS=2
    expectStatus(await post(roadsUser, s.id, 'answer', answer), 200);
    const second = await post(staff.liaison, s.id, 'rate', { rating: '不满意', comment: '仍不满意' });
    expectStatus(second, 200);
    expect(second.body.dissatisfiedCount).to.equal(2);
    expect(second.body.escalations).to.have.length(1);
    expect(second.body.escalations[0].reason).to.equal('second_dissatisfied');

    const eid = second.body.escalations[0].id;
    const recorded = await app.request('PUT', `/api/admin/suggestions/${s.id}/escalations/${eid}`, {
      token: staff.liaison,
      body: { kind: '约见', date: testDate('04-20T02:00:00Z').toISOString(), outcome: '约见局长，承诺年内解决' },
    });
    expectStatus(recorded, 200);
    expect(recorded.body.escalations[0]).to.include({ kind: '约见', outcome: '约见局长，承诺年内解决' });
    expectStatus(await post(staff.liaison, s.id, 'close'), 200);
  });

  it('lists overdue items by the app clock (督办) and opens one escalation per round for them', async () => {
    clock.set(testDate('04-12T02:00:00Z'));
    const s = await register(app, staff, [deputyB]);
    await post(staff.liaison, s.id, 'sort');
    await post(staff.liaison, s.id, 'assign', { leadDepartmentId: water });
    const early = await post(staff.liaison, s.id, 'escalate');
    expectStatus(early, 409);
    expect(early.body.error.code).to.equal('not_overdue');

    const before = await app.request('GET', `/api/admin/suggestions/overdue?departmentId=${water}`, { token: staff.liaison });
    expect(before.body.items.map((i: any) => i.id)).to.not.include(s.id);
    clock.set(testDate('05-12T02:00:00Z').getTime() + DAY);
    const overdue = await app.request('GET', '/api/admin/suggestions/overdue', { token: staff.liaison });
    expect(overdue.body.items.map((i: any) => i.id)).to.include(s.id);
    const forWater = await app.request('GET', '/api/admin/suggestions/overdue', { token: waterUser });
    expect(forWater.body.items.every((i: any) => i.leadDepartmentId === water || i.coDepartmentIds.includes(water))).to.equal(true);

    const escalated = await post(staff.liaison, s.id, 'escalate');
    expectStatus(escalated, 200);
    expect(escalated.body.status).to.equal('assigned');
    expect(escalated.body.escalations[0].reason).to.equal('overdue');
    expectStatus(await post(staff.liaison, s.id, 'escalate'), 409);

    // Answered late: counted as not on time.
    const late = await post(waterUser, s.id, 'answer', { text: '已修复', answerClass: 'A', meeting: { at: testDate('05-13T02:00:00Z').toISOString(), participants: '局长' } });
    expect(late.body.answers[0].onTime).to.equal(false);
  });
});

describe('suggestions: the daily 督办 job', () => {
  const clock = new TestClock(testDate('03-10T02:00:00Z'));
  let app: TestApp;
  let staff: Staff;

  before(async () => {
    ({ app, staff } = await startSuggestionsApp('suggestions_overdue_job', clock));
  });
  after(() => app.close());

  it('escalates each suggestion past its deadline once per round, naming itself in the trail', async () => {
    const deputy = await createDeputy(app, staff, '赵代表');
    const dept = await createDepartment(app, staff, '县住建局');
    const ids: string[] = [];
    for (const day of ['03-10', '03-20']) {
      clock.set(testDate(`${day}T02:00:00Z`));
      const s = await register(app, staff, [deputy]);
      expectStatus(await app.request('POST', `/api/admin/suggestions/${s.id}/sort`, { token: staff.liaison, body: {} }), 200);
      expectStatus(await app.request('POST', `/api/admin/suggestions/${s.id}/assign`, { token: staff.liaison, body: { leadDepartmentId: dept } }), 200);
      ids.push(s.id);
    }
    const scheduler = app.service.services.scheduler;
    clock.set(testDate('04-15T02:00:00Z')); // past the first deadline (04-10), not the second (04-20)
    await scheduler.runNow('suggestions-overdue');
    await scheduler.runNow('suggestions-overdue');
    const [first, second] = await Promise.all(ids.map((id) => app.request('GET', `/api/admin/suggestions/${id}`, { token: staff.liaison })));
    expect(first.body.escalations.map((e: any) => e.reason)).to.deep.equal(['overdue']);
    expect(first.body.history.filter((h: any) => h.action === 'escalate').map((h: any) => h.byName)).to.deep.equal(['系统督办']);
    // The same run sends the department its 督办 SMS, once however often it runs that day.
    expect(first.body.history.filter((h: any) => h.action === 'remind').map((h: any) => h.byName)).to.deep.equal(['系统督办']);
    expect(second.body.escalations).to.deep.equal([]);
  });
});

describe('suggestions: deadlines on the Beijing calendar', () => {
  // 31 January, 23:30 in Beijing (15:30 UTC): one month later is the last day of February, same Beijing time.
  const clock = new TestClock(testDate('01-31T15:30:00Z'));
  let app: TestApp;
  let staff: Staff;

  before(async () => {
    ({ app, staff } = await startSuggestionsApp('suggestions_deadlines', clock));
  });
  after(() => app.close());

  it('clamps a month-end assignment to the end of the shorter month', async () => {
    const deputy = await createDeputy(app, staff, '钱代表');
    const dept = await createDepartment(app, staff, '县农业农村局');
    const s = await register(app, staff, [deputy]);
    expectStatus(await app.request('POST', `/api/admin/suggestions/${s.id}/sort`, { token: staff.liaison, body: {} }), 200);
    const assigned = await app.request('POST', `/api/admin/suggestions/${s.id}/assign`, { token: staff.liaison, body: { leadDepartmentId: dept } });
    expectStatus(assigned, 200);
    const lastOfFebruary = new Date(Date.UTC(TEST_YEAR, 2, 0)).getUTCDate();
    expect(assigned.body.deadline).to.equal(testDate(`02-${lastOfFebruary}T15:30:00Z`).toISOString());
  });

  it('takes a deadline chosen on assignment: a Beijing day after today (the clock\'s) and within a year, met until that day ends', async () => {
    // The clock says 31 January, 23:30 in Beijing: today is the 31st there, whatever the server's zone.
    const deputy = await createDeputy(app, staff, '孙代表');
    const dept = await createDepartment(app, staff, '县卫生健康局');
    const s = await register(app, staff, [deputy]);
    expectStatus(await app.request('POST', `/api/admin/suggestions/${s.id}/sort`, { token: staff.liaison, body: {} }), 200);
    const assign = (deadline: string) =>
      app.request('POST', `/api/admin/suggestions/${s.id}/assign`, { token: staff.liaison, body: { leadDepartmentId: dept, deadline } });

    for (const [deadline, why] of [
      [`${TEST_YEAR}-01-31`, '答复期限须晚于今天'],
      [`${TEST_YEAR}-01-30`, '答复期限须晚于今天'],
      [`${TEST_YEAR + 1}-02-01`, `答复期限不能晚于 ${TEST_YEAR + 1}-01-31`],
    ] as const) {
      const refused = await assign(deadline);
      expectStatus(refused, 400);
      expect(refused.body.error.details).to.have.length(1);
      expect(refused.body.error.details[0].field).to.equal('body.deadline');
      expect(refused.body.error.details[0].message).to.contain(why);
    }
    const notADate = await assign(`${TEST_YEAR}-02-30`);
    expectStatus(notADate, 400);
    expect(notADate.body.error.details.map((p: any) => p.field)).to.deep.equal(['body.deadline']);
    // Nothing was half-written by the refusals.
    const still = await app.request('GET', `/api/admin/suggestions/${s.id}`, { token: staff.liaison });
    expect(still.body.status).to.equal('sorted');

    const assigned = await assign(`${TEST_YEAR}-02-20`);
    expectStatus(assigned, 200);
    // The end of 20 February in Beijing: 23:59:59.999 UTC+8.
    expect(assigned.body.deadline).to.equal(testDate('02-20T15:59:59.999Z').toISOString());
    expect(assigned.body.history.at(-1)).to.include({ action: 'assign', note: `答复期限：${TEST_YEAR}-02-20` });
  });
});
