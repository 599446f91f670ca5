import { expect } from 'chai';
import type { TestApp } from '../support/app';
import { TestClock } from '../support/clock';
import { NOW, Y, expectStatus, heldBody, problemFields, rollCall, seedGroup, signIn, type Town, type Users } from '../activities/support';
import { startTestApp } from '../support/app';

/** Committees, inspection rounds, problems and their rectification, and the generated reports, through HTTP. */
describe('supervision: assignments, inspections, problems, reports', function () {
  this.timeout(600_000);
  let app: TestApp;
  let clock: TestClock;
  let users: Users;
  let supervisor: string;
  let supervisorId: string;
  let a: Town;
  let c: Town;
  let committeeId: string;
  const base = '/api/admin/supervision';

  before(async () => {
    clock = new TestClock(NOW);
    app = await startTestApp({ name: 'supervision', clock });
    a = await seedGroup('龙潭一组', { county: '龙潭县', township: '龙潭镇' }, ['city', 'county', 'township'], { roomAddress: '龙潭镇代表之家' });
    c = await seedGroup('凤岭一组', { county: '龙潭县', township: '凤岭乡' }, ['county', 'township'], { roomAddress: '凤岭乡' });
    await seedGroup('西林一组', { county: '西林县', township: '西林镇' }, ['township', 'township'], { roomAddress: '西林镇' });
    users = await signIn(app, [a.groupId, c.groupId]);
    const s = await app.loginAs('supervisor', '督导组老吴');
    supervisor = s.token;
    supervisorId = s.userId;
    // Activities in May: 龙潭一组 all present twice, 凤岭一组 once with an absence.
    for (const [town, at, absent] of [[a, `${Y}-05-10T02:00:00Z`, []], [a, `${Y}-05-20T02:00:00Z`, []], [c, `${Y}-05-12T02:00:00Z`, [1]]] as const) {
      expectStatus(await app.request('POST', '/api/admin/activities', { token: users.liaison, body: heldBody(town, new Date(at), { participants: rollCall(town, [], [...absent]), subject: `活动${at}` }) }), 201);
    }
  });
  after(() => app.close());

  it('keeps committees and the counties they supervise, with the dated history, and refuses bad input', async () => {
    const bad = await app.request('POST', `${base}/committees`, { token: supervisor, body: { name: '', memberIds: ['nope', users.liaisonId], counties: ['无此县'] } });
    expectStatus(bad, 400);
    expect(problemFields(bad)).to.include.members(['body.name', 'body.memberIds.0']);
    const notSupervisor = await app.request('POST', `${base}/committees`, { token: supervisor, body: { name: '代表工委', memberIds: [users.liaisonId], counties: ['龙潭县'] } });
    expectStatus(notSupervisor, 400);
    expect(problemFields(notSupervisor)).to.deep.equal(['body.memberIds.0']);
    const noCounty = await app.request('POST', `${base}/committees`, { token: supervisor, body: { name: '代表工委', counties: ['无此县'] } });
    expect(problemFields(noCounty)).to.deep.equal(['body.counties.0']);
    expectStatus(await app.request('POST', `${base}/committees`, { token: users.editor, body: { name: 'x' } }), 403);
    expectStatus(await app.request('POST', `${base}/committees`, { token: supervisor, body: { name: 'x', extra: 1 } }), 400);

    const made = await app.request('POST', `${base}/committees`, { token: supervisor, body: { name: '市人大常委会代表工作委员会', memberIds: [supervisorId], counties: ['龙潭县', '西林县'], effectiveFrom: `${Y}-01-01` } });
    expectStatus(made, 201);
    committeeId = made.body.id;
    expect(made.body.members).to.deep.equal([{ userId: supervisorId, displayName: '督导组老吴' }]);
    expect(made.body.counties).to.deep.equal(['龙潭县', '西林县']);
    expectStatus(await app.request('POST', `${base}/committees`, { token: supervisor, body: { name: '市人大常委会代表工作委员会' } }), 409);

    const other = await app.request('POST', `${base}/committees`, { token: supervisor, body: { name: '市人大常委会农业农村委员会' } });
    expectStatus(other, 201);
    const taken = await app.request('PATCH', `${base}/committees/${other.body.id}`, { token: supervisor, body: { version: 1, counties: ['西林县'] } });
    expectStatus(taken, 409);
    expect(taken.body.error.code).to.equal('county_assigned');
    const moved = await app.request('PATCH', `${base}/committees/${other.body.id}`, { token: supervisor, body: { version: 1, counties: ['西林县'], transfer: true, effectiveFrom: `${Y}-06-01` } });
    expectStatus(moved, 200);
    expect(moved.body.counties).to.deep.equal(['西林县']);
    const first = await app.request('GET', `${base}/committees/${committeeId}`, { token: users.organizer });
    expect(first.body.counties).to.deep.equal(['龙潭县']);
    const xilin = first.body.history.find((h: any) => h.county === '西林县');
    expect(xilin.to).to.equal(new Date(`${Y}-06-01T00:00:00+08:00`).toISOString());
    const stale = await app.request('PATCH', `${base}/committees/${committeeId}`, { token: supervisor, body: { version: 1, name: '改名' } });
    expectStatus(stale, 409);
    expect(stale.body.error.code).to.equal('version_conflict');
  });

  it('has the eight default problem categories, editable', async () => {
    const list = await app.request('GET', `${base}/problem-categories`, { token: users.organizer });
    expectStatus(list, 200);
    expect(list.body.items.map((x: any) => x.label)).to.deep.equal(['思想误区', '阵地建设不规范', '分组不科学', '活动重形式轻内容', '督导不严不实', '数据信息不精准', '活动保障不到位', '意见建议办理不到位']);
    const renamed = await app.request('PATCH', `${base}/problem-categories/data`, { token: supervisor, body: { label: '数据信息不精准不及时' } });
    expectStatus(renamed, 200);
    expect(renamed.body.label).to.equal('数据信息不精准不及时');
    expectStatus(await app.request('PATCH', `${base}/problem-categories/nope`, { token: supervisor, body: { label: 'x' } }), 404);
    expectStatus(await app.request('POST', `${base}/problem-categories`, { token: supervisor, body: { id: 'Bad Id', label: 'x' } }), 400);
    expectStatus(await app.request('POST', `${base}/problem-categories`, { token: supervisor, body: { id: 'ledger', label: '台账不全' } }), 201);
    expectStatus(await app.request('POST', `${base}/problem-categories`, { token: supervisor, body: { id: 'ledger2', label: '台账不全' } }), 409);
  });

  let roundId: string;
  let problemId: string;
  it('records an inspection round with the townships visited, which the coverage counts', async () => {
    const bad = await app.request('POST', `${base}/rounds`, { token: supervisor, body: { county: '龙潭县', date: `${Y}-07-01`, townships: ['龙潭镇', '无此镇', '龙潭镇'] } });
    expectStatus(bad, 400);
    expect(problemFields(bad)).to.include.members(['body.date', 'body.townships.1', 'body.townships']);
    const wrongPeriod = await app.request('POST', `${base}/rounds`, { token: supervisor, body: { county: '龙潭县', date: `${Y}-05-15`, townships: ['龙潭镇'], period: `${Y}-Q1` } });
    expect(problemFields(wrongPeriod)).to.deep.equal(['body.period']);
    const made = await app.request('POST', `${base}/rounds`, { token: supervisor, body: { county: '龙潭县', date: `${Y}-05-15`, townships: ['龙潭镇'], note: '季度督查' } });
    expectStatus(made, 201);
    roundId = made.body.id;
    expect(made.body).to.include({ kind: 'inspection', period: `${Y}-Q2`, committeeName: '市人大常委会代表工作委员会', committeeId });
    const cov = await app.request('GET', `/api/admin/coverage?level=county&name=${encodeURIComponent('龙潭县')}&period=${Y}-Q2`, { token: users.organizer });
    expect(cov.body.figures.find((f: any) => f.key === 'supervision')).to.include({ numerator: 1, denominator: 2 });
    const list = await app.request('GET', `${base}/rounds?county=${encodeURIComponent('龙潭县')}&period=${Y}-Q2`, { token: users.organizer });
    expect(list.body.items.map((r: any) => r.id)).to.deep.equal([roundId]);
    expectStatus(await app.request('GET', `${base}/rounds?period=bad`, { token: users.organizer }), 400);
    expectStatus(await app.request('GET', `${base}/rounds/${'0'.repeat(24)}`, { token: users.organizer }), 404);
  });

  it('adds problems and follows rectification: 立行立改 → 整改中 → 已整改 with evidence, and 回头看', async () => {
    const bad = await app.request('POST', `${base}/rounds/${roundId}/problems`, { token: supervisor, body: { categoryId: 'nope', description: '', deadline: `${Y}-05-01`, township: '西林镇' } });
    expectStatus(bad, 400);
    const badGroup = await app.request('POST', `${base}/rounds/${roundId}/problems`, { token: supervisor, body: { categoryId: 'venue', description: '活动室未挂牌', deadline: `${Y}-05-01`, township: '西林镇' } });
    expect(problemFields(badGroup)).to.include.members(['body.township', 'body.deadline']);
    const made = await app.request('POST', `${base}/rounds/${roundId}/problems`, { token: supervisor, body: { categoryId: 'venue', description: '活动室未挂牌', deadline: `${Y}-06-20`, groupId: a.groupId, state: 'immediate' } });
    expectStatus(made, 201);
    problemId = made.body.id;
    expect(made.body).to.include({ state: 'immediate', stateLabel: '立行立改', township: '龙潭镇', groupName: '龙潭一组', categoryLabel: '阵地建设不规范', overdue: false });
    const second = await app.request('POST', `${base}/rounds/${roundId}/problems`, { token: supervisor, body: { categoryId: 'formality', description: '活动记录简单', deadline: `${Y}-06-01`, township: '凤岭乡' } });
    expectStatus(second, 201);

    const noText = await app.request('POST', `${base}/problems/${problemId}/progress`, { token: supervisor, body: { version: 1, state: 'rectifying', text: '' } });
    expect(problemFields(noText)).to.deep.equal(['body.text']);
    const noPhoto = await app.request('POST', `${base}/problems/${problemId}/progress`, { token: supervisor, body: { version: 1, state: 'rectifying', text: '已订制标牌', photoMediaIds: ['0'.repeat(24)] } });
    expect(problemFields(noPhoto)).to.deep.equal(['body.photoMediaIds.0']);
    const step = await app.request('POST', `${base}/problems/${problemId}/progress`, { token: supervisor, body: { version: 1, state: 'rectifying', text: '已订制标牌' } });
    expectStatus(step, 200);
    const done = await app.request('POST', `${base}/problems/${problemId}/progress`, { token: supervisor, body: { version: 2, state: 'rectified', text: '标牌已悬挂' } });
    expectStatus(done, 200);
    expect(done.body).to.include({ state: 'rectified', rectifiedOnTime: true });
    expect(done.body.history.map((h: any) => h.to)).to.deep.equal(['immediate', 'rectifying', 'rectified']);
    expect(done.body.evidence.map((e: any) => e.text)).to.deep.equal(['已订制标牌', '标牌已悬挂']);
    const back = await app.request('POST', `${base}/problems/${problemId}/progress`, { token: supervisor, body: { version: 3, state: 'rectifying', text: 'x' } });
    expectStatus(back, 409);
    expect(back.body.error.code).to.equal('invalid_transition');

    const noDeadline = await app.request('POST', `${base}/problems/${problemId}/revisits`, { token: supervisor, body: { version: 3, result: 'reopened', note: '标牌已脱落' } });
    expect(problemFields(noDeadline)).to.deep.equal(['body.deadline']);
    const confirmed = await app.request('POST', `${base}/problems/${problemId}/revisits`, { token: supervisor, body: { version: 3, result: 'confirmed', note: '整改到位' } });
    expectStatus(confirmed, 200);
    expect(confirmed.body.revisits.map((r: any) => r.result)).to.deep.equal(['confirmed']);
    expect((await app.request('POST', `${base}/problems/${second.body.id}/revisits`, { token: supervisor, body: { version: 1, result: 'confirmed', note: 'x' } })).body.error.code).to.equal('not_rectified');
    expectStatus(await app.request('DELETE', `${base}/problems/${problemId}`, { token: supervisor }), 409);
    expectStatus(await app.request('DELETE', `${base}/rounds/${roundId}`, { token: supervisor }), 409);
  });

  it('lists overdue problems by the clock', async () => {
    const overdue = await app.request('GET', `${base}/problems?overdue=true&county=${encodeURIComponent('龙潭县')}`, { token: users.organizer });
    expectStatus(overdue, 200);
    expect(overdue.body.items.map((p: any) => p.description)).to.deep.equal(['活动记录简单']);
    expect(overdue.body.items[0].overdue).to.equal(true);
    expectStatus(await app.request('GET', `${base}/problems?state=bogus`, { token: users.organizer }), 400);
  });
});
