/**
 * The page cache: revalidation (304), and invalidation of exactly the pages that show an item when the workflow
 * publishes, edits or withdraws it — observed over HTTP, driven through the content service and publication hooks.
 */
import { expect } from 'chai';
import { get } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import mongoose, { Types } from 'mongoose';
import { Article } from '../../src/content/models/article';
import * as hooks from '../../src/content/publication-hooks';
import { VIEW_FLUSH_MS } from '../../src/site/module';
import { siteRuntime } from '../../src/site/runtime';
import { startTestApp, type TestApp } from '../support/app';
import { changeProcessed, contentService, editor, eventually, reviewer, seed } from './support';

/** A GET that keeps the raw bytes (fetch would decode them). */
function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

describe('microsite page cache', () => {
  let app: TestApp;

  before(async () => {
    app = await startTestApp({ name: 'site_cache' });
  });
  after(async () => app?.close());

  it('answers If-None-Match and If-Modified-Since with 304, and a changed validator with the page', async () => {
    const a = await seed(app, 'article', { title: '缓存验证稿件', body: '正文' });
    const first = await app.request('GET', `/news/${a.slug}`);
    expect(first.status).to.equal(200);
    const etag = first.headers.get('etag')!;
    const lastModified = first.headers.get('last-modified')!;
    expect(etag).to.match(/^"[A-Za-z0-9_-]+"$/);
    expect(new Date(lastModified).getTime()).to.be.greaterThan(0);
    expect(first.headers.get('cache-control')).to.equal('public, no-cache');

    const byEtag = await app.request('GET', `/news/${a.slug}`, { headers: { 'if-none-match': etag } });
    expect(byEtag.status).to.equal(304);
    expect(byEtag.text).to.equal('');
    expect(byEtag.headers.get('etag')).to.equal(etag);
    const byDate = await app.request('GET', `/news/${a.slug}`, { headers: { 'if-modified-since': lastModified } });
    expect(byDate.status).to.equal(304);
    const stale = await app.request('GET', `/news/${a.slug}`, { headers: { 'if-none-match': '"something-else"', 'if-modified-since': lastModified } });
    expect(stale.status, 'If-None-Match takes precedence over If-Modified-Since').to.equal(200);
    expect(stale.text).to.equal(first.text);
  });

  it('serves the cached page compressed as the client accepts, with its own validator per coding', async () => {
    const a = await seed(app, 'article', { title: '压缩传输稿件', body: '代表联系群众，'.repeat(300) });
    const url = `${app.url}/news/${a.slug}`;
    const plain = await rawGet(url, {});
    expect(plain.status).to.equal(200);
    expect(plain.headers['content-encoding']).to.equal(undefined);
    const html = plain.body.toString('utf8');
    expect(html).to.contain('压缩传输稿件');

    const br = await rawGet(url, { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).to.equal('br');
    expect(br.headers.vary).to.match(/accept-encoding/i);
    expect(brotliDecompressSync(br.body).toString('utf8')).to.equal(html);
    expect(br.body.length).to.be.lessThan(plain.body.length / 2);

    const gz = await rawGet(url, { 'accept-encoding': 'gzip;q=1, br;q=0' });
    expect(gz.headers['content-encoding']).to.equal('gzip');
    expect(gunzipSync(gz.body).toString('utf8')).to.equal(html);

    const etags = [plain, br, gz].map((r) => String(r.headers.etag));
    expect(new Set(etags).size, 'one validator per representation').to.equal(3);
    expect((await rawGet(url, { 'accept-encoding': 'gzip', 'if-none-match': String(gz.headers.etag) })).status).to.equal(304);
    expect((await rawGet(url, { 'if-none-match': String(gz.headers.etag) })).status, 'a gzip validator does not validate the plain page').to.equal(200);
  });

  it('serves pages from memory: a database write that announces nothing is not seen', async () => {
    const a = await seed(app, 'article', { title: '原始标题', body: '正文' });
    // A render that overlaps the publication's own invalidations is not kept; wait until those are done.
    await changeProcessed('article', a.id);
    expect((await app.request('GET', `/news/${a.slug}`)).text).to.contain('原始标题');
    await Article.updateOne({ _id: a.id }, { $set: { title: '悄悄改的标题' } });
    expect((await app.request('GET', `/news/${a.slug}`)).text).to.contain('原始标题');
  });

  it('renders a page once for requests that miss it together, and anew for one arriving after an invalidation', async () => {
    const a = await seed(app, 'article', { title: '并发渲染稿件', body: '正文' });
    await changeProcessed('article', a.id);
    siteRuntime().cache.clear();
    const lookups: string[] = [];
    mongoose.set('debug', (collection: string, method: string, query: unknown) => {
      if (collection === 'articles' && method === 'findOne' && JSON.stringify(query).includes(a.slug)) lookups.push(method);
    });
    try {
      const pages = await Promise.all(Array.from({ length: 8 }, () => app.request('GET', `/news/${a.slug}`)));
      expect(pages.map((p) => p.status)).to.deep.equal(Array(8).fill(200));
      expect(new Set(pages.map((p) => p.headers.get('etag'))).size).to.equal(1);
      expect(lookups, 'renders').to.have.length(1);

      siteRuntime().cache.clear();
      const before = app.request('GET', `/news/${a.slug}`);
      await Article.updateOne({ _id: a.id }, { $set: { title: '并发渲染新标题' } });
      siteRuntime().cache.invalidate([`article:${a.id}`]);
      const after = await app.request('GET', `/news/${a.slug}`);
      expect((await before).status).to.equal(200);
      expect(after.text).to.contain('并发渲染新标题');
      expect(lookups, 'renders').to.have.length(3);
    } finally {
      mongoose.set('debug', false);
    }
  });

  it('publishing shows the new item on lists, home, feed, sitemap and search at once', async () => {
    const paths = ['/', '/news', '/feed.xml', '/sitemap.xml', `/search?q=${encodeURIComponent('新发布')}`];
    for (const p of paths) expect((await app.request('GET', p)).status).to.equal(200);
    const fresh = await seed(app, 'article', { title: '新发布的活动动态', body: '内容' });
    for (const p of paths) expect((await app.request('GET', p)).text, p).to.contain(fresh.slug);
  });

  it('withdrawing drops its page, list entries and links from neighbours and related pages', async () => {
    const deputy = await seed(app, 'deputy', { name: '赵代表', level: 'township', story: '事迹' });
    const older = await seed(app, 'article', { title: '较早的稿件', body: '内容' });
    const target = await seed(app, 'article', { title: '将被撤回的稿件', body: '内容', relatedDeputyIds: [deputy.id] });
    const deputyPage = `/deputies/${deputy.slug}`;
    await eventually(async () => {
      expect((await app.request('GET', deputyPage)).text).to.contain('将被撤回的稿件');
    });
    expect((await app.request('GET', `/news/${older.slug}`)).text).to.contain(`/news/${target.slug}`);
    expect((await app.request('GET', '/news')).text).to.contain(target.slug);
    const etag = (await app.request('GET', `/news/${target.slug}`)).headers.get('etag')!;

    await contentService(app).act('article', target.id, 'withdraw', reviewer, {});

    const gone = await app.request('GET', `/news/${target.slug}`, { headers: { 'if-none-match': etag } });
    expect(gone.status, 'no 304 for a withdrawn page').to.equal(404);
    expect((await app.request('GET', '/news')).text).not.to.contain(target.slug);
    expect((await app.request('GET', `/news/${older.slug}`)).text).not.to.contain(`/news/${target.slug}`);
    expect((await app.request('GET', deputyPage)).text).not.to.contain('将被撤回的稿件');
    expect((await app.request('GET', `/api/public/news/${target.slug}`)).status).to.equal(404);
  });

  it('editing a live item refreshes its page and the pages that show it', async () => {
    const a = await seed(app, 'article', { title: '修改前的标题', body: '旧正文' });
    expect((await app.request('GET', `/news/${a.slug}`)).text).to.contain('旧正文');
    expect((await app.request('GET', '/news')).text).to.contain('修改前的标题');
    await contentService(app).update('article', a.id, { version: a.version, title: '修改后的标题', body: '新正文' }, reviewer);
    // Unapproved words never go live: the page leaves the site while the change is reviewed...
    expect((await app.request('GET', `/news/${a.slug}`)).status).to.equal(404);
    expect((await app.request('GET', '/news')).text).not.to.contain('修改前的标题');
    // ...and comes back, changed, once someone else approved it and it is published again.
    const admin = { id: new Types.ObjectId().toHexString(), role: 'admin' as const, name: '管理员' };
    await contentService(app).act('article', a.id, 'approve', admin, {});
    await hooks.markPublished('article', a.id);
    const page = await app.request('GET', `/news/${a.slug}`);
    expect(page.text).to.contain('新正文').and.to.contain('修改后的标题');
    expect((await app.request('GET', '/news')).text).to.contain('修改后的标题').and.not.to.contain('修改前的标题');
  });

  it('a newly published article appears on the pages of the deputy it names and of its predecessor', async () => {
    const deputy = await seed(app, 'deputy', { name: '钱代表', level: 'city', story: '事迹' });
    const latest = await seed(app, 'article', { title: '目前最新的稿件', body: '内容' });
    expect((await app.request('GET', `/deputies/${deputy.slug}`)).text).not.to.contain('提到钱代表的新稿件');
    expect((await app.request('GET', `/news/${latest.slug}`)).text).not.to.contain('rel="next"');

    const content = contentService(app);
    const created = (await content.create('article', { title: '提到钱代表的新稿件', body: '内容', relatedDeputyIds: [deputy.id] }, editor)) as { id: string; slug: string };
    await content.act('article', created.id, 'submit', editor, {});
    await content.act('article', created.id, 'approve', reviewer, {});
    await hooks.markPublished('article', created.id);

    await eventually(async () => {
      expect((await app.request('GET', `/deputies/${deputy.slug}`)).text).to.contain('提到钱代表的新稿件');
      expect((await app.request('GET', `/news/${latest.slug}`)).text).to.contain(`rel="next" href="/news/${created.slug}"`);
    });
  });

  it('publishing refreshes every page that starts showing the item, beyond the six a related box lists', async () => {
    const deputy = await seed(app, 'deputy', { name: '孙代表', level: 'county', story: '事迹' }, 'approved');
    const articles = [];
    for (let i = 0; i < 8; i++) articles.push(await seed(app, 'article', { title: `提到孙代表的稿件${i}`, body: '内容', relatedDeputyIds: [deputy.id] }));
    for (const a of articles) await changeProcessed('article', a.id);
    for (const a of articles) expect((await app.request('GET', `/news/${a.slug}`)).text).not.to.contain(`/deputies/${deputy.slug}`);

    await hooks.markPublished('deputy', deputy.id);
    await changeProcessed('deputy', deputy.id);
    for (const a of articles) expect((await app.request('GET', `/news/${a.slug}`)).text, a.slug).to.contain(`/deputies/${deputy.slug}`);
  });

  it('keys cached pages by the values the page uses: other spellings and made-up filters add no entries', async () => {
    const a = await seed(app, 'article', { title: '缓存键稿件', body: '内容', region: { county: '缓存键区' }, topics: ['缓存键专题'] });
    await changeProcessed('article', a.id);
    const plain = await app.request('GET', '/news');
    expect(plain.status).to.equal(200);
    expect((await app.request('GET', '/news?region=缓存键区')).text).to.contain(a.slug);
    const size = siteRuntime().cache.size;
    const variants = [
      '/news?page=1',
      '/news?page=abc',
      '/news?page=',
      '/news?page=-3&utm_source=wechat',
      '/news?region=%20缓存键区%20',
      '/news?region=并不存在的地区1',
      '/news?topic=并不存在的专题2',
      '/news?page=9999',
      '/deputies?level=nonsense',
      '/deputies?level=nonsense2',
      '/cases?kind=nonsense',
      `/search?q=${encodeURIComponent('绝对搜不到的词')}`,
    ];
    for (const v of variants) expect((await app.request('GET', encodeURI(v))).status, v).to.equal(200);
    expect(siteRuntime().cache.size - size, 'new cache entries').to.equal(2); // the plain /deputies and /cases
    expect((await app.request('GET', '/news?page=abc')).headers.get('etag')).to.equal(plain.headers.get('etag'));
  });

  it('counts views of cached pages in memory and adds them in batches, readable in the admin API', async () => {
    const a = await seed(app, 'article', { title: '阅读量统计', body: '内容' });
    const { token } = await app.loginAs('editor');
    const stored = async () => {
      const res = await app.request('GET', `/api/admin/articles/${a.id}/views`, { token });
      expect(res.status).to.equal(200);
      return res.body.viewCount as number;
    };
    // Take the periodic flush out of the picture so "not written yet" is certain, not a race with the timer.
    const views = siteRuntime().views;
    await views.stop();
    try {
      for (let i = 0; i < 5; i++) expect((await app.request('GET', `/news/${a.slug}`)).status).to.equal(200);
      expect(await stored(), 'no database write per request').to.equal(0);
      await views.flush();
      expect(await stored(), 'one batch adds them all').to.equal(5);
    } finally {
      views.start(VIEW_FLUSH_MS);
    }
    // And the periodic flush writes on its own.
    expect((await app.request('GET', `/news/${a.slug}`)).status).to.equal(200);
    await eventually(async () => {
      expect(await stored()).to.equal(6);
    }, 6000);
  });
});
