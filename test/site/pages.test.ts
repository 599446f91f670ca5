/** Pages, feeds and discovery: 404 page, RSS and sitemap that parse, robots.txt, metadata, search ranking. */
import { expect } from 'chai';
import { XMLParser } from 'fast-xml-parser';
import { startTestApp, type TestApp } from '../support/app';
import { TEST_YEAR, TestClock, testDate } from '../support/clock';
import { seed } from './support';

const parser = new XMLParser({ ignoreAttributes: false });

function metaContent(html: string, property: string): string | undefined {
  const m = new RegExp(`<meta (?:property|name)="${property}" content="([^"]*)"`).exec(html);
  return m?.[1];
}

describe('microsite pages', () => {
  let app: TestApp;
  const clock = new TestClock(testDate('11-01T02:00:00Z'));
  const slugs: Record<string, string> = {};

  before(async () => {
    app = await startTestApp({ name: 'site_pages', clock });
    // Oldest first: the body-only match is the newest, the title matches are older.
    slugs.oldTitle = (await seed(app, 'article', { title: '脱贫攻坚回头看', body: '回顾。', topics: ['乡村振兴'], byline: '记者 张三' })).slug;
    clock.advance(3_600_000);
    slugs.newTitle = (await seed(app, 'article', { title: '脱贫户的新生活', body: '新生活。', region: { city: '南宁市', county: '青秀区' } })).slug;
    clock.advance(3_600_000);
    slugs.bodyOnly = (await seed(app, 'article', { title: '代表小组进村入户', body: '帮助群众巩固脱贫成果 <script>alert(1)</script>' })).slug;
    slugs.deputy = (await seed(app, 'deputy', { name: '王建国', level: 'city', story: '事迹。' })).slug;
    slugs.group = (await seed(app, 'group', { name: '青秀区第一代表小组', members: [{ name: '王建国', role: '组长' }], activities: [{ date: `${TEST_YEAR}-10-01`, theme: '走访', participants: '全体', outcomes: '收集建议 12 条' }] })).slug;
    slugs.case = (await seed(app, 'case', { title: '代表小组活动模式：一月一主题', caseKind: 'group_activity', summary: '每月一个主题。' })).slug;
  });
  after(async () => app?.close());

  it('serves a friendly Chinese 404 page for unknown paths, keeping JSON for /api/', async () => {
    const page = await app.request('GET', '/no/such/page');
    expect(page.status).to.equal(404);
    expect(page.headers.get('content-type')).to.match(/^text\/html/);
    expect(page.text).to.contain('页面未找到').and.to.contain('返回首页');
    const item = await app.request('GET', '/deputies/no-such-deputy');
    expect(item.status).to.equal(404);
    expect(item.text).to.contain('页面未找到');
    const api = await app.request('GET', '/api/public/deputies/no-such-deputy');
    expect(api.status).to.equal(404);
    expect(api.body.error.code).to.equal('not_found');
  });

  it('ranks search results by title match first, then recency; 脱贫 finds text inside the body', async () => {
    const res = await app.request('GET', `/api/public/search?q=${encodeURIComponent('脱贫')}`);
    expect(res.status).to.equal(200);
    expect(res.body.items.map((i: { slug: string }) => i.slug)).to.deep.equal([slugs.newTitle, slugs.oldTitle, slugs.bodyOnly]);
    const page = await app.request('GET', `/search?q=${encodeURIComponent('脱贫')}`);
    expect(page.text).to.contain('共找到 3 条结果');
    const order = [slugs.newTitle, slugs.oldTitle, slugs.bodyOnly].map((s) => page.text.indexOf(`/news/${s}`));
    expect(order.every((p) => p > 0)).to.equal(true);
    expect([...order].sort((a, b) => a - b)).to.deep.equal(order);
    const empty = await app.request('GET', `/api/public/search?q=`);
    expect(empty.status).to.equal(400);
  });

  it('puts canonical, Open Graph and parseable JSON-LD on content pages, and escapes editor text', async () => {
    const cases: [string, string][] = [
      [`/news/${slugs.bodyOnly}`, 'NewsArticle'],
      [`/deputies/${slugs.deputy}`, 'Person'],
      [`/groups/${slugs.group}`, 'Organization'],
      [`/cases/${slugs.case}`, 'Article'],
    ];
    for (const [path, type] of cases) {
      const res = await app.request('GET', path);
      expect(res.status, path).to.equal(200);
      expect(res.text).to.contain(`<link rel="canonical" href="http://lianxin.test${path}">`);
      expect(metaContent(res.text, 'og:url')).to.equal(`http://lianxin.test${path}`);
      expect(metaContent(res.text, 'og:title')).to.be.a('string').and.not.equal('');
      const ld = /<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(res.text);
      expect(ld, path).to.not.equal(null);
      expect(JSON.parse(ld![1])['@type']).to.equal(type);
    }
    const article = await app.request('GET', `/news/${slugs.bodyOnly}`);
    expect(article.text).not.to.contain('<script>alert(1)');
    expect(article.text).to.contain('&lt;script&gt;');
    const older = await app.request('GET', `/news/${slugs.newTitle}`);
    expect(older.text).to.contain(`rel="prev" href="/news/${slugs.oldTitle}"`).and.to.contain(`rel="next" href="/news/${slugs.bodyOnly}"`);
    const group = await app.request('GET', `/groups/${slugs.group}`);
    expect(group.text).to.contain('活动记录').and.to.contain('收集建议 12 条').and.to.contain('组长');
  });

  it('filters the news list by region and topic and pages it', async () => {
    const byRegion = await app.request('GET', `/news?region=${encodeURIComponent('青秀区')}`);
    expect(byRegion.text).to.contain(slugs.newTitle).and.not.to.contain(slugs.oldTitle);
    const byTopic = await app.request('GET', `/news?topic=${encodeURIComponent('乡村振兴')}`);
    expect(byTopic.text).to.contain(slugs.oldTitle).and.not.to.contain(slugs.newTitle);
    const apiPage = await app.request('GET', '/api/public/news?pageSize=2&page=2');
    expect(apiPage.body).to.include({ page: 2, pageSize: 2, total: 3 });
    expect(apiPage.body.items).to.have.length(1);
  });

  it('publishes an RSS 2.0 feed and a sitemap that parse, with absolute URLs', async () => {
    const feed = await app.request('GET', '/feed.xml');
    expect(feed.status).to.equal(200);
    expect(feed.headers.get('content-type')).to.match(/rss\+xml/);
    const rss = parser.parse(feed.text);
    expect(rss.rss['@_version']).to.equal('2.0');
    const items = [rss.rss.channel.item].flat();
    expect(items).to.have.length(3);
    expect(items[0].link).to.equal(`http://lianxin.test/news/${slugs.bodyOnly}`);
    expect(new Date(items[0].pubDate).toISOString()).to.equal(`${TEST_YEAR}-11-01T04:00:00.000Z`);

    const sitemap = await app.request('GET', '/sitemap.xml');
    expect(sitemap.status).to.equal(200);
    const urls = [parser.parse(sitemap.text).urlset.url].flat().map((u: { loc: string }) => u.loc);
    for (const path of ['/', '/news', `/news/${slugs.oldTitle}`, `/deputies/${slugs.deputy}`, `/groups/${slugs.group}`, `/cases/${slugs.case}`]) {
      expect(urls).to.include(`http://lianxin.test${path === '/' ? '/' : path}`);
    }

    const robots = await app.request('GET', '/robots.txt');
    expect(robots.text).to.contain('Sitemap: http://lianxin.test/sitemap.xml').and.to.contain('Disallow: /api/');
  });

  it('serves the stylesheet under a content hash with a long cache', async () => {
    const home = await app.request('GET', '/');
    const href = /<link rel="stylesheet" href="([^"]+)">/.exec(home.text)![1];
    expect(href).to.match(/^\/assets\/site\.[0-9a-f]{12}\.css$/);
    const css = await app.request('GET', href);
    expect(css.status).to.equal(200);
    expect(css.headers.get('cache-control')).to.contain('immutable');
    expect((await app.request('GET', '/assets/site.000000000000.css')).status).to.equal(404);
  });
  it('links the region of an article and a deputy with the name URL-encoded, whatever characters it holds', async () => {
    const county = '甲&乙#区';
    const a = await seed(app, 'article', { title: '特殊地名稿件', body: '内容', region: { city: '南宁市', county } });
    const d = await seed(app, 'deputy', { name: '特殊地名代表', level: 'county', story: '事迹', region: { county } });
    expect((await app.request('GET', `/news/${a.slug}`)).text).to.contain(`href="/news?region=${encodeURIComponent(county)}"`);
    expect((await app.request('GET', `/deputies/${d.slug}`)).text).to.contain(`href="/deputies?region=${encodeURIComponent(county)}"`);
  });
  it("dates the footer by Beijing's calendar, whatever the server's time zone", async () => {
    clock.set(testDate('12-31T16:30:00Z')); // 00:30 on 1 January in Beijing, still 31 December in UTC and westward
    const page = await app.request('GET', '/no/such/page-at-new-year');
    expect(page.text).to.contain(`· ${TEST_YEAR + 1}</p>`);
  });
});
