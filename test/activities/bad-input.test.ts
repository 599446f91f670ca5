import { expect } from 'chai';
import { Activity, Attendance } from '../../src/activities/models';
import type { TestApp } from '../support/app';
import { DAY, NOW, expectStatus, heldBody, problemFields, rollCall, seedGroup, signIn, startActivitiesApp, type Town, type Users } from './support';

describe('activities: bad input is refused with the field named, and nothing is half-written', function () {
  this.timeout(30_000);
  let app: TestApp;
  let users: Users;
  let town: Town;
  let other: Town;
  const past = new Date(NOW.getTime() - 7 * DAY);

  before(async () => {
    ({ app } = await startActivitiesApp('activities-bad-input'));
    town = await seedGroup('青山一组', { county: '青山区', township: '青山街道' }, ['city', 'county', 'township']);
    other = await seedGroup('青山二组', { county: '青山区', township: '青山街道' }, ['township']);
    users = await signIn(app, [town.groupId]);
  });
  after(() => app.close());

  async function counts() {
    return { activities: await Activity.countDocuments({ groupId: town.groupId }), attendance: await Attendance.countDocuments({ groupId: town.groupId }) };
  }

  it('refuses attendance for a deputy outside the group', async () => {
    const before = await counts();
    const participants = [...rollCall(town), { deputyId: other.deputyIds[0], status: 'present' }];
    const res = await app.request('POST', '/api/admin/activities', { token: users.liaison, body: heldBody(town, past, { participants }) });
    expectStatus(res, 400);
    expect(problemFields(res)).to.deep.equal(['body.participants.3.deputyId']);
    expect(res.body.error.details[0].message).to.contain('青山一组');
    expect(await counts()).to.deep.equal(before);
  });

  it('refuses a future date marked as happened', async () => {
    const res = await app.request('POST', '/api/admin/activities', { token: users.liaison, body: heldBody(town, new Date(NOW.getTime() + 3_600_000)) });
    expectStatus(res, 400);
    expect(problemFields(res)).to.deep.equal(['body.startsAt']);
    expect(await counts()).to.deep.equal({ activities: 0, attendance: 0 });
  });

  it('refuses a duplicate record of the same activity (same start, or same day and subject)', async () => {
    const first = await app.request('POST', '/api/admin/activities', { token: users.liaison, body: heldBody(town, past) });
    expectStatus(first, 201);
    const before = await counts();
    const same = await app.request('POST', '/api/admin/activities', { token: users.admin, body: heldBody(town, past) });
    expectStatus(same, 409);
    expect(same.body.error.code).to.equal('duplicate_activity');
    expect(same.body.error.details[0]).to.include({ field: 'body.startsAt', activityId: first.body.id });
    const sameDay = await app.request('POST', '/api/admin/activities', { token: users.liaison, body: heldBody(town, new Date(past.getTime() + 2 * 3_600_000)) });
    expectStatus(sameDay, 409);
    expect(sameDay.body.error.details[0].field).to.equal('body.subject');
    // Two submissions at once: one record.
    const racing = await Promise.all([1, 2].map(() => app.request('POST', '/api/admin/activities', { token: users.liaison, body: heldBody(town, new Date(past.getTime() - DAY)) })));
    expect(racing.map((r) => r.status).sort()).to.deep.equal([201, 409]);
    expect((await counts()).activities).to.equal(before.activities + 1);
    expect((await counts()).attendance).to.equal(before.attendance + 3);
  });

  it('names every problem of a roll call: missing members, excused without a reason, twice listed, attendance on a plan', async () => {
    const before = await counts();
    const missing = await app.request('POST', '/api/admin/activities', { token: users.liaison, body: heldBody(town, new Date(past.getTime() - 3 * DAY), { participants: rollCall(town).slice(0, 2) }) });
    expectStatus(missing, 400);
    expect(missing.body.error.details[0]).to.deep.equal({ field: 'body.participants', message: '以下成员未点名：青山一组代表3' });
    const sloppy = [{ deputyId: town.deputyIds[0], status: 'excused' }, { deputyId: town.deputyIds[0], status: 'present' }, { deputyId: town.deputyIds[1], status: 'present' }, { deputyId: town.deputyIds[2], status: 'present' }];
    const bad = await app.request('POST', '/api/admin/activities', { token: users.liaison, body: heldBody(town, new Date(past.getTime() - 3 * DAY), { participants: sloppy }) });
    expectStatus(bad, 400);
    expect(problemFields(bad)).to.deep.equal(['body.participants.0.reason', 'body.participants.1.deputyId']);
    const plan = await app.request('POST', '/api/admin/activities', {
      token: users.liaison,
      body: { groupId: town.groupId, status: 'planned', kind: 'study', subject: '学习', startsAt: new Date(NOW.getTime() + DAY).toISOString(), participants: [{ deputyId: town.deputyIds[0], status: 'present' }] },
    });
    expectStatus(plan, 400);
    expect(problemFields(plan)).to.deep.equal(['body.participants.0.status']);
    const pastPlan = await app.request('POST', '/api/admin/activities', {
      token: users.liaison,
      body: { groupId: town.groupId, status: 'planned', kind: 'study', subject: '学习', startsAt: past.toISOString() },
    });
    expectStatus(pastPlan, 400);
    expect(problemFields(pastPlan)).to.deep.equal(['body.startsAt']);
    expect(await counts()).to.deep.equal(before);
  });

  it('refuses unknown kinds, photos that do not exist, negative households and unknown fields', async () => {
    const before = await counts();
    const res = await app.request('POST', '/api/admin/activities', {
      token: users.liaison,
      body: heldBody(town, new Date(past.getTime() - 4 * DAY), { kind: 'party', householdsReached: -1, colour: 'red' }),
    });
    expectStatus(res, 400);
    expect(problemFields(res)).to.include.members(['body.kind', 'body.householdsReached', 'body.colour']);
    const photo = await app.request('POST', '/api/admin/activities', {
      token: users.liaison,
      body: heldBody(town, new Date(past.getTime() - 4 * DAY), { photoMediaIds: ['0123456789abcdef01234567'] }),
    });
    expectStatus(photo, 400);
    expect(problemFields(photo)).to.deep.equal(['body.photoMediaIds.0']);
    const group = await app.request('POST', '/api/admin/activities', { token: users.admin, body: heldBody(town, past, { groupId: '0123456789abcdef01234567' }) });
    expectStatus(group, 400);
    expect(problemFields(group)).to.deep.equal(['body.groupId']);
    expect(await counts()).to.deep.equal(before);
  });

  it('a correction that fails leaves the record as it was', async () => {
    const created = await app.request('POST', '/api/admin/activities', { token: users.liaison, body: heldBody(town, new Date(past.getTime() - 10 * DAY), { subject: '监督道路建设', kind: 'supervision' }) });
    expectStatus(created, 201);
    const bad = await app.request('PATCH', `/api/admin/activities/${created.body.id}`, {
      token: users.liaison,
      body: { version: 1, summary: '改过的', participants: [...rollCall(town), { deputyId: other.deputyIds[0], status: 'present' }] },
    });
    expectStatus(bad, 400);
    const read = await app.request('GET', `/api/admin/activities/${created.body.id}`, { token: users.editor });
    expect(read.body).to.include({ version: 1, summary: heldBody(town, past).summary });
    expect(await Attendance.countDocuments({ activityId: created.body.id })).to.equal(3);
    const future = await app.request('PATCH', `/api/admin/activities/${created.body.id}`, { token: users.liaison, body: { version: 1, startsAt: new Date(NOW.getTime() + DAY).toISOString() } });
    expectStatus(future, 400);
    expect(problemFields(future)).to.deep.equal(['body.startsAt']);
  });
});
