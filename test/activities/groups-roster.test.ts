import { expect } from 'chai';
import type { TestApp } from '../support/app';
import { expectStatus, seedGroup, signIn, startActivitiesApp, type Town, type Users } from './support';

describe('activities: the groups a recorder works with, and their roll-call roster', function () {
  this.timeout(30_000);
  let app: TestApp;
  let users: Users;
  let mine: Town;
  let other: Town;

  before(async () => {
    ({ app } = await startActivitiesApp('activities-groups'));
    mine = await seedGroup('东岭一组', { county: '东岭县', township: '东岭镇' }, ['city', 'township', 'township'], { roomAddress: '镇代表之家', leaders: [0] });
    other = await seedGroup('西岭一组', { county: '东岭县', township: '西岭镇' }, ['county', 'township']);
    users = await signIn(app, [mine.groupId]);
  });
  after(() => app.close());

  it('gives a liaison the groups they look after, with every member to call, and nothing else', async () => {
    const res = await app.request('GET', '/api/admin/activity-groups', { token: users.liaison });
    expectStatus(res, 200);
    expect(res.body.items.map((g: any) => g.id)).to.deep.equal([mine.groupId]);
    const [group] = res.body.items;
    expect(group).to.include({ name: '东岭一组', roomAddress: '镇代表之家', mayRecord: true });
    expect(group.members.map((m: any) => m.id)).to.have.members(mine.deputyIds);
    expect(group.members.find((m: any) => m.id === mine.deputyIds[0])).to.include({ level: 'city', leader: true });
    // Asking for another group's roster gives a liaison nothing of it.
    const asked = await app.request('GET', `/api/admin/activity-groups?ids=${other.groupId}`, { token: users.liaison });
    expectStatus(asked, 200);
    expect(asked.body.items).to.deep.equal([]);
  });

  it('gives admins and readers the groups they name, saying who may record', async () => {
    const admin = await app.request('GET', `/api/admin/activity-groups?ids=${other.groupId},${mine.groupId}`, { token: users.admin });
    expectStatus(admin, 200);
    expect(admin.body.items.map((g: any) => g.id)).to.have.members([mine.groupId, other.groupId]);
    expect(admin.body.items.every((g: any) => g.mayRecord)).to.equal(true);
    const editor = await app.request('GET', `/api/admin/activity-groups?ids=${other.groupId}`, { token: users.editor });
    expectStatus(editor, 200);
    expect(editor.body.items[0]).to.include({ id: other.groupId, mayRecord: false });
    expect((await app.request('GET', '/api/admin/activity-groups', { token: users.editor })).body.items).to.deep.equal([]);
  });

  it('refuses an id that is not one, naming the field', async () => {
    const res = await app.request('GET', '/api/admin/activity-groups?ids=abc', { token: users.admin });
    expectStatus(res, 400);
    expect(res.body.error.details[0].field).to.equal('query.ids');
  });
});
