import { expect } from 'chai';
import { XMLParser } from 'fast-xml-parser';
import sharp from 'sharp';
import { TestClock, testDate } from '../support/clock';
import { startTestApp, type TestApp } from '../support/app';
import { Article } from '../../src/content/models/article';
import { article, createPartner, expectStatus, issueKey, uploadImage, type UploadedImage } from './support';

const MINUTE = 60_000;

describe('partners: feeds of exactly what a partner takes', () => {
  let app: TestApp;
  let clock: TestClock;
  let key: string;
  let cover: UploadedImage;
  let inline: UploadedImage;
  let inScope: string;

  before(async () => {
    clock = new TestClock(testDate('06-03T02:00:00Z'));
    app = await startTestApp({ name: 'partners_feeds', clock });
    const editor = (await app.loginAs('editor')).token;
    cover = await uploadImage(app, editor, 2400, 1600, '代表走访农户', 80);
    inline = await uploadImage(app, editor, 1800, 1200, '联络站外景', 140);
    const at = (min: number) => new Date(clock.now().getTime() - min * MINUTE);
    inScope = await article({
      title: '东湖区代表联络站开放日',
      topics: ['基层治理'],
      region: { city: '海州市', county: '东湖区', township: '青山镇' },
      byline: '记者 张华',
      coverMediaId: cover.id,
      body: `## 开放日\n\n代表们**面对面**听取意见。\n\n![联络站里的群众座谈](${inline.urls.cover} "摄影：王明")\n\n更多内容见[网站](/news)。`,
      publishedAt: at(30),
    });
    await article({ title: '东湖区另一主题', topics: ['乡村振兴'], region: { county: '东湖区' }, publishedAt: at(20) });
    await article({ title: '西山区基层治理', topics: ['基层治理'], region: { county: '西山区' }, publishedAt: at(10) });
    await article({ title: '东湖区待发布稿', topics: ['基层治理'], region: { county: '东湖区' }, status: 'approved' });
    const partner = await createPartner(app, (await app.loginAs('reviewer')).token, {
      name: '东湖日报',
      takes: { kinds: ['article'], regions: ['东湖区'], topics: ['基层治理'] },
    });
    key = await issueKey(app, (await app.loginAs('admin')).token, partner.id);
  });
  after(() => app.close());

  it('JSON Feed 1.1: only in-scope published items, full text, original-size images with captions and credits', async () => {
    const res = await app.request('GET', `/api/partner/feed.json?key=${key}`);
    expectStatus(res, 200);
    expect(res.headers.get('content-type')).to.match(/^application\/feed\+json/);
    const feed = JSON.parse(res.text);
    expect(feed.version).to.equal('https://jsonfeed.org/version/1.1');
    expect(feed.feed_url).to.not.include(key);
    expect(feed.items.map((i: any) => i.title)).to.deep.equal(['东湖区代表联络站开放日']);
    const item = feed.items[0];
    expect(item.id).to.equal(`urn:lianxin:article:${inScope}`);
    expect(item.url).to.match(/^http:\/\/lianxin\.test\/news\//);
    expect(item.authors).to.deep.equal([{ name: '记者 张华' }]);
    expect(item.tags).to.deep.equal(['基层治理']);
    expect(item.content_html).to.include('<strong>面对面</strong>');
    expect(item.content_html).to.include(`src="http://lianxin.test${inline.urls.original}"`);
    expect(item.content_html).to.include('href="http://lianxin.test/news"');
    expect(item.image).to.equal(`http://lianxin.test${cover.urls.original}`);
    const images = item._lianxin.images;
    expect(images).to.have.length(2);
    expect(images[0]).to.include({ role: 'cover', url: `http://lianxin.test${cover.urls.original}`, width: 2400, height: 1600, caption: '代表走访农户' });
    expect(images[1]).to.include({ role: 'body', url: `http://lianxin.test${inline.urls.original}`, width: 1800, height: 1200, caption: '联络站里的群众座谈', credit: '摄影：王明' });
    expect(item._lianxin.region).to.deep.equal({ city: '海州市', county: '东湖区', township: '青山镇' });
    expect(item._lianxin.content_markdown).to.include('## 开放日');
    // The original really is the full-size file.
    const original = await fetch(images[1].url.replace('http://lianxin.test', app.url));
    const meta = await sharp(Buffer.from(await original.arrayBuffer())).metadata();
    expect([meta.width, meta.height]).to.deep.equal([1800, 1200]);
  });

  it('carries the caption and credit entered for an upload, unless the article gives its own', async () => {
    const editor = (await app.loginAs('editor')).token;
    const describe = (id: string, body: object) => app.request('PATCH', `/api/admin/media/${id}`, { token: editor, body });
    expectStatus(await describe(cover.id, { caption: '青山镇代表入户走访', credit: '县融媒体中心', creditKind: 'source' }), 200);
    expectStatus(await describe(inline.id, { caption: '图库里的说明', credit: '李强' }), 200);
    const res = await app.request('GET', `/api/partner/feed.json?key=${key}`);
    expectStatus(res, 200);
    const images = JSON.parse(res.text).items[0]._lianxin.images;
    expect(images[0]).to.include({ role: 'cover', caption: '青山镇代表入户走访', credit: '来源：县融媒体中心' });
    // The article's own ![说明](图 "摄影：…") wins over the library's.
    expect(images[1]).to.include({ role: 'body', caption: '联络站里的群众座谈', credit: '摄影：王明' });
  });

  it('RSS 2.0 parses back with content:encoded, the cover as enclosure and Media RSS captions and credits', async () => {
    const res = await app.request('GET', '/api/partner/feed.rss', { headers: { 'x-partner-key': key } });
    expectStatus(res, 200);
    expect(res.headers.get('content-type')).to.match(/^application\/rss\+xml/);
    const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (name) => ['item', 'media:content', 'category'].includes(name) });
    const doc = parser.parse(res.text);
    expect(doc.rss['@xmlns:media']).to.equal('http://search.yahoo.com/mrss/');
    const items = doc.rss.channel.item;
    expect(items.map((i: any) => i.title)).to.deep.equal(['东湖区代表联络站开放日']);
    const item = items[0];
    expect(item.guid['#text']).to.equal(`urn:lianxin:article:${inScope}`);
    expect(item['content:encoded']).to.include('<strong>面对面</strong>');
    expect(item.enclosure['@url']).to.equal(`http://lianxin.test${cover.urls.original}`);
    expect(item.enclosure['@type']).to.equal('image/jpeg');
    const media = item['media:content'];
    expect(media.map((m: any) => m['@url'])).to.deep.equal([`http://lianxin.test${cover.urls.original}`, `http://lianxin.test${inline.urls.original}`]);
    expect(media[1]['media:description']).to.equal('联络站里的群众座谈');
    expect(media[1]['media:credit']).to.equal('摄影：王明');
    expect(media[1]['@width']).to.equal('1800');
    expect(item.category.map((c: any) => (typeof c === 'string' ? c : c['#text']))).to.include('基层治理');
  });

  it('ETag and Last-Modified: 304 until an item in scope changes', async () => {
    const first = await app.request('GET', `/api/partner/feed.json?key=${key}`);
    const etag = first.headers.get('etag')!;
    const lastModified = first.headers.get('last-modified')!;
    expect(etag).to.match(/^"[A-Za-z0-9_-]+"$/);
    expect(first.headers.get('cache-control')).to.equal('private, no-cache');
    expectStatus(await app.request('GET', `/api/partner/feed.json?key=${key}`, { headers: { 'if-none-match': etag } }), 304);
    expectStatus(await app.request('GET', `/api/partner/feed.json?key=${key}`, { headers: { 'if-modified-since': lastModified } }), 304);
    const rssTag = (await app.request('GET', `/api/partner/feed.rss?key=${key}`)).headers.get('etag');
    expect(rssTag).to.not.equal(etag);

    // An out-of-scope item changing leaves the feed alone; the in-scope one changing does not.
    clock.advance(5 * MINUTE);
    await Article.updateOne({ title: '西山区基层治理' }, { $set: { updatedAt: clock.now() } });
    expectStatus(await app.request('GET', `/api/partner/feed.json?key=${key}`, { headers: { 'if-none-match': etag } }), 304);
    await Article.updateOne({ _id: inScope }, { $set: { title: '东湖区代表联络站开放日（更新）', updatedAt: clock.now() } });
    const changed = await app.request('GET', `/api/partner/feed.json?key=${key}`, { headers: { 'if-none-match': etag } });
    expectStatus(changed, 200);
    expect(changed.headers.get('etag')).to.not.equal(etag);
    expect(JSON.parse(changed.text).items[0].title).to.equal('东湖区代表联络站开放日（更新）');
    expectStatus(await app.request('GET', `/api/partner/feed.json?key=${key}`, { headers: { 'if-modified-since': lastModified } }), 200);
  });

  it('widening the scope brings the items in; staff preview the same items', async () => {
    const reviewer = (await app.loginAs('reviewer')).token;
    const partner = (await app.request('GET', '/api/admin/partners', { token: reviewer })).body.items[0];
    expectStatus(await app.request('PATCH', `/api/admin/partners/${partner.id}`, { token: reviewer, body: { takes: { kinds: ['article'], regions: ['东湖区', '西山区'], topics: ['基层治理'] } } }), 200);
    const feed = JSON.parse((await app.request('GET', `/api/partner/feed.json?key=${key}`)).text);
    expect(feed.items.map((i: any) => i.title)).to.deep.equal(['西山区基层治理', '东湖区代表联络站开放日（更新）']);
    const preview = await app.request('GET', `/api/admin/partners/${partner.id}/feed-preview`, { token: (await app.loginAs('editor')).token });
    expect(preview.body.items.map((i: any) => i.id)).to.deep.equal(feed.items.map((i: any) => i.id));
  });
});
