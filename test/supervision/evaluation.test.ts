import { expect } from 'chai';
import mongoose from 'mongoose';
import { Article } from '../../src/content/models/article';
import { Deputy } from '../../src/content/models/deputy';
import { startTestApp, type TestApp } from '../support/app';
import { TestClock } from '../support/clock';
import { Y, expectStatus, heldBody, problemFields, rollCall, seedGroup, signIn, type Town, type Users } from '../activities/support';

/** 考评: the year's scheme as data, scores with their breakdown computed from the records, adjustments, candidates. */
describe('evaluation: schemes, scores with breakdowns, adjustments and award candidates', function () {
  this.timeout(600_000);
  let app: TestApp;
  let clock: TestClock;
  let users: Users;
  let supervisor: string;
  let a: Town;
  let b: Town;
  const base = '/api/admin/evaluation';

  before(async () => {
    clock = new TestClock(new Date(`${Y}-06-15T02:00:00Z`));
    app = await startTestApp({ name: 'evaluation', clock });
    a = await seedGroup('龙潭一组', { county: '龙潭县', township: '龙潭镇' }, ['county', 'township'], { roomAddress: '龙潭镇' });
    b = await seedGroup('西林一组', { county: '西林县', township: '西林镇' }, ['township', 'township'], { roomAddress: '西林镇' });
    users = await signIn(app, [a.groupId, b.groupId]);
    supervisor = (await app.loginAs('supervisor', '督导组老吴')).token;
    // 龙潭一组: three activities, all present. 西林一组: one activity, one member absent.
    for (const day of ['03-10', '04-10', '05-10']) {
      expectStatus(await app.request('POST', '/api/admin/activities', { token: users.liaison, body: heldBody(a, new Date(`${Y}-${day}T02:00:00Z`), { subject: `活动${day}` }) }), 201);
    }
    expectStatus(await app.request('POST', '/api/admin/activities', { token: users.liaison, body: heldBody(b, new Date(`${Y}-05-12T02:00:00Z`), { participants: rollCall(b, [], [1]) }) }), 201);
  });
  after(() => app.close());

  it('keeps a scheme per year as data and refuses a bad one or a past year', async () => {
    const got = await app.request('GET', `${base}/schemes/${Y}`, { token: users.organizer });
    expectStatus(got, 200);
    expect(got.body.scheme.indicators.group.map((i: any) => [i.input, i.weight, i.target])).to.deep.equal([['attendanceRate', 40, null], ['activitiesHeld', 40, 12], ['suggestionsRaised', 20, 20]]);
    const scheme = {
      indicators: {
        group: [{ input: 'attendanceRate', weight: 50 }, { input: 'activitiesHeld', weight: 50, target: 3 }],
        deputy: [{ input: 'attendanceRate', weight: 100 }],
        unit: [{ input: 'coverageRate', weight: 60 }, { input: 'rectifiedOnTimeRate', weight: 40 }],
      },
      candidates: { groups: 1, deputies: 2, units: 1, minScore: 60 },
    };
    const bad = await app.request('PUT', `${base}/schemes/${Y}`, { token: supervisor, body: { ...scheme, indicators: { ...scheme.indicators, group: [{ input: 'nope', weight: 50 }, { input: 'activitiesHeld', weight: 40 }] } } });
    expectStatus(bad, 400);
    expect(problemFields(bad)).to.deep.equal(['body.indicators.group.0.input', 'body.indicators.group.1.target', 'body.indicators.group']);
    expectStatus(await app.request('PUT', `${base}/schemes/${Y}`, { token: users.organizer, body: scheme }), 403);
    expect((await app.request('PUT', `${base}/schemes/${Y - 1}`, { token: supervisor, body: scheme })).body.error.code).to.equal('past_year');
    expectStatus(await app.request('PUT', `${base}/schemes/${Y}`, { token: supervisor, body: scheme }), 200);
  });

  it('computes scores from the records with the breakdown behind each, ranks them and names candidates', async () => {
    expectStatus(await app.request('GET', `${base}/results/${Y}`, { token: users.organizer }), 404);
    expectStatus(await app.request('POST', `${base}/results/${Y}/compute`, { token: supervisor }), 200);
    const groups = await app.request('GET', `${base}/results/${Y}?subject=group`, { token: users.organizer });
    expectStatus(groups, 200);
    const [first, second] = groups.body.items;
    // 龙潭一组: attendance 6/6 → 50; 3 activities of a target of 3 → 50. 西林一组: 1/2 → 25; 1/3 → 16.67.
    expect(first).to.include({ name: '龙潭一组', score: 100, final: 100, rank: 1, candidate: true });
    expect(first.breakdown.map((x: any) => [x.input, x.value, x.points])).to.deep.equal([['attendanceRate', 1, 50], ['activitiesHeld', 3, 50]]);
    expect(second).to.include({ name: '西林一组', score: 41.67, rank: 2, candidate: false });
    const deputies = await app.request('GET', `${base}/results/${Y}?subject=deputy&county=${encodeURIComponent('西林县')}`, { token: users.organizer });
    expect(deputies.body.items.map((d: any) => d.score)).to.deep.equal([100, 0]);
    // Townships are filtered within a county (their names repeat across counties); `counties` lists those to choose from.
    const towns = await app.request('GET', `${base}/results/${Y}?subject=unit&level=township&county=${encodeURIComponent('龙潭县')}`, { token: users.organizer });
    expect(towns.body.items.map((u: any) => [u.county, u.name])).to.deep.equal([['龙潭县', '龙潭镇']]);
    expect(towns.body.counties).to.deep.equal(['龙潭县', '西林县'].sort((x, y) => x.localeCompare(y, 'zh-CN')));
    expect((await app.request('GET', `${base}/results/${Y}?subject=deputy&county=${encodeURIComponent('龙潭县')}&township=${encodeURIComponent('龙潭镇')}&q=${encodeURIComponent('代表1')}`, { token: users.organizer })).body.items.map((d: any) => d.name)).to.deep.equal(['龙潭一组代表1']);
    expect(problemFields(await app.request('GET', `${base}/results/${Y}?subject=unit&township=${encodeURIComponent('龙潭镇')}`, { token: users.organizer }))).to.deep.equal(['query.township']);
    expect(problemFields(await app.request('GET', `${base}/results/${Y}?subject=group&level=township`, { token: users.organizer }))).to.deep.equal(['query.level']);
    const units = await app.request('GET', `${base}/results/${Y}?subject=unit&level=county`, { token: users.organizer });
    expect(units.body.items.map((u: any) => u.name)).to.have.members(['龙潭县', '西林县']);
    expect(units.body.items.every((u: any) => u.breakdown.find((x: any) => x.input === 'rectifiedOnTimeRate').points === 40)).to.equal(true);
  });

  it('allows an adjustment only with a reason, shows it apart, and reranks; the candidates follow', async () => {
    const noReason = await app.request('POST', `${base}/results/${Y}/adjustments`, { token: supervisor, body: { subject: 'group', id: b.groupId, points: 10, reason: '' } });
    expect(problemFields(noReason)).to.deep.equal(['body.reason']);
    expect(problemFields(await app.request('POST', `${base}/results/${Y}/adjustments`, { token: supervisor, body: { subject: 'group', id: 'nope', points: 10, reason: 'x' } }))).to.deep.equal(['body.id']);
    const up = await app.request('POST', `${base}/results/${Y}/adjustments`, { token: supervisor, body: { subject: 'group', id: b.groupId, points: 30, reason: '防汛抢险中组织代表开展活动，市委通报表扬' } });
    expectStatus(up, 200);
    expect(up.body).to.include({ score: 41.67, adjustment: 30, final: 71.67, adjustmentReason: '防汛抢险中组织代表开展活动，市委通报表扬' });
    const down = await app.request('POST', `${base}/results/${Y}/adjustments`, { token: supervisor, body: { subject: 'group', id: a.groupId, points: -30, reason: '活动记录经核查有虚报' } });
    expect(down.body).to.include({ final: 70, rank: 2, candidate: false });
    const cands = await app.request('GET', `${base}/results/${Y}/candidates`, { token: users.organizer });
    expect(cands.body.awards.find((x: any) => x.subject === 'group').items.map((g: any) => g.name)).to.deep.equal(['西林一组']);
    expect(cands.body.awards.map((x: any) => x.award)).to.deep.equal(['先进代表小组', '代表履职先进个人', '县乡人大工作先进单位']);
    // Recomputing keeps the adjustments.
    await app.request('POST', `${base}/results/${Y}/compute`, { token: supervisor });
    const again = await app.request('GET', `${base}/results/${Y}?subject=group`, { token: users.organizer });
    expect(again.body.items.map((g: any) => [g.name, g.final])).to.deep.equal([['西林一组', 71.67], ['龙潭一组', 70]]);
  });

  it('leaves past results unchanged when the next year gets a new scheme', async () => {
    const before = (await app.request('GET', `${base}/results/${Y}?subject=group`, { token: users.organizer })).body;
    clock.set(new Date(`${Y + 1}-01-10T02:00:00Z`));
    // Seven months on, the morning's sign-ins have expired: sign in again.
    const reader = (await app.loginAs('organizer')).token;
    const writer = (await app.loginAs('supervisor')).token;
    const next = await app.request('GET', `${base}/schemes/${Y + 1}`, { token: reader });
    expect(next.body.scheme.indicators.group.map((i: any) => i.input)).to.deep.equal(['attendanceRate', 'activitiesHeld']); // copied from the year before
    expectStatus(await app.request('PUT', `${base}/schemes/${Y + 1}`, { token: writer, body: { indicators: { group: [{ input: 'attendanceRate', weight: 100 }], deputy: [{ input: 'attendanceRate', weight: 100 }], unit: [{ input: 'coverageRate', weight: 100 }] }, candidates: { groups: 5, deputies: 5, units: 1, minScore: 0 } } }), 200);
    expect((await app.request('PUT', `${base}/schemes/${Y}`, { token: writer, body: { indicators: { group: [{ input: 'attendanceRate', weight: 100 }], deputy: [{ input: 'attendanceRate', weight: 100 }], unit: [{ input: 'coverageRate', weight: 100 }] }, candidates: { groups: 5, deputies: 5, units: 1, minScore: 0 } } })).body.error.code).to.equal('past_year');
    await app.request('POST', `${base}/results/${Y}/compute`, { token: writer });
    const after = (await app.request('GET', `${base}/results/${Y}?subject=group`, { token: reader })).body;
    expect(after.items.map((g: any) => [g.name, g.score, g.final])).to.deep.equal(before.items.map((g: any) => [g.name, g.score, g.final]));
    expect(after.scheme.indicators.group.map((i: any) => i.input)).to.deep.equal(['attendanceRate', 'activitiesHeld']);
  });
});

