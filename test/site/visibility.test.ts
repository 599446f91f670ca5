/**
 * Only published, not deleted items are ever visible — on pages, in lists, the feed, the sitemap, search and the
 * public JSON API — and no private field (phones, reviewer comments, revision data) appears anywhere.
 */
import { expect } from 'chai';
import { startTestApp, type TestApp } from '../support/app';
import * as hooks from '../../src/content/publication-hooks';
import { contentService, reviewer, editor, seed, type Stage } from './support';

const HIDDEN_STAGES: Stage[] = ['draft', 'in_review', 'approved', 'scheduled', 'withdrawn', 'archived', 'deleted'];
const PHONE = '13912345678';
const REVIEW_COMMENT = '审核意见-内部-XYZ';

describe('microsite visibility', () => {
  let app: TestApp;
  const hidden: { stage: Stage; slug: string; title: string }[] = [];
  let deputySlug: string;
  let articleSlug: string;

  before(async () => {
    app = await startTestApp({ name: 'site_visibility' });
    for (const stage of HIDDEN_STAGES) {
      const title = `隐藏稿件${stage}脱贫`;
      const item = await seed(app, 'article', { title, body: `内容 ${stage}` }, stage);
      hidden.push({ stage, slug: item.slug, title });
    }
    const deputy = await seed(app, 'deputy', { name: '李秀英', level: 'county', story: '扎根基层二十年。', phones: [PHONE], region: { county: '青秀区' } });
    deputySlug = deputy.slug;

    // Rejected once with a reviewer comment, edited (a revision), then published.
    const content = contentService(app);
    const created = (await content.create('article', { title: '代表走访脱贫户', body: '第一稿', relatedDeputyIds: [deputy.id] }, editor)) as { id: string };
    await content.act('article', created.id, 'submit', editor, {});
    await content.act('article', created.id, 'reject', reviewer, { comment: REVIEW_COMMENT });
    const current = (await content.get('article', created.id, editor)) as { version: number };
    await content.update('article', created.id, { version: current.version, body: '修改后的正文：代表走访脱贫户。' }, editor);
    const published = await seed(app, 'article', { title: '另一篇已发布' });
    articleSlug = ((await content.get('article', created.id, editor)) as { slug: string }).slug;
    await content.act('article', created.id, 'submit', editor, {});
    await content.act('article', created.id, 'approve', reviewer, {});
    await hooks.markPublished('article', created.id);
    expect(published.slug).to.be.a('string');
  });
  after(async () => app?.close());

  it('answers 404 (the friendly page) for every unpublished state, on the page and in the JSON API', async () => {
    for (const { stage, slug } of hidden) {
      const page = await app.request('GET', `/news/${slug}`);
      expect(page.status, `page of a ${stage} article`).to.equal(404);
      expect(page.text).to.contain('页面未找到');
      const api = await app.request('GET', `/api/public/news/${slug}`);
      expect(api.status, `JSON of a ${stage} article`).to.equal(404);
      expect(api.body.error.code).to.equal('not_found');
    }
  });

  it('lists, feed, sitemap, search and home never mention unpublished items', async () => {
    const surfaces = ['/', '/news', '/feed.xml', '/sitemap.xml', `/search?q=${encodeURIComponent('脱贫')}`, '/api/public/news', `/api/public/search?q=${encodeURIComponent('脱贫')}`];
    for (const path of surfaces) {
      const res = await app.request('GET', path);
      expect(res.status, path).to.equal(200);
      for (const { stage, slug, title } of hidden) {
        expect(res.text, `${path} shows the ${stage} item`).not.to.contain(slug);
        expect(res.text, `${path} shows the ${stage} title`).not.to.contain(title);
      }
    }
    // The published one is there, so the check above looked at real lists.
    const search = await app.request('GET', `/search?q=${encodeURIComponent('脱贫')}`);
    expect(search.text).to.contain(articleSlug);
  });

  it('shows no private field anywhere: phones, reviewer comments, editor names, revision data', async () => {
    const paths = [
      `/deputies/${deputySlug}`,
      '/deputies',
      `/news/${articleSlug}`,
      '/news',
      '/',
      '/feed.xml',
      '/sitemap.xml',
      `/search?q=${encodeURIComponent('李秀英')}`,
      `/api/public/deputies/${deputySlug}`,
      '/api/public/deputies',
      `/api/public/news/${articleSlug}`,
      '/api/public/news',
      `/api/public/search?q=${encodeURIComponent('代表')}`,
    ];
    for (const path of paths) {
      const res = await app.request('GET', path);
      expect(res.status, path).to.equal(200);
      for (const secret of [PHONE, REVIEW_COMMENT, '第一稿', editor.name!, reviewer.name!, editor.id!, reviewer.id!]) {
        expect(res.text, `${path} leaks ${secret}`).not.to.contain(secret);
      }
      if (path.startsWith('/api/')) {
        for (const field of ['"phones"', '"status"', '"version"', '"createdBy"', '"updatedBy"', '"submittedBy"', '"approvedBy"', '"deletedAt"', '"body"', '"story"']) {
          expect(res.text, `${path} has field ${field}`).not.to.contain(field);
        }
      }
    }
    const profile = await app.request('GET', `/deputies/${deputySlug}`);
    expect(profile.text).to.contain('扎根基层二十年');
  });

  it('leaves no trace of unpublished items an article or deputy refers to, on the page or in the JSON', async () => {
    const draftDeputy = await seed(app, 'deputy', { name: '草稿代表', level: 'township', story: '未发布' }, 'draft');
    const draftGroup = await seed(app, 'group', { name: '草稿代表小组' }, 'draft');
    const draftCase = await seed(app, 'case', { title: '草稿案例', caseKind: 'group_activity', body: '未发布' }, 'draft');
    const article = await seed(app, 'article', {
      title: '提到草稿的稿件',
      body: '内容',
      relatedDeputyIds: [draftDeputy.id],
      relatedGroupIds: [draftGroup.id],
      relatedCaseIds: [draftCase.id],
    });
    const deputy = await seed(app, 'deputy', { name: '属于草稿小组的代表', level: 'township', story: '事迹', groupId: draftGroup.id });
    const paths = [`/news/${article.slug}`, `/api/public/news/${article.slug}`, `/deputies/${deputy.slug}`, `/api/public/deputies/${deputy.slug}`];
    for (const path of paths) {
      const res = await app.request('GET', path);
      expect(res.status, path).to.equal(200);
      for (const hiddenItem of [draftDeputy, draftGroup, draftCase]) {
        expect(res.text, `${path} names an unpublished item`).not.to.contain(hiddenItem.id).and.not.to.contain(hiddenItem.slug);
      }
    }
  });

  it('rejects unknown query fields on the public API and keeps its JSON 404', async () => {
    const bad = await app.request('GET', '/api/public/news?status=draft');
    expect(bad.status).to.equal(400);
    expect(bad.body.error.code).to.equal('validation_failed');
    const missing = await app.request('GET', '/api/public/nothing-here');
    expect(missing.status).to.equal(404);
    expect(missing.body).to.deep.equal({ error: { code: 'not_found', message: '未找到', details: null } });
  });
});
