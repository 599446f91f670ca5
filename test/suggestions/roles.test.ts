import { expect } from 'chai';
import type { TestApp } from '../support/app';
import { TestClock, testDate } from '../support/clock';
import { createDepartment, createDeputy, departmentUser, expectStatus, register, startSuggestionsApp, type Staff } from './support';

describe('suggestions: who may do what', () => {
  const clock = new TestClock(testDate('03-10T02:00:00Z'));
  let app: TestApp;
  let staff: Staff;
  let roads: string;
  let water: string;
  let roadsUser: string;
  let forRoads: string;
  let forWater: string;

  before(async () => {
    ({ app, staff } = await startSuggestionsApp('suggestions_roles', clock));
    const deputy = await createDeputy(app, staff, '王代表');
    roads = await createDepartment(app, staff, '县交通运输局');
    water = await createDepartment(app, staff, '县水利局');
    roadsUser = await departmentUser(app, staff, roads);
    for (const [lead, set] of [[roads, (id: string) => (forRoads = id)], [water, (id: string) => (forWater = id)]] as const) {
      const s = await register(app, staff, [deputy]);
      expectStatus(await app.request('POST', `/api/admin/suggestions/${s.id}/sort`, { token: staff.liaison, body: {} }), 200);
      expectStatus(await app.request('POST', `/api/admin/suggestions/${s.id}/assign`, { token: staff.liaison, body: { leadDepartmentId: lead } }), 200);
      set(s.id);
    }
  });
  after(() => app.close());

  it('ties a department user to exactly one unit, and only department users', async () => {
    const without = await app.request('POST', '/api/admin/users', { token: staff.admin, body: { username: 'dept-none', password: 'pw-long-enough-1', role: 'department' } });
    expectStatus(without, 400);
    expect(without.body.error.details[0].field).to.equal('body.departmentId');
    const liaisonWithUnit = await app.request('POST', '/api/admin/users', {
      token: staff.admin,
      body: { username: 'liaison-unit', password: 'pw-long-enough-1', role: 'liaison', departmentId: roads },
    });
    expectStatus(liaisonWithUnit, 400);
    const created = await app.request('POST', '/api/admin/users', {
      token: staff.admin,
      body: { username: 'dept-water', password: 'pw-long-enough-1', role: 'department', departmentId: water, displayName: '水利局经办人' },
    });
    expectStatus(created, 201);
    expect(created.body).to.include({ role: 'department', departmentId: water });
    // Moving them to another role must drop the unit in the same change.
    expectStatus(await app.request('PATCH', `/api/admin/users/${created.body.id}`, { token: staff.admin, body: { role: 'editor' } }), 400);
    const moved = await app.request('PATCH', `/api/admin/users/${created.body.id}`, { token: staff.admin, body: { role: 'editor', departmentId: null } });
    expectStatus(moved, 200);
    expect(moved.body).to.not.have.property('departmentId');
  });

  it('shows a department user only its own unit’s suggestions', async () => {
    const list = await app.request('GET', '/api/admin/suggestions', { token: roadsUser });
    expectStatus(list, 200);
    expect(list.body.items.map((i: any) => i.id)).to.deep.equal([forRoads]);
    // Asking for another unit's list does not widen it.
    const other = await app.request('GET', `/api/admin/suggestions?departmentId=${water}`, { token: roadsUser });
    expect(other.body.items.map((i: any) => i.id)).to.deep.equal([forRoads]);
    expectStatus(await app.request('GET', `/api/admin/suggestions/${forRoads}`, { token: roadsUser }), 200);
    expectStatus(await app.request('GET', `/api/admin/suggestions/${forWater}`, { token: roadsUser }), 403);
    const all = await app.request('GET', '/api/admin/suggestions', { token: staff.liaison });
    expect(all.body.items.map((i: any) => i.id)).to.have.members([forRoads, forWater]);
  });

  it('names the deputies and units of a record for a department user, who may list neither', async () => {
    const read = await app.request('GET', `/api/admin/suggestions/${forRoads}`, { token: roadsUser });
    expectStatus(read, 200);
    expect(read.body.deputies).to.deep.equal([{ id: read.body.deputyIds[0], name: '王代表' }]);
    expect(read.body.departmentNames).to.deep.equal({ [roads]: '县交通运输局' });
    expectStatus(await app.request('GET', '/api/admin/deputies', { token: roadsUser }), 403);
  });

  it('lets a department user answer but not register, assign, transfer, rate or close', async () => {
    const body = { text: '修', category: '其他', region: { county: '红安县' }, deputyIds: ['0123456789abcdef01234567'] };
    expectStatus(await app.request('POST', '/api/admin/suggestions', { token: roadsUser, body }), 403);
    for (const step of ['sort', 'assign', 'transfer', 'rate', 'close', 'rehandle', 'escalate']) {
      expectStatus(await app.request('POST', `/api/admin/suggestions/${forRoads}/${step}`, { token: roadsUser, body: {} }), 403);
    }
    expectStatus(await app.request('POST', '/api/admin/departments', { token: roadsUser, body: {} }), 403);
    const answer = { text: '已修复', answerClass: 'A', meeting: { at: testDate('03-12T02:00:00Z').toISOString(), participants: '局长、王代表' } };
    expectStatus(await app.request('POST', `/api/admin/suggestions/${forWater}/answer`, { token: roadsUser, body: answer }), 403);
    expectStatus(await app.request('POST', `/api/admin/suggestions/${forRoads}/answer`, { token: roadsUser, body: answer }), 200);
  });

  it('keeps other staff roles and anonymous callers out', async () => {
    const editor = await app.loginAs('editor');
    const organizer = await app.loginAs('organizer');
    for (const token of [editor.token, organizer.token]) {
      expectStatus(await app.request('GET', '/api/admin/suggestions', { token }), 403);
      expectStatus(await app.request('GET', '/api/admin/departments', { token }), 403);
    }
    expectStatus(await app.request('GET', '/api/admin/suggestions'), 401);
    expectStatus(await app.request('GET', `/api/admin/suggestions/${forRoads}`), 401);
  });
});
