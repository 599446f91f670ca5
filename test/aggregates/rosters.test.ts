import { expect } from 'chai';
import { Types } from 'mongoose';
import type { TestApp } from '../support/app';
import { Deputy } from '../../src/content/models/deputy';
import { AggregateMark } from '../../src/aggregates/marks';
import { groupRosterCopy } from '../../src/activities/rosters';
import { AGGREGATES_JOB } from '../../src/aggregates/module';
import { DAY, NOW, Y, expectStatus, heldBody, rollCall, seedGroup, signIn, startActivitiesApp, type Town, type Users } from '../activities/support';

/**
 * The maintained group rosters behind the coverage: after every kind of content change made through the API, the
 * coverage read from the copy equals the coverage after rebuilding the copy from scratch, and the figures move as
 * the change says they should.
 */
describe('maintained aggregates: group rosters follow every content change', function () {
  this.timeout(120_000);
  let app: TestApp;
  let users: Users;
  let a: Town; // 龙潭镇
  let b: Town; // 龙潭镇, no room
  let c: Town; // 凤岭乡
  const q = (level: string, name: string) => `level=${level}&name=${encodeURIComponent(name)}&period=${Y}`;
  const figure = async (level: string, name: string, key: string) =>
    (await app.request('GET', `/api/admin/coverage?${q(level, name)}`, { token: users.organizer })).body.figures.find((f: any) => f.key === key);

  /** Every figure and drill-down of the city, its county and both townships. */
  async function snapshot(): Promise<unknown> {
    const out: Record<string, unknown> = {};
    for (const [level, name] of [['city', '云岭市'], ['county', '龙潭县'], ['township', '龙潭镇'], ['township', '凤岭乡']]) {
      const cov = await app.request('GET', `/api/admin/coverage?${q(level, name)}`, { token: users.organizer });
      expectStatus(cov, 200);
      out[`${level}:${name}`] = cov.body.figures;
      for (const f of ['leaders', 'attendance', 'guarantees']) {
        const missing = await app.request('GET', `/api/admin/coverage/missing?${q(level, name)}&figure=${f}&pageSize=100`, { token: users.organizer });
        out[`${level}:${name}:${f}`] = missing.body.items;
      }
    }
    return out;
  }

  /** The coverage from the maintained copy equals the coverage after rebuilding the copy from the profiles. */
  async function expectSameAsRebuilt(): Promise<void> {
    const maintained = await snapshot();
    const status = await app.request('GET', '/api/admin/aggregates', { token: users.admin });
    expect(status.body.items.find((s: any) => s.name === 'activities.group-rosters')).to.include({ built: true, dirty: 0 });
    expectStatus(await app.request('POST', '/api/admin/aggregates/rebuild', { token: users.admin, body: { names: ['activities.group-rosters'] } }), 200);
    expect(await snapshot()).to.deep.equal(maintained);
  }

  const load = async (family: string, id: string) => (await app.request('GET', `/api/admin/${family}/${id}`, { token: users.admin })).body;
  const patch = async (family: string, id: string, body: Record<string, unknown>) => {
    const current = await load(family, id);
    const res = await app.request('PATCH', `/api/admin/${family}/${id}`, { token: users.admin, body: { version: current.version, ...body } });
    expectStatus(res, 200);
    return res.body;
  };
  const act = async (family: string, id: string, action: string) => expectStatus(await app.request('POST', `/api/admin/${family}/${id}/${action}`, { token: users.admin, body: {} }), 200);
  /** Deletes an item through the API (a live one is withdrawn first, as the workflow asks). */
  const remove = async (family: string, id: string) => {
    if ((await load(family, id)).status === 'published') await act(family, id, 'withdraw');
    expectStatus(await app.request('DELETE', `/api/admin/${family}/${id}`, { token: users.admin }), 200);
  };

  before(async () => {
    ({ app } = await startActivitiesApp('aggregates_rosters'));
    a = await seedGroup('龙潭一组', { county: '龙潭县', township: '龙潭镇' }, ['city', 'county', 'township'], { roomAddress: '龙潭镇代表之家', leaders: [0] });
    b = await seedGroup('龙潭二组', { county: '龙潭县', township: '龙潭镇' }, ['township', 'township']);
    c = await seedGroup('凤岭一组', { county: '龙潭县', township: '凤岭乡' }, ['county', 'township'], { roomAddress: '凤岭乡人大活动室' });
    users = await signIn(app, [a.groupId, b.groupId, c.groupId]);
    expectStatus(await app.request('POST', '/api/admin/activities', { token: users.liaison, body: heldBody(a, new Date(NOW.getTime() - 10 * DAY), { participants: rollCall(a, [], [2]) }) }), 201);
    expectStatus(await app.request('POST', '/api/admin/activities', { token: users.liaison, body: heldBody(c, new Date(NOW.getTime() - 12 * DAY)) }), 201);
  });
  after(() => app.close());

  it('builds the copy of an existing database from scratch (the rebuild route), reported by the status route', async () => {
    const before = await app.request('GET', '/api/admin/aggregates', { token: users.admin });
    expect(before.body.items.map((s: any) => s.name)).to.include.members(['activities.group-rosters', 'activities.attendance-rollups', 'suggestions.tallies']);
    const rebuilt = await app.request('POST', '/api/admin/aggregates/rebuild', { token: users.admin, body: {} });
    expectStatus(rebuilt, 200);
    expect(rebuilt.body.rebuilt.find((r: any) => r.name === 'activities.group-rosters').cells).to.be.at.least(3);
    expect((await figure('county', '龙潭县', 'attendance')).denominator).to.equal(7);
    const unknown = await app.request('POST', '/api/admin/aggregates/rebuild', { token: users.admin, body: { names: ['nothing'] } });
    expectStatus(unknown, 400);
    expectStatus(await app.request('GET', '/api/admin/aggregates', { token: users.organizer }), 403);
    await expectSameAsRebuilt();
  });

  it('follows the leader flag', async () => {
    expect((await figure('county', '龙潭县', 'leaders')).denominator).to.equal(1);
    expectStatus(await app.request('PUT', `/api/admin/deputies/${c.deputyIds[1]}/leader`, { token: users.admin, body: { leader: true } }), 200);
    expect(await figure('county', '龙潭县', 'leaders')).to.include({ denominator: 2, numerator: 2 });
    expectStatus(await app.request('PUT', `/api/admin/deputies/${a.deputyIds[0]}/leader`, { token: users.admin, body: { leader: false } }), 200);
    expect(await figure('county', '龙潭县', 'leaders')).to.include({ denominator: 1, numerator: 1 });
    await expectSameAsRebuilt();
  });

  it('follows a deputy moved to a group of another township, a new deputy, a renamed member and a group losing a member', async () => {
    // a.deputyIds[1] names group a in its own profile: it moves to 凤岭乡's group.
    await patch('deputies', a.deputyIds[1], { groupId: c.groupId });
    expect((await figure('township', '龙潭镇', 'attendance')).denominator).to.equal(4);
    expect((await figure('township', '凤岭乡', 'attendance')).denominator).to.equal(3);
    const created = await app.request('POST', '/api/admin/deputies', { token: users.editor, body: { name: '新任代表', level: 'township', region: { county: '龙潭县', township: '龙潭镇' }, groupId: b.groupId } });
    expectStatus(created, 201);
    expect((await figure('township', '龙潭镇', 'attendance')).denominator).to.equal(5);
    await patch('deputies', b.deputyIds[0], { name: '改名代表', level: 'county' });
    const missing = await app.request('GET', `/api/admin/coverage/missing?${q('township', '龙潭镇')}&figure=attendance&pageSize=100`, { token: users.organizer });
    expect(missing.body.items.find((m: any) => m.deputyId === b.deputyIds[0])).to.include({ name: '改名代表', level: 'county' });
    // Group a lists a.deputyIds[0] and [2] as members: dropping [2] from the list takes it out of the group.
    const group = await load('groups', a.groupId);
    await patch('groups', a.groupId, { members: group.members.filter((m: any) => m.deputyId !== a.deputyIds[2]) });
    expect((await figure('township', '龙潭镇', 'attendance')).denominator).to.equal(4);
    await expectSameAsRebuilt();
  });

  it('follows a group moved to another township, deleted and restored, and a deputy deleted and restored', async () => {
    await patch('groups', b.groupId, { region: { city: '云岭市', county: '龙潭县', township: '凤岭乡' }, roomAddress: '凤岭乡新活动室' });
    expect((await figure('township', '凤岭乡', 'guarantees')).denominator).to.equal(2);
    await remove('groups', b.groupId);
    expect((await figure('township', '凤岭乡', 'guarantees')).denominator).to.equal(1);
    expect((await figure('county', '龙潭县', 'guarantees')).denominator).to.equal(2);
    await expectSameAsRebuilt();
    await act('groups', b.groupId, 'restore');
    expect((await figure('county', '龙潭县', 'guarantees')).denominator).to.equal(3);
    await remove('deputies', c.deputyIds[0]);
    expect((await figure('township', '凤岭乡', 'attendance')).denominator).to.equal(2 + 3);
    await expectSameAsRebuilt();
    await act('deputies', c.deputyIds[0], 'restore');
    await expectSameAsRebuilt();
  });

  it('recomputes a group whose refresh never happened (a crash after the write): at the next read, and the repair job clears the mark', async () => {
    // What a writer leaves when it dies between its write and the refresh: the mark, then the write.
    await groupRosterCopy.mark([c.groupId]);
    await Deputy.updateOne({ _id: new Types.ObjectId(c.deputyIds[1]) }, { $set: { leader: false } });
    expect((await figure('county', '龙潭县', 'leaders')).denominator).to.equal(0);
    // The mark is young (its writer might still be running): the read recomputed the group but left the mark.
    expect(await AggregateMark.countDocuments({ aggregate: 'activities.group-rosters' })).to.equal(1);
    // Once it is older than a writer can take, the repair job (under its lease) recomputes and removes it.
    const mark = (await AggregateMark.findOne({ aggregate: 'activities.group-rosters' }).lean())!;
    await AggregateMark.updateOne({ _id: mark._id }, { $set: { pending: mark.pending.map((m) => ({ ...m, at: new Date(Date.now() - 10 * 60_000) })) } });
    expect(await app.service.services.scheduler.runNow(AGGREGATES_JOB)).to.equal(true);
    expect(await AggregateMark.countDocuments({ aggregate: 'activities.group-rosters' })).to.equal(0);
    await expectSameAsRebuilt();
  });
});
