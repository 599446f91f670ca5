import { expect } from 'chai';
import type { TestApp } from '../support/app';
import * as hooks from '../../src/content/publication-hooks';
import { expectStatus, problemFields, startContentApp, type Users } from './support';

describe('content: articles admin API', () => {
  let app: TestApp;
  let users: Users;
  before(async () => {
    ({ app, users } = await startContentApp('content_articles'));
  });
  after(() => app.close());

  const create = (body: unknown, token = users.editor) => app.request('POST', '/api/admin/articles', { token, body });

  it('creates a draft with a pinyin slug, an automatic digest and version 1', async () => {
    const res = await create({
      title: '脱贫攻坚',
      body: '# 代表在行动\n\n全区**32个**贫困村全部出列。' + '各级人大代表积极履职。'.repeat(30),
      region: { city: '六盘水市', county: '钟山区' },
      topics: ['脱贫攻坚'],
    });
    expectStatus(res, 201);
    expect(res.body).to.include({ title: '脱贫攻坚', slug: 'tuo-pin-gong-jian', status: 'draft', version: 1, viewCount: 0, digestAuto: true });
    expect(Array.from(res.body.digest as string).length).to.be.at.most(120);
    expect(res.body.digest).to.match(/^代表在行动 全区32个贫困村全部出列。/);
    expect(res.body.regionKeys).to.deep.equal(['六盘水市', '钟山区']);
    expect(res.body.createdBy).to.equal(users.ids.editor);

    const again = await create({ title: '脱贫攻坚' });
    expectStatus(again, 201);
    expect(again.body.slug).to.equal('tuo-pin-gong-jian-2');

    const read = await app.request('GET', `/api/admin/articles/${res.body.id}`, { token: users.organizer });
    expectStatus(read, 200);
    expect(read.body.body).to.contain('贫困村');
  });

  it('keeps an editor-written digest and refuses one over 120 characters', async () => {
    const res = await create({ title: '摘要测试', digest: '自定义摘要', body: '正文' });
    expectStatus(res, 201);
    expect(res.body).to.include({ digest: '自定义摘要', digestAuto: false });
    const long = await create({ title: '摘要过长', digest: '长'.repeat(121) });
    expectStatus(long, 400);
    expect(problemFields(long)).to.deep.equal(['body.digest']);
  });

  it('a null digest hands the digest back to the body, also when the body changes in the same save', async () => {
    const { body: a } = await create({ title: '摘要交还', digest: '手写摘要', body: '旧正文' });
    const res = await app.request('PATCH', `/api/admin/articles/${a.id}`, { token: users.editor, body: { version: 1, body: '新的正文内容', digest: null } });
    expectStatus(res, 200);
    expect(res.body).to.include({ digest: '新的正文内容', digestAuto: true, version: 2 });
  });

  it('refuses missing fields, wrong types and unknown fields, naming each', async () => {
    const res = await create({ body: 42, colour: 'red', topics: 'x' });
    expectStatus(res, 400);
    expect(res.body.error.code).to.equal('validation_failed');
    expect(problemFields(res)).to.have.members(['body.title', 'body.body', 'body.colour', 'body.topics']);
  });

  it('refuses NoSQL operator objects in the body, the query and the path', async () => {
    const inBody = await create({ title: { $gt: '' } });
    expectStatus(inBody, 400);
    expect(problemFields(inBody)).to.deep.equal(['body.title']);

    const nested = await create({ title: '好', region: { city: { $ne: null } } });
    expectStatus(nested, 400);
    expect(problemFields(nested)).to.deep.equal(['body.region.city']);

    const inQuery = await app.request('GET', '/api/admin/articles?status[$ne]=draft', { token: users.editor });
    expectStatus(inQuery, 400);
    expect(problemFields(inQuery)).to.deep.equal(['query.status[$ne]']);

    const repeated = await app.request('GET', '/api/admin/articles?q=a&q=b', { token: users.editor });
    expectStatus(repeated, 400);
    expect(problemFields(repeated)).to.deep.equal(['query.q']);

    const regexy = await app.request('GET', `/api/admin/articles?q=${encodeURIComponent('.*(')}`, { token: users.editor });
    expectStatus(regexy, 200);
    expect(regexy.body.items).to.have.length(0);

    const badId = await app.request('GET', '/api/admin/articles/not-an-id', { token: users.editor });
    expectStatus(badId, 400);
    expect(problemFields(badId)).to.deep.equal(['params.id']);

    const missing = await app.request('GET', '/api/admin/articles/0123456789abcdef01234567', { token: users.editor });
    expectStatus(missing, 404);

    const badRef = await create({ title: '引用', relatedDeputyIds: ['0123456789abcdef01234567'] });
    expectStatus(badRef, 400);
    expect(problemFields(badRef)).to.deep.equal(['body.relatedDeputyIds']);
  });

  it('updates with the base version and refuses a stale one with 409, losing nothing', async () => {
    const { body: a } = await create({ title: '并发修改', body: '原文' });
    const first = await app.request('PATCH', `/api/admin/articles/${a.id}`, { token: users.editor, body: { version: 1, body: '小王的修改' } });
    expectStatus(first, 200);
    expect(first.body.version).to.equal(2);
    const second = await app.request('PATCH', `/api/admin/articles/${a.id}`, { token: users.editor2, body: { version: 1, body: '小张的修改' } });
    expectStatus(second, 409);
    expect(second.body.error.code).to.equal('version_conflict');
    expect(second.body.error.details.currentVersion).to.equal(2);
    const read = await app.request('GET', `/api/admin/articles/${a.id}`, { token: users.editor });
    expect(read.body.body).to.equal('小王的修改');

    const noVersion = await app.request('PATCH', `/api/admin/articles/${a.id}`, { token: users.editor, body: { body: 'x' } });
    expectStatus(noVersion, 400);
    expect(problemFields(noVersion)).to.deep.equal(['body.version']);
  });

  it('lets null clear an optional field but never the title', async () => {
    const { body: a } = await create({ title: '清空字段', byline: '记者 张三' });
    const cleared = await app.request('PATCH', `/api/admin/articles/${a.id}`, { token: users.editor, body: { version: 1, byline: null } });
    expectStatus(cleared, 200);
    expect(cleared.body).to.not.have.property('byline');
    const noTitle = await app.request('PATCH', `/api/admin/articles/${a.id}`, { token: users.editor, body: { version: 2, title: null } });
    expectStatus(noTitle, 400);
  });

  it('refuses writes from roles that may only read', async () => {
    expectStatus(await create({ title: '组织者' }, users.organizer), 403);
    expectStatus(await create({ title: '审核员' }, users.reviewer), 403);
    expectStatus(await app.request('GET', '/api/admin/articles'), 401);
    expectStatus(await create({ title: '管理员' }, users.admin), 201);
  });

  it('deletes softly, keeping the history; only an admin purges, and the purge is recorded', async () => {
    const { body: a } = await create({ title: '删除草稿' });
    const del = await app.request('DELETE', `/api/admin/articles/${a.id}`, { token: users.editor });
    expectStatus(del, 200);
    expect(del.body).to.deep.equal({ deleted: 'soft' });
    const list = await app.request('GET', '/api/admin/articles?q=删除草稿', { token: users.editor });
    expect(list.body.items).to.have.length(0);
    const history = await app.request('GET', `/api/admin/articles/${a.id}/transitions`, { token: users.editor });
    expect(history.body.items.map((t: { action: string }) => t.action)).to.deep.equal(['create', 'delete']);
    expectStatus(await app.request('GET', `/api/admin/articles/${a.id}/revisions`, { token: users.editor }), 200);

    expectStatus(await app.request('POST', `/api/admin/articles/${a.id}/purge`, { token: users.reviewer, body: { reason: '重复稿件' } }), 403);
    expectStatus(await app.request('POST', `/api/admin/articles/${a.id}/purge`, { token: users.admin, body: {} }), 400); // a reason is required
    expectStatus(await app.request('POST', `/api/admin/articles/${a.id}/purge`, { token: users.admin, body: { reason: '重复稿件' } }), 200);
    expectStatus(await app.request('GET', `/api/admin/articles/${a.id}`, { token: users.editor }), 404);
    const trail = await app.request('GET', `/api/admin/articles/${a.id}/transitions`, { token: users.editor });
    expect(trail.body.items.map((t: { action: string }) => t.action)).to.deep.equal(['create', 'delete', 'purge']);
    expect(trail.body.items[2]).to.include({ by: users.ids.admin, comment: '重复稿件' });
  });

  it("lets editors change only their own items, until a reviewer hands one over", async () => {
    const { body: a } = await create({ title: '小王的稿子' });
    const patch = (token: string, version: number) => app.request('PATCH', `/api/admin/articles/${a.id}`, { token, body: { version, title: `小王的稿子 v${version + 1}` } });
    expect((await patch(users.editor2, 1)).body.error.code).to.equal('not_owner');
    expect((await app.request('POST', `/api/admin/articles/${a.id}/submit`, { token: users.editor2 })).body.error.code).to.equal('not_owner');
    expect((await app.request('DELETE', `/api/admin/articles/${a.id}`, { token: users.editor2 })).body.error.code).to.equal('not_owner');
    expectStatus(await app.request('POST', `/api/admin/articles/${a.id}/owner`, { token: users.editor, body: { ownerId: users.ids.editor2 } }), 403);
    for (const ownerId of [users.ids.organizer, '0123456789abcdef01234567']) {
      const wrong = await app.request('POST', `/api/admin/articles/${a.id}/owner`, { token: users.reviewer, body: { ownerId } });
      expectStatus(wrong, 400);
      expect(wrong.body.error.details[0].field).to.equal('body.ownerId');
    }
    const handed = await app.request('POST', `/api/admin/articles/${a.id}/owner`, { token: users.reviewer, body: { ownerId: users.ids.editor2 } });
    expectStatus(handed, 200);
    expect(handed.body.ownerId).to.equal(users.ids.editor2);
    expectStatus(await patch(users.editor2, 1), 200);
    expect((await patch(users.editor, 2)).body.error.code).to.equal('not_owner');
    const history = await app.request('GET', `/api/admin/articles/${a.id}/transitions`, { token: users.editor });
    expect(history.body.items.map((t: { action: string }) => t.action)).to.include('reassign');
  });

  describe('list', () => {
    before(async () => {
      for (let i = 0; i < 7; i++) {
        await create({
          title: `列表文章${i}`,
          region: { county: i % 2 ? '盘州市' : '水城区', township: i % 2 ? '淤泥乡' : undefined },
          topics: i % 3 === 0 ? ['产业扶贫'] : ['代表建议'],
          featured: i === 0,
        });
      }
    });

    it('filters by region at any level, topic, text and featured', async () => {
      const get = async (qs: string) => {
        const res = await app.request('GET', `/api/admin/articles?${qs}`, { token: users.organizer });
        expectStatus(res, 200);
        return res.body as { items: { title: string }[]; total: number };
      };
      expect((await get('region=盘州市')).total).to.equal(3);
      expect((await get('region=淤泥乡')).total).to.equal(3);
      expect((await get('topic=产业扶贫')).total).to.equal(3);
      expect((await get('tag=产业扶贫&region=水城区')).total).to.equal(2);
      expect((await get('q=列表文章')).total).to.equal(7);
      expect((await get('featured=true')).items.map((i) => i.title)).to.deep.equal(['列表文章0']);
      expect((await get('status=published')).total).to.equal(0);
    });

    it('sorts and pages by page number or by cursor, with the same results', async () => {
      const byPage: string[] = [];
      for (let page = 1; page <= 4; page++) {
        const res = await app.request('GET', `/api/admin/articles?q=列表文章&sort=title&pageSize=2&page=${page}`, { token: users.editor });
        byPage.push(...res.body.items.map((i: { title: string }) => i.title));
      }
      expect(byPage).to.deep.equal([0, 1, 2, 3, 4, 5, 6].map((i) => `列表文章${i}`));
      const byCursor: string[] = [];
      let cursor = '';
      for (;;) {
        const res = await app.request('GET', `/api/admin/articles?q=列表文章&sort=title&pageSize=3${cursor ? `&cursor=${cursor}` : ''}`, { token: users.editor });
        expectStatus(res, 200);
        byCursor.push(...res.body.items.map((i: { title: string }) => i.title));
        if (!res.body.nextCursor) break;
        cursor = res.body.nextCursor;
      }
      expect(byCursor).to.deep.equal(byPage);
      const newest = await app.request('GET', '/api/admin/articles?pageSize=1', { token: users.editor });
      expect(newest.body.items[0]).to.not.have.property('body');
      const bad = await app.request('GET', '/api/admin/articles?cursor=abc', { token: users.editor });
      expectStatus(bad, 400);
      expect(problemFields(bad)).to.deep.equal(['query.cursor']);
      const badSort = await app.request('GET', '/api/admin/articles?sort=password', { token: users.editor });
      expectStatus(badSort, 400);
    });

    it('pages by cursor on ±publishedAt across items never published (no publishedAt), like page paging', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) ids.push((await create({ title: `发布排序${i}` })).body.id);
      for (const [n, id] of ids.slice(0, 2).entries()) {
        expectStatus(await app.request('POST', `/api/admin/articles/${id}/submit`, { token: users.editor }), 200);
        expectStatus(await app.request('POST', `/api/admin/articles/${id}/approve`, { token: users.reviewer }), 200);
        await hooks.markPublished('article', id, new Date(Date.UTC(2026, 2, 1 + n)));
      }
      for (const sort of ['publishedAt', '-publishedAt']) {
        const byPage: string[] = [];
        for (let page = 1; page <= 4; page++) {
          const res = await app.request('GET', `/api/admin/articles?q=发布排序&sort=${sort}&pageSize=1&page=${page}`, { token: users.editor });
          byPage.push(...res.body.items.map((i: { title: string }) => i.title));
        }
        expect(byPage, sort).to.have.length(4);
        const byCursor: string[] = [];
        let cursor = '';
        for (let guard = 0; guard < 10; guard++) {
          const res = await app.request('GET', `/api/admin/articles?q=发布排序&sort=${sort}&pageSize=1${cursor ? `&cursor=${cursor}` : ''}`, { token: users.editor });
          expectStatus(res, 200);
          byCursor.push(...res.body.items.map((i: { title: string }) => i.title));
          if (!res.body.nextCursor) break;
          cursor = res.body.nextCursor;
        }
        expect(byCursor, sort).to.deep.equal(byPage);
        // Published first when newest first; never-published (no date) first when oldest first.
        if (sort === '-publishedAt') expect(byPage.slice(0, 2)).to.deep.equal(['发布排序1', '发布排序0']);
        else expect(byPage.slice(2)).to.deep.equal(['发布排序0', '发布排序1']);
      }
    });
  });
});
