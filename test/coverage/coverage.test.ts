import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { registerSuggestionAnswerProvider } from '../../src/coverage';
import { suggestionAnswerFigures } from '../../src/suggestions';
import type { TestApp } from '../support/app';
import { DAY, NOW, Y, expectStatus, heldBody, problemFields, rollCall, seedGroup, signIn, startActivitiesApp, type Town, type Users } from '../activities/support';

/** Bad input for supervision visits and the coverage figures of a small county, checked member by member. */
describe('coverage: the five full coverages with their drill-downs, CSV and chart data', function () {
  this.timeout(60_000);
  let app: TestApp;
  let users: Users;
  let a: Town; // 龙潭镇, room, leader 0 active, member 2 absent once
  let b: Town; // 龙潭镇, no room, nothing held
  let c: Town; // 凤岭乡, room, leader 1 idle, everyone present
  const q = (period: string, level = 'county', name = '龙潭县') => `level=${level}&name=${encodeURIComponent(name)}&period=${period}`;
  // 31 March 23:30 Beijing time is still the first quarter (15:30 UTC).
  const endOfQ1 = new Date(`${Y}-03-31T15:30:00Z`);

  before(async () => {
    ({ app } = await startActivitiesApp('coverage'));
    a = await seedGroup('龙潭一组', { county: '龙潭县', township: '龙潭镇' }, ['city', 'county', 'township'], { roomAddress: '龙潭镇代表之家', leaders: [0] });
    b = await seedGroup('龙潭二组', { county: '龙潭县', township: '龙潭镇' }, ['township', 'township']);
    c = await seedGroup('凤岭一组', { county: '龙潭县', township: '凤岭乡' }, ['county', 'township'], { roomAddress: '凤岭乡人大活动室', leaders: [1] });
    await seedGroup('别县一组', { county: '西林县', township: '西林镇' }, ['township'], { roomAddress: '西林镇' });
    users = await signIn(app, [a.groupId, b.groupId, c.groupId]);
    const post = async (town: Town, at: Date, participants: unknown, subject: string) =>
      expectStatus(await app.request('POST', '/api/admin/activities', { token: users.liaison, body: heldBody(town, at, { participants, subject }) }), 201);
    await post(a, endOfQ1, rollCall(a), '一季度活动');
    await post(a, new Date(NOW.getTime() - 10 * DAY), rollCall(a, [], [2]), '二季度活动');
    await post(c, new Date(NOW.getTime() - 20 * DAY), rollCall(c).map((p, i) => (i === 1 ? { ...p, status: 'excused', reason: '参加县里会议' } : p)), '二季度活动');
    const visit = await app.request('POST', '/api/admin/supervision-visits', {
      token: users.organizer,
      body: { date: `${Y}-05-20`, committee: '市人大常委会代表工作委员会', county: '龙潭县', townships: ['龙潭镇'], note: '查看活动阵地' },
    });
    expectStatus(visit, 201);
  });
  after(() => {
    registerSuggestionAnswerProvider(suggestionAnswerFigures);
    return app.close();
  });

  it('gives each of the five as numerator / denominator for a county and quarter (no suggestions yet: 0 of 0)', async () => {
    const res = await app.request('GET', `/api/admin/coverage?${q(`${Y}-Q2`)}`, { token: users.organizer });
    expectStatus(res, 200);
    expect(res.body.period).to.include({ key: `${Y}-Q2`, kind: 'quarter', label: `${Y}年第2季度`, start: `${Y}-03-31T16:00:00.000Z`, end: `${Y}-06-30T16:00:00.000Z` });
    const figures = Object.fromEntries(res.body.figures.map((f: any) => [f.key, f]));
    expect(figures.leaders).to.include({ numerator: 1, denominator: 2, rate: 0.5, missingCount: 1, status: 'measured' });
    // a: 0 and 1 present, 2 absent; b: nothing held (both missing); c: 0 present, 1 excused only → 3 of 7.
    expect(figures.attendance).to.include({ numerator: 3, denominator: 7, missingCount: 4 });
    expect(figures.supervision).to.include({ numerator: 1, denominator: 2, missingCount: 1 });
    expect(figures.suggestions).to.include({ status: 'measured', numerator: 0, denominator: 0, rate: null, missingCount: 0 });
    expect(figures.guarantees).to.include({ numerator: 2, denominator: 3, missingCount: 1 });
    expect(figures.leaders.missing).to.equal(undefined);
  });

  it('drills down to exactly who and what is missing', async () => {
    const leaders = await app.request('GET', `/api/admin/coverage/missing?${q(`${Y}-Q2`)}&figure=leaders`, { token: users.editor });
    expectStatus(leaders, 200);
    expect(leaders.body.items.map((m: any) => m.deputyId)).to.deep.equal([c.deputyIds[1]]);
    const attendance = await app.request('GET', `/api/admin/coverage/missing?${q(`${Y}-Q2`)}&figure=attendance`, { token: users.editor });
    const reasons = Object.fromEntries(attendance.body.items.map((m: any) => [m.deputyId, m.reason]));
    expect(reasons).to.deep.equal({
      [a.deputyIds[2]]: '无故缺席1次',
      [b.deputyIds[0]]: '所在小组本期未开展活动',
      [b.deputyIds[1]]: '所在小组本期未开展活动',
      [c.deputyIds[1]]: '本期均请假',
    });
    expect(attendance.body.items.find((m: any) => m.deputyId === a.deputyIds[2])).to.include({ held: 1, present: 0, absent: 1, township: '龙潭镇', levelLabel: '乡镇人大代表' });
    const supervision = await app.request('GET', `/api/admin/coverage/missing?${q(`${Y}-Q2`)}&figure=supervision`, { token: users.editor });
    expect(supervision.body.items).to.deep.equal([{ county: '龙潭县', township: '凤岭乡', reason: '本期无督导' }]);
    const guarantees = await app.request('GET', `/api/admin/coverage/missing?${q(`${Y}-Q2`)}&figure=guarantees`, { token: users.editor });
    expect(guarantees.body.items).to.deep.equal([{ groupId: b.groupId, name: '龙潭二组', county: '龙潭县', township: '龙潭镇', lacking: ['place', 'time'], reason: '无活动场所、本期无活动安排' }]);
  });

  it('counts periods in Beijing time: the activity at 23:30 on 31 March is in Q1 and March, not Q2', async () => {
    const q1 = await app.request('GET', `/api/admin/coverage?${q(`${Y}-Q1`)}`, { token: users.organizer });
    const att = q1.body.figures.find((f: any) => f.key === 'attendance');
    expect(att).to.include({ numerator: 3, denominator: 7 });
    const march = await app.request('GET', `/api/admin/coverage?${q(`${Y}-03`)}`, { token: users.organizer });
    expect(march.body.figures.find((f: any) => f.key === 'attendance').numerator).to.equal(3);
    const april = await app.request('GET', `/api/admin/coverage?${q(`${Y}-04`)}`, { token: users.organizer });
    expect(april.body.figures.find((f: any) => f.key === 'attendance').numerator).to.equal(0);
    const half = await app.request('GET', `/api/admin/coverage?${q(`${Y}-H1`)}`, { token: users.organizer });
    // Over the half-year, a's members 0 and 1 were present twice and never absent; c's member 0 too.
    expect(half.body.figures.find((f: any) => f.key === 'attendance').numerator).to.equal(3);
    const township = await app.request('GET', `/api/admin/coverage?${q(`${Y}`, 'township', '凤岭乡')}`, { token: users.organizer });
    expect(township.body.figures.find((f: any) => f.key === 'attendance')).to.include({ numerator: 1, denominator: 2 });
    const city = await app.request('GET', `/api/admin/coverage?${q(`${Y}`, 'city', '云岭市')}`, { token: users.organizer });
    expect(city.body.figures.find((f: any) => f.key === 'guarantees')).to.include({ denominator: 4 });
  });

  it('reports "not measured" for every suggestion answered while no suggestions module is registered', async () => {
    registerSuggestionAnswerProvider(null);
    try {
      const res = await app.request('GET', `/api/admin/coverage?${q(`${Y}-Q2`)}`, { token: users.organizer });
      expect(res.body.figures.find((f: any) => f.key === 'suggestions')).to.include({ status: 'not_measured', numerator: null, denominator: null, rate: null });
      const csv = await app.request('GET', `/api/admin/coverage.csv?${q(`${Y}-Q2`)}`, { token: users.organizer });
      expect((parse(csv.text.replace(/^\uFEFF/, '')) as string[][])[4]).to.deep.equal(['意见建议件件有答复', '未计算', '未计算', '', '', '意见建议办理尚未接入，暂不计算']);
    } finally {
      registerSuggestionAnswerProvider(suggestionAnswerFigures);
    }
  });

  it('exports the figures and a drill-down as CSV, and gives chart data by region and by month', async () => {
    const csv = await app.request('GET', `/api/admin/coverage.csv?${q(`${Y}-Q2`)}`, { token: users.organizer });
    expectStatus(csv, 200);
    const rows = parse(csv.text.replace(/^\uFEFF/, '')) as string[][];
    expect(rows[0]).to.deep.equal(['指标', '已覆盖', '应覆盖', '覆盖率', '未覆盖', '说明']);
    expect(rows[1]).to.deep.equal(['领导干部代表参加小组活动全覆盖', '1', '2', '50.00%', '1', '']);
    expect(rows[4]).to.deep.equal(['意见建议件件有答复', '0', '0', '', '0', '']);
    const missing = await app.request('GET', `/api/admin/coverage/missing.csv?${q(`${Y}-Q2`)}&figure=supervision`, { token: users.organizer });
    expect(parse(missing.text.replace(/^\uFEFF/, ''))).to.deep.equal([['县（市、区）', '乡镇', '原因'], ['龙潭县', '凤岭乡', '本期无督导']]);

    const byRegion = await app.request('GET', `/api/admin/coverage/chart?${q(`${Y}-Q2`)}&by=region`, { token: users.organizer });
    expectStatus(byRegion, 200);
    expect(byRegion.body.labels).to.have.members(['龙潭镇', '凤岭乡']);
    const attendance = byRegion.body.series.find((s: any) => s.key === 'attendance');
    const at = (name: string) => byRegion.body.labels.indexOf(name);
    expect(attendance.numerators[at('龙潭镇')]).to.equal(2);
    expect(attendance.denominators[at('龙潭镇')]).to.equal(5);
    expect(attendance.numerators[at('凤岭乡')]).to.equal(1);
    expect(attendance.denominators[at('凤岭乡')]).to.equal(2);
    const byMonth = await app.request('GET', `/api/admin/coverage/chart?${q(`${Y}-Q2`)}&by=month`, { token: users.organizer });
    expect(byMonth.body.labels).to.deep.equal([`${Y}-04`, `${Y}-05`, `${Y}-06`]);
    const supervision = byMonth.body.series.find((s: any) => s.key === 'supervision');
    expect(supervision.numerators).to.deep.equal([0, 1, 0]);
  });

  it('counts every suggestion answered from the suggestions handled through the API, and checks the activity a suggestion names', async () => {
    const held = (await app.request('GET', `/api/admin/activities?groupId=${a.groupId}`, { token: users.liaison })).body.items.find((x: any) => x.status === 'held');
    const plan = await app.request('POST', '/api/admin/activities', {
      token: users.liaison,
      body: { groupId: a.groupId, status: 'planned', kind: 'meeting_day', subject: '下月代表见面日', startsAt: new Date(NOW.getTime() + 5 * DAY).toISOString() },
    });
    expectStatus(plan, 201);
    const department = await app.request('POST', '/api/admin/departments', { token: users.liaison, body: { county: '龙潭县', name: '县交通运输局', contactName: '张科长', contactPhone: '13812345678' } });
    expectStatus(department, 201);
    const username = `roads-${Date.now()}`;
    expectStatus(await app.request('POST', '/api/admin/users', { token: users.admin, body: { username, password: 'Qiao-liang-7731-road', role: 'department', departmentId: department.body.id } }), 201);
    const roads = (await app.request('POST', '/api/auth/login', { body: { username, password: 'Qiao-liang-7731-road' } })).body.token;
    const raise = (region: Record<string, string>, extra: Record<string, unknown> = {}) =>
      app.request('POST', '/api/admin/suggestions', { token: users.liaison, body: { text: '村道年久失修，雨天无法通行，请求硬化', category: '基础设施', region, deputyIds: [a.deputyIds[0]], ...extra } });

    // The activity named must exist and have been held.
    const unknown = await raise({ county: '龙潭县' }, { activityId: '0123456789abcdef01234567' });
    expectStatus(unknown, 400);
    expect(problemFields(unknown)).to.deep.equal(['body.activityId']);
    const planned = await raise({ county: '龙潭县' }, { activityId: plan.body.id });
    expectStatus(planned, 400);
    expect(unknown.body.error.details[0].message).to.equal('未找到该活动');
    expect(planned.body.error.details[0].message).to.contain('尚未开展');

    const atActivity = await raise({ city: '云岭市', county: '龙潭县', township: '龙潭镇' }, { activityId: held.id });
    expectStatus(atActivity, 201);
    expect(atActivity.body.activityId).to.equal(held.id);
    const noCity = await raise({ county: '龙潭县', township: '凤岭乡' });
    expectStatus(noCity, 201);
    expectStatus(await raise({ county: '西林县' }), 201);
    const step = (token: string, id: string, action: string, body: Record<string, unknown> = {}) => app.request('POST', `/api/admin/suggestions/${id}/${action}`, { token, body });
    expectStatus(await step(users.liaison, atActivity.body.id, 'sort'), 200);
    expectStatus(await step(users.liaison, atActivity.body.id, 'assign', { leadDepartmentId: department.body.id }), 200);
    expectStatus(await step(roads, atActivity.body.id, 'answer', { text: '已列入今年村道硬化计划', answerClass: 'B', meeting: { at: new Date(NOW.getTime() - DAY).toISOString(), participants: '局长、代表' } }), 200);
    expectStatus(await step(users.liaison, noCity.body.id, 'sort'), 200);
    expectStatus(await step(users.liaison, noCity.body.id, 'assign', { leadDepartmentId: department.body.id }), 200);

    const county = await app.request('GET', `/api/admin/coverage?${q(`${Y}-Q2`)}`, { token: users.organizer });
    expect(county.body.figures.find((f: any) => f.key === 'suggestions')).to.include({ status: 'measured', numerator: 1, denominator: 2, rate: 0.5, missingCount: 1 });
    const missing = await app.request('GET', `/api/admin/coverage/missing?${q(`${Y}-Q2`)}&figure=suggestions`, { token: users.editor });
    expectStatus(missing, 200);
    expect(missing.body.items).to.have.length(1);
    expect(missing.body.items[0]).to.include({ id: noCity.body.id, department: '县交通运输局', status: '已交办', reason: '尚未答复' });
    expect(missing.body.items[0].title).to.match(/^村道年久失修/);
    // The city counts the suggestions that name it and those of its counties that name no city; other periods none.
    const city = await app.request('GET', `/api/admin/coverage?${q(`${Y}`, 'city', '云岭市')}`, { token: users.organizer });
    expect(city.body.figures.find((f: any) => f.key === 'suggestions')).to.include({ numerator: 1, denominator: 3 });
    const township = await app.request('GET', `/api/admin/coverage?${q(`${Y}-Q2`, 'township', '龙潭镇')}`, { token: users.organizer });
    expect(township.body.figures.find((f: any) => f.key === 'suggestions')).to.include({ numerator: 1, denominator: 1, rate: 1 });
    // A city's chart by county counts each county as its own figure does: from the records while the suggestions'
    // tallies are not built, from the tallies once they are.
    const countyInChart = async () => {
      const chart = await app.request('GET', `/api/admin/coverage/chart?${q(`${Y}-Q2`, 'city', '云岭市')}&by=region`, { token: users.organizer });
      expectStatus(chart, 200);
      const answers = chart.body.series.find((s: any) => s.key === 'suggestions');
      const at = chart.body.labels.indexOf('龙潭县');
      return [answers.numerators[at], answers.denominators[at], answers.rates[at]];
    };
    expect(await countyInChart()).to.deep.equal([1, 2, 0.5]);
    expectStatus(await app.request('POST', '/api/admin/aggregates/rebuild', { token: users.admin, body: { names: ['suggestions.tallies'] } }), 200);
    expect(await countyInChart()).to.deep.equal([1, 2, 0.5]);
    const q1 = await app.request('GET', `/api/admin/coverage?${q(`${Y}-Q1`)}`, { token: users.organizer });
    expect(q1.body.figures.find((f: any) => f.key === 'suggestions')).to.include({ numerator: 0, denominator: 0 });
    const csv = await app.request('GET', `/api/admin/coverage/missing.csv?${q(`${Y}-Q2`)}&figure=suggestions`, { token: users.organizer });
    const rows = parse(csv.text.replace(/^\uFEFF/, '')) as string[][];
    expect(rows[0]).to.deep.equal(['意见建议', '承办单位', '状态', '提出时间', '原因']);
    expect(rows[1][1]).to.equal('县交通运输局');
    expect(rows[1][2]).to.equal('已交办');
    // The plan is not left behind for the tests after this one.
    expectStatus(await app.request('POST', `/api/admin/activities/${plan.body.id}/cancel`, { token: users.liaison, body: { version: plan.body.version, reason: '测试用计划' } }), 200);
  });

  it('follows corrections and deletions: the figures are recounted from the attendance', async () => {
    const fengling = () => app.request('GET', `/api/admin/coverage/missing?${q(`${Y}-Q2`, 'township', '凤岭乡')}&figure=attendance`, { token: users.organizer });
    expect((await fengling()).body.figure).to.include({ numerator: 1, denominator: 2 });
    const list = await app.request('GET', `/api/admin/activities?groupId=${c.groupId}`, { token: users.liaison });
    const activity = list.body.items[0];
    const fixed = await app.request('PATCH', `/api/admin/activities/${activity.id}`, { token: users.liaison, body: { version: activity.version, participants: rollCall(c) } });
    expectStatus(fixed, 200);
    expect((await fengling()).body.figure).to.include({ numerator: 2, denominator: 2 });
    expectStatus(await app.request('DELETE', `/api/admin/activities/${activity.id}`, { token: users.liaison }), 204);
    const after = await fengling();
    expect(after.body.figure).to.include({ numerator: 0, denominator: 2 });
    expect(after.body.items.map((m: any) => m.reason)).to.deep.equal(['所在小组本期未开展活动', '所在小组本期未开展活动']);
    const guarantees = await app.request('GET', `/api/admin/coverage/missing?${q(`${Y}-Q2`, 'township', '凤岭乡')}&figure=guarantees`, { token: users.organizer });
    expect(guarantees.body.items.map((g: any) => g.lacking)).to.deep.equal([['time']]);
    // A plan ahead gives the group its schedule again.
    const plan = await app.request('POST', '/api/admin/activities', { token: users.liaison, body: { groupId: c.groupId, status: 'planned', kind: 'meeting_day', subject: '代表见面日', startsAt: new Date(NOW.getTime() + 3 * DAY).toISOString() } });
    expectStatus(plan, 201);
    const again = await app.request('GET', `/api/admin/coverage/missing?${q(`${Y}-Q2`, 'township', '凤岭乡')}&figure=guarantees`, { token: users.organizer });
    expect(again.body.items).to.deep.equal([]);
  });

  it('refuses bad input: a period that is not one, a future or unknown township visit', async () => {
    const period = await app.request('GET', `/api/admin/coverage?${q(`${Y}-Q5`)}`, { token: users.organizer });
    expectStatus(period, 400);
    expect(problemFields(period)).to.deep.equal(['query.period']);
    const future = await app.request('POST', '/api/admin/supervision-visits', {
      token: users.organizer,
      body: { date: new Date(NOW.getTime() + DAY).toISOString(), committee: '代表工委', county: '龙潭县', townships: ['龙潭镇', '不存在镇'] },
    });
    expectStatus(future, 400);
    expect(problemFields(future)).to.deep.equal(['body.date', 'body.townships.1']);
    const byEditor = await app.request('POST', '/api/admin/supervision-visits', { token: users.editor, body: { date: `${Y}-05-01`, committee: '代表工委', county: '龙潭县', townships: ['龙潭镇'] } });
    expectStatus(byEditor, 403);
    const list = await app.request('GET', `/api/admin/supervision-visits?county=${encodeURIComponent('龙潭县')}&period=${Y}`, { token: users.editor });
    expect(list.body.items).to.have.length(1);
  });
});
