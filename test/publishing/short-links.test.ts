/**
 * Short links in SMS: a news text for a 40-character headline (whose pinyin address is far over the template's
 * 64-character link limit) goes out with PUBLIC_BASE_URL/l/CODE; the code is the same for every send of the page
 * on that channel, redirects to the page and counts clicks per channel, storing nothing about the reader.
 */
import { expect } from 'chai';
import { Types } from 'mongoose';
import { TestClock, testDate } from '../support/clock';
import { startTestApp, type TestApp } from '../support/app';
import { loadSmsTemplates } from '../../src/channels/sms/templates';
import { Article } from '../../src/content/models';
import { slugify } from '../../src/content/slug';
import { ShortLink } from '../../src/short-links/model';
import { startFakeTencentSms, type FakeTencentSms } from '../fakes';
import { deputies, waitFor } from './support/fixtures';

const HEADLINE = '海州市东湖区人大代表联络站深入开展进社区听民声解民忧专题活动取得实效群众满意度明显提升';

describe('short links for SMS (/l/CODE)', () => {
  let app: TestApp;
  let sms: FakeTencentSms;
  let reviewer: string;
  let editor: string;
  let articleId: string;
  let slug: string;

  before(async () => {
    sms = await startFakeTencentSms();
    const clock = new TestClock(testDate('04-02T02:00:00Z'));
    app = await startTestApp({
      name: 'short_links',
      clock,
      env: { SMS_PROVIDER: 'tencent', SMS_ENDPOINT: sms.url, TENCENT_SECRET_ID: 'AKIDfake', TENCENT_SECRET_KEY: 'fake-key', TENCENT_SMS_APP_ID: '1400000000' },
    });
    reviewer = (await app.loginAs('reviewer')).token;
    editor = (await app.loginAs('editor')).token;
    expect([...HEADLINE]).to.have.length.at.least(40);
    slug = slugify(HEADLINE);
    const at = clock.now();
    const doc = await Article.create({
      title: HEADLINE,
      slug,
      body: '代表们走进社区，面对面听取群众意见。',
      digest: '代表们走进社区，面对面听取群众意见。',
      status: 'approved',
      version: 1,
      createdBy: new Types.ObjectId(),
      updatedBy: new Types.ObjectId(),
      createdAt: at,
      updatedAt: at,
    });
    articleId = String(doc._id);
    await deputies(3, { level: 'county', region: { city: '海州市', county: '东湖区' }, from: 4000 });
  });
  after(async () => {
    await app.close();
    await sms.close();
  });

  const publishBySms = () =>
    app.request('POST', `/api/admin/articles/${articleId}/publish`, {
      token: reviewer,
      body: { channels: ['microsite', 'sms'], audience: { deputies: { levels: ['county'], regions: ['东湖区'] } }, sms: { notification: 'news' } },
    });

  it('the page address itself is too long for the template, and the dry run shows the short link instead', async () => {
    expect(`${app.config.publicBaseUrl}/news/${slug}`.length).to.be.greaterThan(64);
    const dry = await app.request('POST', `/api/admin/articles/${articleId}/publish/dry-run`, {
      token: reviewer,
      body: { channels: ['sms'], audience: { deputies: { levels: ['county'], regions: ['东湖区'] } }, sms: { notification: 'news' } },
    });
    expect(dry.status, dry.text).to.equal(200);
    const link = dry.body.channels.sms.params.find((p: { name: string }) => p.name === 'link');
    expect(link.value).to.match(/^http:\/\/lianxin\.test\/l\/[0-9A-Za-z]{6}$/);
    expect(link.ok).to.equal(true);
  });

  it('sends the news SMS with the short link, the same code every time, and counts clicks for the sms channel', async () => {
    const res = await publishBySms();
    expect(res.status, res.text).to.equal(201);
    const news = loadSmsTemplates().news;
    const linkIndex = news.params.findIndex((p) => p.name === 'link');
    const sends = await waitFor('three news texts', async () => {
      const s = sms.state.sends.filter((x) => x.templateId === news.tencent);
      return s.length === 3 && s;
    });
    const links = new Set(sends.map((s) => s.params[linkIndex]));
    expect(links.size).to.equal(1);
    const [shortUrl] = [...links];
    expect(shortUrl).to.match(/^http:\/\/lianxin\.test\/l\/[0-9A-Za-z]{6}$/);
    expect(shortUrl.length).to.be.at.most(news.params[linkIndex].max);
    const code = shortUrl.slice(shortUrl.lastIndexOf('/') + 1);

    // Following it: a redirect to the page, counted, not cacheable (each tap counts once).
    for (let i = 0; i < 2; i += 1) {
      const hop = await app.request('GET', `/l/${code}`);
      expect(hop.status).to.equal(302);
      expect(hop.headers.get('location')).to.equal(`/news/${slug}`);
      expect(hop.headers.get('cache-control')).to.equal('no-store');
    }
    const page = await fetch(`${app.url}/l/${code}`);
    expect(page.status).to.equal(200);
    expect(await page.text()).to.include(HEADLINE.slice(0, 10));

    const figures = await app.request('GET', `/api/admin/short-links?itemKind=article&itemId=${articleId}`, { token: editor });
    expect(figures.status, figures.text).to.equal(200);
    expect(figures.body.items).to.have.length(1);
    expect(figures.body.items[0]).to.include({ code, channel: 'sms', clicks: 3, path: `/news/${slug}`, url: shortUrl });
    // Nothing about the reader is kept: the record has a count and a time, no address or agent.
    const stored = await ShortLink.findOne({ code }).lean();
    expect(Object.keys(stored!).sort()).to.deep.equal(['_id', 'channel', 'clicks', 'code', 'createdAt', 'itemId', 'itemKind', 'lastClickedAt', 'path']);
  });

  it('an unknown or malformed code is the site 404 page, and staff-only figures refuse the public', async () => {
    expect((await app.request('GET', '/l/zzzzzz')).status).to.equal(404);
    expect((await app.request('GET', '/l/..%2Fadmin')).status).to.equal(404);
    expect((await app.request('GET', '/api/admin/short-links')).status).to.equal(401);
  });
});
