import { expect } from 'chai';
import type { TestApp } from '../support/app';
import { TEST_YEAR, TestClock, testDate } from '../support/clock';
import { createDepartment, createDeputy, departmentUser, expectStatus, register, startSuggestionsApp, type Staff } from './support';

describe('suggestions: rates by aggregation', () => {
  // Starts one minute before midnight in Beijing on 31 March: the quarter's edge.
  const clock = new TestClock(testDate('03-31T15:59:00Z'));
  let app: TestApp;
  let staff: Staff;
  let roads: string;
  let water: string;
  let roadsUser: string;

  const post = (token: string, id: string, step: string, body: Record<string, unknown> = {}) =>
    app.request('POST', `/api/admin/suggestions/${id}/${step}`, { token, body }).then((res) => {
      expectStatus(res, 200);
      return res.body;
    });
  const rates = (query: string, token = staff.liaison) => app.request('GET', `/api/admin/suggestions/rates?${query}`, { token });

  before(async () => {
    ({ app, staff } = await startSuggestionsApp('suggestions_rates', clock));
    const deputy = await createDeputy(app, staff, '王代表');
    roads = await createDepartment(app, staff, '县交通运输局');
    water = await createDepartment(app, staff, '县水利局');
    roadsUser = await departmentUser(app, staff, roads);
    const waterUser = await departmentUser(app, staff, water);
    const answer = { text: '已办理', answerClass: 'A', meeting: { at: testDate('04-10T02:00:00Z').toISOString(), participants: '局长、王代表' } };

    await register(app, staff, [deputy], { category: '其他' }); // 23:59 on 31 March in Beijing: first quarter
    clock.set(testDate('03-31T16:00:00Z'));
    await register(app, staff, [deputy], { category: '其他' }); // midnight, 1 April in Beijing: second quarter, never assigned

    clock.set(testDate('04-01T02:00:00Z'));
    const closed = await register(app, staff, [deputy]);
    const unhappy = await register(app, staff, [deputy], { category: '教育医疗' });
    const late = await register(app, staff, [deputy]);
    const elsewhere = await register(app, staff, [deputy], { category: '其他', region: { county: '麻城市' } });
    const duplicate = await register(app, staff, [deputy], { category: '其他', region: { county: '麻城市' } });
    await post(staff.liaison, elsewhere.id, 'sort', { mergeIds: [duplicate.id] });
    for (const [s, lead] of [[closed, roads], [unhappy, water], [late, roads]] as const) {
      await post(staff.liaison, s.id, 'sort');
      await post(staff.liaison, s.id, 'assign', { leadDepartmentId: lead });
    }
    clock.set(testDate('04-20T02:00:00Z'));
    await post(roadsUser, closed.id, 'answer', answer);
    await post(staff.liaison, closed.id, 'rate', { rating: '满意' });
    await post(staff.liaison, closed.id, 'close');
    await post(waterUser, unhappy.id, 'answer', answer);
    await post(staff.liaison, unhappy.id, 'rate', { rating: '不满意' });
    // Past the one-month deadline: the unanswered one is due and late.
    clock.set(testDate('05-05T02:00:00Z'));
  });
  after(() => app.close());

  it('computes the city’s 交办率, 办结率, 满意率 and on-time rate for a quarter on the Beijing calendar', async () => {
    const res = await rates(`period=${TEST_YEAR}-Q2`);
    expectStatus(res, 200);
    expect(res.body.totals.counts).to.deep.equal({ registered: 5, assigned: 3, closed: 1, rated: 2, satisfied: 1, due: 3, onTime: 2 });
    expect(res.body.totals.rates).to.deep.equal({ assignmentRate: 0.6, closureRate: 0.3333, satisfactionRate: 0.5, onTimeRate: 0.6667 });
    expect(res.body.groups).to.deep.equal([]);
    expect(res.body.period.from).to.equal(testDate('03-31T16:00:00Z').toISOString());

    const march = await rates(`period=${TEST_YEAR}-03`);
    expect(march.body.totals.counts.registered).to.equal(1);
    expect(march.body.totals.rates.assignmentRate).to.equal(0);
    const year = await rates(`period=${TEST_YEAR}`);
    expect(year.body.totals.counts.registered).to.equal(6);
    const nextHalf = await rates(`period=${TEST_YEAR}-H2`);
    expect(nextHalf.body.totals.counts.registered).to.equal(0);
    expect(nextHalf.body.totals.rates.assignmentRate).to.equal(null);
  });

  it('breaks the figures down by county, department and category', async () => {
    const byCounty = await rates(`period=${TEST_YEAR}-Q2&by=county`);
    expect(byCounty.body.groups.map((g: any) => [g.label, g.counts.registered, g.rates.assignmentRate])).to.deep.equal([
      ['红安县', 4, 0.75],
      ['麻城市', 1, 0],
    ]);
    const byDepartment = await rates(`period=${TEST_YEAR}-Q2&by=department`);
    const rows = Object.fromEntries(byDepartment.body.groups.map((g: any) => [g.label, g]));
    expect(rows['县交通运输局'].counts).to.deep.equal({ registered: 2, assigned: 2, closed: 1, rated: 1, satisfied: 1, due: 2, onTime: 1 });
    expect(rows['县交通运输局'].rates).to.include({ closureRate: 0.5, onTimeRate: 0.5 });
    expect(rows['县水利局'].rates).to.include({ satisfactionRate: 0, closureRate: 0 });
    expect(rows['未交办'].counts.registered).to.equal(2);
    const byCategory = await rates(`period=${TEST_YEAR}-Q2&by=category&county=红安县`);
    expect(byCategory.body.totals.label).to.equal('红安县');
    expect(byCategory.body.groups.map((g: any) => [g.label, g.counts.registered])).to.deep.equal([
      ['基础设施', 2],
      ['其他', 1],
      ['教育医疗', 1],
    ]);
  });

  it('refuses a malformed period and keeps the figures to liaison staff', async () => {
    const bad = await rates(`period=${TEST_YEAR}-Q5`);
    expectStatus(bad, 400);
    expect(bad.body.error.details.map((p: any) => p.field)).to.deep.equal(['query.period']);
    expectStatus(await rates(`period=${TEST_YEAR}&by=village`), 400);
    expectStatus(await rates(`period=${TEST_YEAR}`, roadsUser), 403);
  });
});
