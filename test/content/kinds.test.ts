import { expect } from 'chai';
import type { TestApp } from '../support/app';
import * as hooks from '../../src/content/publication-hooks';
import { getPublishedById, getPublishedBySlug, listPublished, relatedFor } from '../../src/content/public-queries';
import { expectStatus, problemFields, startContentApp, type Users } from './support';

describe('content: deputies, groups and cases', () => {
  let app: TestApp;
  let users: Users;
  before(async () => {
    ({ app, users } = await startContentApp('content_kinds'));
  });
  after(() => app.close());

  const publish = async (family: string, kind: 'deputy' | 'group' | 'case' | 'article', id: string) => {
    expectStatus(await app.request('POST', `/api/admin/${family}/${id}/submit`, { token: users.editor }), 200);
    expectStatus(await app.request('POST', `/api/admin/${family}/${id}/approve`, { token: users.reviewer }), 200);
    await hooks.markPublished(kind, id);
  };

  it('deputy: level required and checked, phones kept for admins and never public', async () => {
    const missing = await app.request('POST', '/api/admin/deputies', { token: users.editor, body: { name: '李明' } });
    expectStatus(missing, 400);
    expect(problemFields(missing)).to.deep.equal(['body.level']);
    const wrong = await app.request('POST', '/api/admin/deputies', { token: users.editor, body: { name: '李明', level: 'province', phones: ['abc'] } });
    expect(problemFields(wrong)).to.have.members(['body.level', 'body.phones.0']);

    const res = await app.request('POST', '/api/admin/deputies', {
      token: users.editor,
      body: {
        name: '李明',
        level: 'county',
        region: { county: '盘州市', township: '淤泥乡' },
        occupation: '生态农场负责人',
        story: '带动 **32 户**贫困户增收。',
        highlights: [{ label: '带动贫困户', value: '32户' }],
        phones: ['13800138000'],
      },
    });
    expectStatus(res, 201);
    expect(res.body.slug).to.equal('li-ming');
    expect(res.body.phones).to.deep.equal(['138****8000']); // even its author sees it masked
    const list = await app.request('GET', '/api/admin/deputies?level=county', { token: users.organizer });
    expect(list.body.items).to.have.length(1);
    expect(list.body.items[0]).to.not.have.property('phones');

    await publish('deputies', 'deputy', res.body.id);
    const pub = await getPublishedBySlug('deputy', 'li-ming');
    expect(pub).to.include({ name: '李明', level: 'county', levelLabel: '县级人大代表', path: '/deputies/li-ming' });
    expect(pub!.html).to.contain('<strong>32 户</strong>');
    expect(JSON.stringify(pub)).to.not.contain('13800138000');
    const page = await listPublished('deputy', { level: 'county', region: '淤泥乡' });
    expect(page.total).to.equal(1);
    expect(JSON.stringify(page)).to.not.contain('13800138000');
    expect((await listPublished('deputy', { level: 'city' })).total).to.equal(0);
  });

  it("masks deputies' phones for all but admins, in the item and its revisions; a reveal is explicit and audited", async () => {
    const created = await app.request('POST', '/api/admin/deputies', { token: users.editor, body: { name: '王芳', level: 'township', phones: ['139 0013 9000'] } });
    expectStatus(created, 201);
    const id = created.body.id;
    for (const token of [users.editor, users.reviewer, users.organizer]) {
      const one = await app.request('GET', `/api/admin/deputies/${id}`, { token });
      expect(one.body.phones).to.deep.equal(['139****9000']);
      const rev = await app.request('GET', `/api/admin/deputies/${id}/revisions/1`, { token });
      expect(rev.body.data.phones).to.deep.equal(['139****9000']);
      expect(JSON.stringify([one.body, rev.body])).not.to.contain('00139000');
    }
    expect((await app.request('GET', `/api/admin/deputies/${id}`, { token: users.admin })).body.phones).to.deep.equal(['139 0013 9000']);
    expect((await app.request('GET', `/api/admin/deputies/${id}/revisions/1`, { token: users.admin })).body.data.phones).to.deep.equal(['139 0013 9000']);

    expectStatus(await app.request('POST', `/api/admin/deputies/${id}/phones/reveal`, { token: users.editor, body: { reason: '核对' } }), 403);
    expectStatus(await app.request('POST', `/api/admin/deputies/${id}/phones/reveal`, { token: users.organizer, body: {} }), 400);
    const revealed = await app.request('POST', `/api/admin/deputies/${id}/phones/reveal`, { token: users.organizer, body: { reason: '电话通知参会' } });
    expectStatus(revealed, 200);
    expect(revealed.body.phones).to.deep.equal(['139 0013 9000']);
    expectStatus(await app.request('GET', `/api/admin/deputies/${id}/phones/reveals`, { token: users.organizer }), 403);
    const audit = await app.request('GET', `/api/admin/deputies/${id}/phones/reveals`, { token: users.admin });
    expect(audit.body.items).to.have.length(1);
    expect(audit.body.items[0]).to.include({ by: users.ids.organizer, role: 'organizer', reason: '电话通知参会' });
  });

  it('group: members and activity records, linked profiles shown when published', async () => {
    const deputy = (await app.request('GET', '/api/admin/deputies?level=county', { token: users.editor })).body.items[0];
    const bad = await app.request('POST', '/api/admin/groups', {
      token: users.editor,
      body: { name: '小组', activities: [{ date: 'yesterday', theme: '调研' }], members: [{ name: '王', extra: 1 }] },
    });
    expectStatus(bad, 400);
    expect(problemFields(bad)).to.have.members(['body.activities.0.date', 'body.members.0.extra']);

    const res = await app.request('POST', '/api/admin/groups', {
      token: users.editor,
      body: {
        name: '淤泥乡第一代表小组',
        region: { county: '盘州市', township: '淤泥乡' },
        roomAddress: '淤泥乡人大代表之家',
        members: [
          { name: '李明', deputyId: deputy.id, level: 'county', role: '组长' },
          { name: '张华', level: 'township' },
        ],
        activities: [
          { date: '2026-03-02', theme: '入户走访脱贫户', participants: '12名代表', outcomes: '收集建议8条' },
          { date: '2026-04-10T09:00:00+08:00', theme: '集中视察产业园' },
        ],
      },
    });
    expectStatus(res, 201);
    expect(res.body.activities[0].date).to.equal('2026-03-01T16:00:00.000Z');
    await publish('groups', 'group', res.body.id);
    const pub = await getPublishedById('group', res.body.id);
    expect(pub!.memberCount).to.equal(2);
    expect(pub!.members[0]).to.include({ name: '李明', deputyPath: '/deputies/li-ming' });
    expect(pub!.members[1].deputyPath).to.equal(undefined);
    expect(pub!.activities.map((a) => a.theme)).to.deep.equal(['集中视察产业园', '入户走访脱贫户']);
    const related = await relatedFor('group', res.body.id);
    expect(related.deputies.map((d) => d.name)).to.deep.equal(['李明']);
  });

  it('case: kind required, figures, related items in both directions', async () => {
    const deputy = (await app.request('GET', '/api/admin/deputies?level=county', { token: users.editor })).body.items[0];
    const bad = await app.request('POST', '/api/admin/cases', { token: users.editor, body: { title: '模式', caseKind: 'other' } });
    expect(problemFields(bad)).to.deep.equal(['body.caseKind']);
    const res = await app.request('POST', '/api/admin/cases', {
      token: users.editor,
      body: {
        title: '常委会组织代表集中视察',
        caseKind: 'standing_committee',
        summary: '县人大常委会组织代表视察扶贫项目。',
        figures: [{ label: '办理代表建议', value: '326件' }],
        relatedDeputyIds: [deputy.id],
      },
    });
    expectStatus(res, 201);
    await publish('cases', 'case', res.body.id);
    const cases = await listPublished('case', { caseKind: 'standing_committee' });
    expect(cases.items[0]).to.include({ caseKindLabel: '常委会组织模式', title: '常委会组织代表集中视察' });
    expect(cases.items[0].figures).to.deep.equal([{ label: '办理代表建议', value: '326件' }]);
    expect((await relatedFor('deputy', deputy.id)).cases.map((c) => c.title)).to.deep.equal(['常委会组织代表集中视察']);

    const content = await hooks.toPublishableContent('case', res.body.id, 'https://example.org');
    expect(content).to.include({ kind: 'case', title: '常委会组织代表集中视察', url: `https://example.org/cases/${res.body.slug}` });
    expect(Array.from(content.digest).length).to.be.at.most(120);
  });
});
