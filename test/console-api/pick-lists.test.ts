import { expect } from 'chai';
import { startTestApp, type TestApp } from '../support/app';

describe('pick lists: regions, topics, people, author filter', () => {
  let app: TestApp;
  let editor: { token: string; userId: string };
  let editor2: { token: string; userId: string };
  let organizer: { token: string };
  let admin: { token: string };

  before(async () => {
    app = await startTestApp({ name: 'console-pick-lists' });
    [editor, editor2, organizer, admin] = await Promise.all([
      app.loginAs('editor', '编辑小王'),
      app.loginAs('editor', '编辑小张'),
      app.loginAs('organizer', '组织者老赵'),
      app.loginAs('admin', '管理员'),
    ]);
    const create = async (token: string, path: string, body: unknown) => {
      const res = await app.request('POST', path, { token, body });
      expect(res.status, res.text).to.equal(201);
    };
    await create(editor.token, '/api/admin/articles', { title: '甲', body: '正文', region: { city: '临川市', county: '东乡区', township: '红星镇' }, topics: ['乡村振兴', '民生实事'] });
    await create(editor.token, '/api/admin/articles', { title: '乙', body: '正文', region: { city: '临川市', county: '东乡区' }, topics: ['乡村振兴'] });
    await create(editor2.token, '/api/admin/cases', { title: '丙', body: '正文', caseKind: 'group_activity', region: { city: '临川市', county: '西岭县' }, topics: ['基层治理'] });
  });
  after(() => app.close());

  it('lists the regions in use as a tree with counts', async () => {
    const res = await app.request('GET', '/api/admin/regions', { token: organizer.token });
    expect(res.status, res.text).to.equal(200);
    expect(res.body.items).to.have.length(1);
    const city = res.body.items[0];
    expect(city).to.include({ name: '临川市', count: 3 });
    expect(city.children.map((c: any) => [c.name, c.count])).to.deep.equal([['东乡区', 2], ['西岭县', 1]]);
    expect(city.children[0].children).to.deep.equal([{ name: '红星镇', count: 1, children: [] }]);
  });

  it('lists the topics in use, most used first, filtered by ?q=', async () => {
    const all = await app.request('GET', '/api/admin/topics', { token: editor.token });
    expect(all.body.items[0]).to.deep.equal({ name: '乡村振兴', count: 2 });
    expect(all.body.items.map((t: any) => t.name)).to.have.members(['乡村振兴', '民生实事', '基层治理']);
    const some = await app.request('GET', '/api/admin/topics?q=治理', { token: editor.token });
    expect(some.body.items).to.deep.equal([{ name: '基层治理', count: 1 }]);
    expect((await app.request('GET', '/api/admin/topics?x=1', { token: editor.token })).status).to.equal(400);
  });

  it('gives every signed-in staff member the directory of names, and admins the filtered user list', async () => {
    const people = await app.request('GET', '/api/admin/people?q=编辑', { token: organizer.token });
    expect(people.status).to.equal(200);
    expect(people.body.items.map((p: any) => p.displayName).sort()).to.deep.equal(['编辑小张', '编辑小王']);
    expect(people.body.items[0]).to.have.keys(['id', 'username', 'displayName', 'role', 'disabled']);
    const byRole = await app.request('GET', '/api/admin/users?role=organizer', { token: admin.token });
    expect(byRole.body.items.map((u: any) => u.displayName)).to.deep.equal(['组织者老赵']);
    expect((await app.request('GET', '/api/admin/users?role=boss', { token: admin.token })).status).to.equal(400);
    expect((await app.request('GET', '/api/admin/people')).status).to.equal(401);
  });

  it('filters content lists by author, or by "mine"', async () => {
    const mine = await app.request('GET', '/api/admin/articles?mine=true', { token: editor.token });
    expect(mine.body.items.map((a: any) => a.title).sort()).to.deep.equal(['乙', '甲']);
    const theirs = await app.request('GET', `/api/admin/cases?createdBy=${editor2.userId}`, { token: editor.token });
    expect(theirs.body.items.map((a: any) => a.title)).to.deep.equal(['丙']);
    expect((await app.request('GET', `/api/admin/articles?createdBy=${editor2.userId}`, { token: editor.token })).body.items).to.deep.equal([]);
    const bad = await app.request('GET', '/api/admin/articles?createdBy=nobody', { token: editor.token });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.details[0].field).to.equal('query.createdBy');
  });
});