/** Townships scored beside counties, and publicity (news and typical-deputy profiles published) as an input. */
describe('evaluation: townships as units, publicity as an input', function () {
  this.timeout(600_000);
  let app: TestApp;
  let a: Town;
  let c: Town;
  let users: Users;
  let supervisor: string;
  const base = '/api/admin/evaluation';
  const system = new mongoose.Types.ObjectId();
  let serial = 0;
  const published = async (kind: 'article' | 'deputy', fields: Record<string, unknown>, publishedAt: Date, status = 'published') => {
    const common = { slug: `eval-${kind}-${++serial}`, status, publishedAt, createdBy: system, updatedBy: system, createdAt: publishedAt, updatedAt: publishedAt };
    if (kind === 'article') await Article.create({ title: `新闻${serial}`, body: '正文', ...common, ...fields } as Record<string, unknown>);
    else await Deputy.create({ name: `典型代表${serial}`, level: 'township', ...common, ...fields } as Record<string, unknown>);
  };

  before(async () => {
    app = await startTestApp({ name: 'evaluation-townships', clock: new TestClock(new Date(`${Y}-06-15T02:00:00Z`)) });
    a = await seedGroup('龙潭一组', { county: '龙潭县', township: '龙潭镇' }, ['county', 'township'], { roomAddress: '龙潭镇' });
    c = await seedGroup('凤岭一组', { county: '龙潭县', township: '凤岭乡' }, ['township', 'township'], { roomAddress: '凤岭乡' });
    users = await signIn(app, [a.groupId, c.groupId]);
    supervisor = (await app.loginAs('supervisor')).token;
    expectStatus(await app.request('POST', '/api/admin/activities', { token: users.liaison, body: heldBody(a, new Date(`${Y}-03-10T02:00:00Z`)) }), 201);
    expectStatus(await app.request('POST', '/api/admin/activities', { token: users.liaison, body: heldBody(c, new Date(`${Y}-03-12T02:00:00Z`), { participants: rollCall(c, [], [1]) }) }), 201);
    // Published this year: two news items on 龙潭一组 (one also about 凤岭一组), a typical deputy of 龙潭一组.
    // Not counted: last year's, a draft, a deleted one.
    await published('article', { relatedGroupIds: [a.groupId], region: { county: '龙潭县', township: '龙潭镇' } }, new Date(`${Y}-02-01T02:00:00Z`));
    await published('article', { relatedGroupIds: [a.groupId, c.groupId], region: { county: '龙潭县', township: '龙潭镇' } }, new Date(`${Y}-04-01T02:00:00Z`));
    await published('deputy', { groupId: a.groupId, region: { county: '龙潭县', township: '龙潭镇' } }, new Date(`${Y}-05-01T02:00:00Z`));
    await published('article', { relatedGroupIds: [c.groupId], region: { county: '龙潭县', township: '凤岭乡' } }, new Date(`${Y - 1}-12-31T02:00:00Z`));
    await published('article', { relatedGroupIds: [c.groupId], region: { county: '龙潭县', township: '凤岭乡' } }, new Date(`${Y}-04-01T02:00:00Z`), 'draft');
    await published('article', { relatedGroupIds: [c.groupId], region: { county: '龙潭县', township: '凤岭乡' }, deletedAt: new Date(`${Y}-05-02T02:00:00Z`) }, new Date(`${Y}-05-01T02:00:00Z`));
  });
  after(() => app.close());

  it('scores each township among townships with the breakdown, and counts the publicity published in the year', async () => {
    const scheme = {
      indicators: {
        group: [{ input: 'attendanceRate', weight: 50 }, { input: 'publicityItems', weight: 50, target: 4 }],
        deputy: [{ input: 'attendanceRate', weight: 100 }],
        unit: [{ input: 'activitiesPerGroup', weight: 40, target: 1 }, { input: 'publicityItems', weight: 60, target: 3 }],
      },
      candidates: { groups: 5, deputies: 5, units: 1, minScore: 0 },
    };
    expectStatus(await app.request('PUT', `${base}/schemes/${Y}`, { token: supervisor, body: scheme }), 200);
    expect(problemFields(await app.request('PUT', `${base}/schemes/${Y}`, { token: supervisor, body: { ...scheme, indicators: { ...scheme.indicators, group: [{ input: 'attendanceRate', weight: 50 }, { input: 'publicityItems', weight: 50 }] } } }))).to.deep.equal(['body.indicators.group.1.target']);
    expectStatus(await app.request('POST', `${base}/results/${Y}/compute`, { token: supervisor }), 200);

    const groups = (await app.request('GET', `${base}/results/${Y}?subject=group`, { token: users.organizer })).body.items;
    const publicityOf = (row: any) => row.breakdown.find((x: any) => x.input === 'publicityItems');
    // 龙潭一组: 2 articles + 1 profile = 3 of 4 → 37.5; 凤岭一组: 1 of 4 → 12.5 (last year's, the draft and the deleted do not count).
    expect(groups.map((g: any) => [g.name, publicityOf(g).value, publicityOf(g).points])).to.deep.equal([['龙潭一组', 3, 37.5], ['凤岭一组', 1, 12.5]]);

    const towns = await app.request('GET', `${base}/results/${Y}?subject=unit&level=township`, { token: users.organizer });
    expectStatus(towns, 200);
    // 龙潭镇: 1 activity per group → 40, 3 items of 3 → 60. 凤岭乡: 1 → 40, 0 items → 0.
    expect(towns.body.items.map((t: any) => [t.name, t.county, t.level, t.score, t.rank, t.candidate])).to.deep.equal([
      ['龙潭镇', '龙潭县', 'township', 100, 1, true],
      ['凤岭乡', '龙潭县', 'township', 40, 2, false],
    ]);
    expect(towns.body.items[0].breakdown.map((x: any) => [x.input, x.value, x.points])).to.deep.equal([['activitiesPerGroup', 1, 40], ['publicityItems', 3, 60]]);
    const counties = await app.request('GET', `${base}/results/${Y}?subject=unit&level=county`, { token: users.organizer });
    // The county: 2 activities / 2 groups → 40; its 3 items (both townships) → 60; first among counties, a candidate too.
    expect(counties.body.items.map((t: any) => [t.name, t.level, t.score, t.rank, t.candidate])).to.deep.equal([['龙潭县', 'county', 100, 1, true]]);
    expectStatus(await app.request('GET', `${base}/results/${Y}?subject=unit&level=village`, { token: users.organizer }), 400);

    // An adjustment of a township reranks the townships only.
    const adj = await app.request('POST', `${base}/results/${Y}/adjustments`, { token: supervisor, body: { subject: 'unit', id: '龙潭县/凤岭乡', points: 30, reason: '乡镇人大主席团工作经验在全市推广' } });
    expectStatus(adj, 200);
    expect(adj.body).to.include({ name: '凤岭乡', final: 70, rank: 2 });
    const after = (await app.request('GET', `${base}/results/${Y}?subject=unit`, { token: users.organizer })).body.items;
    expect(after.map((t: any) => [t.name, t.rank])).to.have.deep.members([['龙潭县', 1], ['龙潭镇', 1], ['凤岭乡', 2]]);
  });
});
