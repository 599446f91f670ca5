/** The microsite in a real browser at a phone viewport: navigation, rendering, metadata, no errors; screenshots. */
import { expect } from 'chai';
import { startTestApp, type TestApp } from '../support/app';
import { TEST_YEAR } from '../support/clock';
import { seed } from '../site/support';
import { launchBrowser, saveScreenshot, type TestBrowser } from './support';

describe('microsite in Chromium (375 × 812)', function () {
  this.timeout(60_000);
  let app: TestApp;
  let browser: TestBrowser;
  let deputySlug: string;
  let meetingSlug: string;
  const articleTitle = '人大代表走进田间地头 助力脱贫成果巩固';

  before(async () => {
    app = await startTestApp({ name: 'site_browser' });
    const deputy = await seed(app, 'deputy', {
      name: '李秀英',
      level: 'county',
      region: { city: '南宁市', county: '青秀区' },
      occupation: '青秀区某村党支部书记',
      story: '李秀英代表扎根基层二十年，带领村民发展特色种植。\n\n- 走访群众 300 余户\n- 提出建议 12 件',
      highlights: [{ label: '走访群众', value: '300余户' }, { label: '提出建议', value: '12件' }],
      featured: true,
    });
    deputySlug = deputy.slug;
    const kase = await seed(app, 'case', { title: '一月一主题代表小组活动', caseKind: 'group_activity', summary: '每月围绕一个民生主题开展活动。', relatedDeputyIds: [deputy.id] });
    await seed(app, 'article', { title: '代表小组开展集中活动', body: '活动内容。', topics: ['代表小组'] });
    await seed(app, 'article', {
      title: articleTitle,
      byline: '记者 王芳',
      region: { city: '南宁市', county: '青秀区' },
      topics: ['乡村振兴'],
      body: '## 走访一线\n\n近日，青秀区人大代表深入田间地头，了解群众**所思所盼**。\n\n> 代表就在身边。\n\n1. 听取意见\n2. 现场办理',
      relatedDeputyIds: [deputy.id],
      relatedCaseIds: [kase.id],
      featured: true,
    });

    const { token } = await app.loginAs('organizer');
    const created = await app.request('POST', '/api/admin/meetings', {
      token,
      body: {
        title: '代表小组活动经验交流会',
        theme: '交流代表小组活动的好做法',
        description: '会议将交流**典型模式**。',
        startsAt: `${TEST_YEAR}-06-01 09:00`,
        endsAt: `${TEST_YEAR}-06-01 11:30`,
        venue: '市人大常委会第一会议室',
        address: '南宁市青秀区民族大道 1 号',
        agenda: [{ time: '09:00', title: '开幕致辞' }, { time: '09:30', title: '典型发言', speaker: '李秀英' }],
        featuredCaseIds: [kase.id],
        featuredDeputyIds: [deputy.id],
      },
    });
    expect(created.status, created.text).to.equal(201);
    const announced = await app.request('POST', `/api/admin/meetings/${created.body.id}/announce`, { token, body: { version: created.body.version } });
    expect(announced.status, announced.text).to.equal(200);
    meetingSlug = created.body.slug;

    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  it('opens the home page, follows a link to an article and renders its body and metadata without errors', async () => {
    const page = await browser.newPage();
    await page.goto(`${app.url}/`, { waitUntil: 'load' });
    expect(await page.title()).to.contain('人大代表在行动');
    // Mobile first: nothing wider than the screen.
    expect(await page.evaluate('document.documentElement.scrollWidth')).to.be.at.most(375);
    await saveScreenshot(page, 'home');

    await page.locator('.headline-title a').first().click();
    await page.waitForURL(/\/news\//);
    expect(await page.locator('h1').first().textContent()).to.equal(articleTitle);
    expect(await page.locator('.prose h2').textContent()).to.equal('走访一线');
    expect(await page.locator('.prose strong').textContent()).to.equal('所思所盼');
    expect(await page.locator('.byline').textContent()).to.equal('记者 王芳');
    expect(await page.locator('.related').textContent()).to.contain('李秀英').and.to.contain('一月一主题代表小组活动');

    const url = new URL(page.url());
    expect(await page.locator('meta[property="og:title"]').getAttribute('content')).to.equal(articleTitle);
    expect(await page.locator('link[rel="canonical"]').getAttribute('href')).to.equal(`http://lianxin.test${url.pathname}`);
    const ld = JSON.parse((await page.locator('script[type="application/ld+json"]').textContent())!);
    expect(ld).to.include({ '@type': 'NewsArticle', headline: articleTitle });
    expect(await page.evaluate("getComputedStyle(document.querySelector('.masthead')).backgroundColor")).to.equal('rgb(183, 28, 28)');
    await saveScreenshot(page, 'article');
    expect(page.problems).to.deep.equal([]);
    await page.close();
  });

  it('renders a deputy profile and a meeting page', async () => {
    const page = await browser.newPage();
    await page.goto(`${app.url}/deputies/${deputySlug}`, { waitUntil: 'load' });
    expect(await page.locator('h1').textContent()).to.equal('李秀英');
    expect(await page.locator('.figures').textContent()).to.contain('300余户');
    await saveScreenshot(page, 'deputy');

    await page.goto(`${app.url}/meetings`, { waitUntil: 'load' });
    await page.locator(`a[href="/meetings/${meetingSlug}"]`).first().click();
    await page.waitForURL(new RegExp(`/meetings/${meetingSlug}$`));
    expect(await page.locator('h1').textContent()).to.equal('代表小组活动经验交流会');
    expect(await page.locator('.facts').textContent()).to.contain('市人大常委会第一会议室');
    expect(await page.locator('.agenda').textContent()).to.contain('典型发言');
    const ld = JSON.parse((await page.locator('script[type="application/ld+json"]').textContent())!);
    expect(ld['@type']).to.equal('Event');
    await saveScreenshot(page, 'meeting');
    expect(page.problems).to.deep.equal([]);
    await page.close();
  });
});
