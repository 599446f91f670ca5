import { expect } from 'chai';
import type { TestApp } from '../support/app';
import * as hooks from '../../src/content/publication-hooks';
import { adjacentArticles, articlePage, getPublishedBySlug, latestPublished, listPublished, recordViews, relatedFor, searchPublished } from '../../src/content/public-queries';
import { expectStatus, startContentApp, type Users } from './support';

describe('content: public queries', () => {
  let app: TestApp;
  let users: Users;
  const ids: Record<string, string> = {};
  before(async () => {
    ({ app, users } = await startContentApp('content_public'));
    const make = async (key: string, body: Record<string, unknown>, publishAt?: string) => {
      const res = await app.request('POST', '/api/admin/articles', { token: users.editor, body });
      expectStatus(res, 201);
      ids[key] = res.body.id;
      if (publishAt) {
        await app.request('POST', `/api/admin/articles/${res.body.id}/submit`, { token: users.editor });
        await app.request('POST', `/api/admin/articles/${res.body.id}/approve`, { token: users.reviewer });
        await hooks.markPublished('article', res.body.id, new Date(publishAt));
      }
    };
    await make('old', { title: '代表建议办理情况通报', body: '县人大常委会交办代表建议326件。', topics: ['代表建议'] }, '2026-01-01T00:00:00Z');
    await make('mid', { title: '生态农场带富乡亲', body: '农场吸纳贫困户就业，代表建议落地见效。', topics: ['产业扶贫'] }, '2026-02-01T00:00:00Z');
    await make('new', { title: '全区贫困村全部出列', body: '脱贫攻坚取得决定性胜利。', topics: ['产业扶贫'], featured: true }, '2026-03-01T00:00:00Z');
    await make('draft', { title: '代表建议草稿', body: '未发布' });
  });
  after(() => app.close());

  it('shows only published items, newest first, with filters', async () => {
    const page = await listPublished('article', {});
    expect(page.items.map((i) => i.title)).to.deep.equal(['全区贫困村全部出列', '生态农场带富乡亲', '代表建议办理情况通报']);
    expect(page.items[0]).to.not.have.property('html');
    expect((await listPublished('article', { topic: '产业扶贫' })).total).to.equal(2);
    expect((await listPublished('article', { featured: true })).items.map((i) => i.id)).to.deep.equal([ids.new]);
    expect((await latestPublished('article', 2)).map((i) => i.id)).to.deep.equal([ids.new, ids.mid]);
    const draft = (await app.request('GET', `/api/admin/articles/${ids.draft}`, { token: users.editor })).body;
    expect(await getPublishedBySlug('article', draft.slug)).to.equal(null);
  });

  it('searches by substring, title matches first, escaping regex characters', async () => {
    const res = await searchPublished('代表建议', { page: 1, pageSize: 10 });
    expect(res.items.map((i) => i.id)).to.deep.equal([ids.old, ids.mid]);
    expect(res.total).to.equal(2);
    expect((await searchPublished('.*', {})).total).to.equal(0);
    expect((await searchPublished('(', {})).total).to.equal(0);
    expect((await searchPublished('', {})).total).to.equal(0);
  });

  it('gives previous and next articles in publication order', async () => {
    const adj = await adjacentArticles(ids.mid);
    expect(adj.previous?.id).to.equal(ids.old);
    expect(adj.next?.id).to.equal(ids.new);
    expect(await adjacentArticles(ids.draft)).to.deep.equal({});
  });

  it('loads an article page in one go exactly as the item, related and neighbour queries do one by one', async () => {
    for (const key of ['old', 'mid', 'new']) {
      const slug = (await app.request('GET', `/api/admin/articles/${ids[key]}`, { token: users.editor })).body.slug;
      const page = await articlePage(slug);
      expect(page, key).to.deep.equal({ item: await getPublishedBySlug('article', slug), related: await relatedFor('article', ids[key]), adjacent: await adjacentArticles(ids[key]) });
    }
    const mid = (await app.request('GET', `/api/admin/articles/${ids.mid}`, { token: users.editor })).body.slug;
    expect((await articlePage(mid))!.related.articles.map((a) => a.id)).to.deep.equal([ids.new]);
    const draft = (await app.request('GET', `/api/admin/articles/${ids.draft}`, { token: users.editor })).body.slug;
    expect(await articlePage(draft)).to.equal(null);
  });

  it('adds page views in batches, visible to admins', async () => {
    const now = app.service.services.clock.now();
    await recordViews('article', { [ids.new]: 5, 'not-an-id': 3 }, now);
    await recordViews('article', new Map([[ids.new, 2]]), now);
    const views = await app.request('GET', `/api/admin/articles/${ids.new}/views`, { token: users.organizer });
    expect(views.body).to.deep.equal({ id: ids.new, viewCount: 7 });
    expect((await latestPublished('article', 1))[0].viewCount).to.equal(7);
  });

  it('withdrawing takes an item out of every public query', async () => {
    expectStatus(await app.request('POST', `/api/admin/articles/${ids.old}/withdraw`, { token: users.reviewer }), 200);
    expect((await listPublished('article', {})).total).to.equal(2);
    expect((await searchPublished('代表建议', {})).items.map((i) => i.id)).to.deep.equal([ids.mid]);
  });
});
