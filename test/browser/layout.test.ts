/**
 * What a reader sees on a phone (390 × 844) and a desktop (1366 × 900): every section and filter reachable, tap
 * targets at least 44 × 44 px, no sideways scrolling, the latest stories first, responsive images, share tags on
 * every page, and the public sign-up of an open meeting. Screenshots land in test-artifacts/layout-*.png.
 */
import { expect } from 'chai';
import sharp from 'sharp';
import { startTestApp, type TestApp } from '../support/app';
import { TEST_YEAR } from '../support/clock';
import { seed } from '../site/support';
import { launchBrowser, saveScreenshot, type TestBrowser, type WatchedPage } from './support';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1366, height: 900 };

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
  text: string;
}

async function boxes(page: WatchedPage, selector: string): Promise<Box[]> {
  return page.$$eval(selector, (els) =>
    els.map((el) => {
      const r = el.getBoundingClientRect();
      return { x: r.x, y: r.y, width: r.width, height: r.height, text: (el.textContent ?? '').trim() };
    }),
  );
}

/** The shared 2-core machine can take long to load a page: wait up to 90 s for each step instead of 30. */
async function slow(opening: Promise<WatchedPage>): Promise<WatchedPage> {
  const page = await opening;
  page.setDefaultTimeout(90_000);
  page.setDefaultNavigationTimeout(90_000);
  return page;
}

async function noSidewaysScroll(page: WatchedPage, width: number): Promise<void> {
  expect(await page.evaluate('document.documentElement.scrollWidth'), 'page wider than the screen').to.be.at.most(width);
}

function tapTargets(list: Box[], what: string): void {
  expect(list.length, `${what}: none found`).to.be.greaterThan(0);
  for (const b of list) {
    expect(b.width, `${what} "${b.text}" width`).to.be.at.least(44);
    expect(b.height, `${what} "${b.text}" height`).to.be.at.least(44);
  }
}

describe('microsite layout: phone 390 × 844 and desktop 1366 × 900', function () {
  this.timeout(240_000);
  let app: TestApp;
  let phone: TestBrowser;
  let desktop: TestBrowser;
  let articleSlug: string;
  let caseSlug: string;
  let deputySlug: string;
  let meetingSlug: string;
  const headlineTitle = '青秀区代表走进社区 倾听群众心声';

  before(async function () {
    this.timeout(300_000); // seeding through the real workflow and starting two browsers: slow on a loaded machine
    app = await startTestApp({ name: 'site_layout' });
    const editor = (await app.loginAs('editor')).token;
    const photo = await sharp({ create: { width: 1600, height: 900, channels: 3, background: { r: 150, g: 40, b: 40 } } }).jpeg().toBuffer();
    const fd = new FormData();
    fd.append('alt', '代表在社区议事会上听取居民意见');
    fd.append('caption', '代表在社区议事会上听取居民意见');
    fd.append('file', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), 'meeting.jpg');
    const media = await app.request('POST', '/api/admin/media', { token: editor, rawBody: fd });
    expect(media.status, media.text).to.equal(201);

    const deputy = await seed(app, 'deputy', { name: '黄丽', level: 'township', region: { city: '南宁市', county: '青秀区' }, occupation: '社区卫生服务中心主任', story: '扎根社区二十年，为居民办实事、解难题。' });
    deputySlug = deputy.slug;
    await seed(app, 'deputy', { name: '陈刚', level: 'city', story: '履职尽责。' });
    await seed(app, 'deputy', { name: '刘洋', level: 'county', story: '服务群众。' });
    caseSlug = (
      await seed(app, 'case', {
        title: '一月一主题代表小组活动',
        caseKind: 'group_activity',
        summary: '每月围绕一个民生主题开展代表小组活动，形成问题清单并跟踪办理。',
        body: '## 做法\n\n联系群众，每月一个主题。\n\n## 成效\n\n办结建议 36 件。',
        coverMediaId: media.body.id,
      })
    ).slug;
    for (let i = 0; i < 4; i++) {
      await seed(app, 'article', { title: `代表小组开展第${i + 1}次集中活动`, body: '活动内容。', region: { city: '南宁市', county: '兴宁区' } });
    }
    articleSlug = (
      await seed(app, 'article', {
        title: headlineTitle,
        body: '## 走访一线\n\n代表们听取意见。\n\n### 现场办理\n\n当场答复。',
        region: { city: '南宁市', county: '青秀区' },
        coverMediaId: media.body.id,
        featured: true,
      })
    ).slug;

    const { token } = await app.loginAs('organizer');
    const created = await app.request('POST', '/api/admin/meetings', {
      token,
      body: {
        title: '代表小组活动经验交流会',
        theme: '交流代表小组活动的好做法',
        startsAt: `${TEST_YEAR}-12-15 09:00`,
        endsAt: `${TEST_YEAR}-12-15 11:30`,
        venue: '市人大常委会第一会议室',
        capacity: 30,
        publicSignup: true,
      },
    });
    expect(created.status, created.text).to.equal(201);
    meetingSlug = created.body.slug;
    const announced = await app.request('POST', `/api/admin/meetings/${created.body.id}/announce`, { token, body: { version: created.body.version } });
    expect(announced.status, announced.text).to.equal(200);

    phone = await launchBrowser({ viewport: PHONE, isMobile: true, deviceScaleFactor: 2 });
    desktop = await launchBrowser({ viewport: DESKTOP, isMobile: false, deviceScaleFactor: 1 });
  });
  after(async () => {
    await phone?.close();
    await desktop?.close();
    await app?.close();
  });

  it('phone home: latest stories with date and place on the first screen, every section reachable, 44 px targets', async () => {
    const page = await slow(phone.newPage());
    await page.goto(`${app.url}/`, { waitUntil: 'load' });
    await noSidewaysScroll(page, PHONE.width);
    await saveScreenshot(page, 'layout-phone-home');

    const [headline] = await boxes(page, '.headline-title');
    expect(headline.text).to.equal(headlineTitle);
    expect(headline.y + headline.height).to.be.at.most(PHONE.height);
    const [meta] = await boxes(page, '.headline .meta');
    expect(meta.text).to.match(new RegExp(`\\d{4}年\\d{1,2}月\\d{1,2}日 · 南宁市 · 青秀区`));
    expect(meta.y + meta.height).to.be.at.most(PHONE.height);
    // Besides the headline, more stories start on the first screen.
    const stories = (await boxes(page, '.section .card-title')).filter((b) => b.y + b.height <= PHONE.height);
    expect(stories.length).to.be.at.least(1);

    const nav = await boxes(page, '.nav a');
    expect(nav.map((b) => b.text)).to.deep.equal(['首页', '活动动态', '典型代表', '代表小组', '典型模式', '交流会', '意见建议']);
    // Every section is reachable: on screen, or brought on screen by scrolling the bar (which then says it scrolls).
    const bar = await page.evaluate(
      "(() => { const el = document.querySelector('.nav'); return { scrolls: el.scrollWidth > el.clientWidth, overflowX: getComputedStyle(el).overflowX }; })()",
    );
    for (let i = 0; i < nav.length; i++) {
      const link = page.locator('.nav a').nth(i);
      await link.scrollIntoViewIfNeeded();
      const b = (await link.boundingBox())!;
      expect(b.x, `${nav[i].text} starts on screen`).to.be.at.least(0);
      expect(b.x + b.width, `${nav[i].text} ends on screen`).to.be.at.most(PHONE.width + 0.5); // sub-pixel layout
      if (nav[i].x + nav[i].width > PHONE.width) expect(bar, 'a bar that runs off screen scrolls').to.deep.equal({ scrolls: true, overflowX: 'auto' });
    }
    tapTargets(nav, 'nav link');
    tapTargets(await boxes(page, '.more'), '更多');
    tapTargets(await boxes(page, '.brand'), 'brand');

    // A card thumbnail (about 130 px wide at 2× density) loads the 480-px variant, not the 1080-px cover.
    const headImg = page.locator('.headline img');
    expect(await headImg.getAttribute('srcset')).to.match(/-list\.jpg 480w, .*-cover\.jpg 1080w/);
    expect(await headImg.getAttribute('fetchpriority')).to.equal('high');
    expect(page.problems).to.deep.equal([]);
    await page.close();
  });

  it('phone lists: filters wrap instead of running off screen, case cards show the written summary, date badges on one line', async () => {
    const page = await slow(phone.newPage());
    await page.goto(`${app.url}/deputies`, { waitUntil: 'load' });
    await noSidewaysScroll(page, PHONE.width);
    const tabs = await boxes(page, '.tabs a');
    expect(tabs.map((t) => t.text)).to.include('乡镇人大代表');
    for (const t of tabs) expect(t.x + t.width, `${t.text} on screen`).to.be.at.most(PHONE.width);
    tapTargets(tabs, 'filter tab');
    await saveScreenshot(page, 'layout-phone-deputies');

    await page.goto(`${app.url}/cases`, { waitUntil: 'load' });
    expect(await page.locator('.card-text').first().textContent()).to.equal('每月围绕一个民生主题开展代表小组活动，形成问题清单并跟踪办理。');
    const thumb = page.locator('.card-img img').first();
    await thumb.scrollIntoViewIfNeeded();
    await page.waitForFunction("document.querySelector('.card-img img')?.complete === true");
    // The 480-px size: as JPEG, or as AVIF once its copies are made (test/browser/citizen.test.ts waits for those).
    expect(await thumb.evaluate((img) => (img as unknown as { currentSrc: string }).currentSrc)).to.match(/-list\.(jpg|avif)$/);
    expect(await thumb.getAttribute('loading')).to.equal('lazy');

    await page.goto(`${app.url}/meetings`, { waitUntil: 'load' });
    await noSidewaysScroll(page, PHONE.width);
    const [md] = await boxes(page, '.date-badge .date-md');
    expect(md.text).to.equal('12月15日');
    expect(md.height, 'the month and day stay on one line').to.be.below(30);
    await saveScreenshot(page, 'layout-phone-meetings');
    expect(page.problems).to.deep.equal([]);
    await page.close();
  });

  it('phone article and case: headings inside the text smaller than the title, cover with caption and srcset', async () => {
    const page = await slow(phone.newPage());
    for (const path of [`/news/${articleSlug}`, `/cases/${caseSlug}`]) {
      await page.goto(`${app.url}${path}`, { waitUntil: 'load' });
      await noSidewaysScroll(page, PHONE.width);
      // A string: tsx would wrap a named inner function with a helper the page does not have.
      const sizes = (await page.evaluate(
        "({ h1: parseFloat(getComputedStyle(document.querySelector('h1')).fontSize), h2: parseFloat(getComputedStyle(document.querySelector('.prose h2')).fontSize) })",
      )) as { h1: number; h2: number };
      expect(sizes.h2).to.be.below(sizes.h1);
      expect(await page.locator('figure.cover figcaption').textContent()).to.equal('代表在社区议事会上听取居民意见');
      expect(await page.locator('figure.cover img').getAttribute('sizes')).to.contain('calc(100vw - 32px)');
    }
    await saveScreenshot(page, 'layout-phone-case');
    expect(page.problems).to.deep.equal([]);
    await page.close();
  });

  it('phone meeting: calendar link and sign-up form with 44 px fields; signing up lands on the personal page', async () => {
    const page = await slow(phone.newPage());
    await page.goto(`${app.url}/meetings/${meetingSlug}`, { waitUntil: 'load' });
    await noSidewaysScroll(page, PHONE.width);
    expect(await page.locator('[data-testid="meeting-ics"]').getAttribute('href')).to.equal(`/meetings/${meetingSlug}.ics`);
    expect(await page.locator('[data-testid="seats-left"]').textContent()).to.equal('30');
    tapTargets(await boxes(page, '.signup input:not([tabindex="-1"]), .signup button, [data-testid="meeting-ics"]'), 'form control');
    await page.fill('#signup-name', '赵敏');
    await page.fill('#signup-phone', '13700001234');
    await page.fill('#signup-unit', '青秀区人大办');
    await saveScreenshot(page, 'layout-phone-signup');
    await Promise.all([page.waitForURL(/\/r\/[A-Za-z0-9_-]{22}\?done=1$/), page.click('.signup button[type="submit"]')]);
    expect(await page.locator('[data-testid="rsvp-confirmation"]').textContent()).to.contain('参加');
    expect(await page.content()).not.to.contain('13700001234');
    await saveScreenshot(page, 'layout-phone-signed-up');
    expect(page.problems).to.deep.equal([]);
    await page.close();
  });

  it('every page has a share title, description and an image that loads', async () => {
    const page = await slow(phone.newPage());
    const paths = ['/', '/news', '/deputies', '/groups', '/cases', '/meetings', `/meetings/${meetingSlug}`, `/news/${articleSlug}`, `/deputies/${deputySlug}`, `/cases/${caseSlug}`];
    for (const path of paths) {
      await page.goto(`${app.url}${path}`, { waitUntil: 'domcontentloaded' });
      const og = {
        title: (await page.locator('meta[property="og:title"]').getAttribute('content')) ?? '',
        description: (await page.locator('meta[property="og:description"]').getAttribute('content')) ?? '',
        image: (await page.locator('meta[property="og:image"]').getAttribute('content')) ?? '',
      };
      expect(og.title, `${path} og:title`).to.not.equal('');
      expect(og.description, `${path} og:description`).to.have.length.at.least(10);
      expect(og.image, `${path} og:image`).to.match(/^http:\/\/lianxin\.test\//);
      const image = await app.request('GET', og.image.replace('http://lianxin.test', ''));
      expect(image.status, `${path} image ${og.image}`).to.equal(200);
      expect(image.headers.get('content-type')).to.match(/^image\//);
      if (path.startsWith('/deputies/')) expect(og.title).to.equal('黄丽：乡镇人大代表 · 青秀区 社区卫生服务中心主任');
    }
    await page.close();
  });

  it('desktop: the header lines up with the content column, nothing overflows, the headline sits beside its picture', async () => {
    const page = await slow(desktop.newPage());
    for (const path of ['/', '/deputies', `/meetings/${meetingSlug}`]) {
      await page.goto(`${app.url}${path}`, { waitUntil: 'load' });
      await noSidewaysScroll(page, DESKTOP.width);
      const [brand] = await boxes(page, '.brand');
      const [first] = await boxes(page, 'main.page > *:not(.visually-hidden)');
      expect(Math.abs(brand.x - first.x), `${path}: brand at ${brand.x}, content at ${first.x}`).to.be.at.most(1);
      tapTargets(await boxes(page, '.nav a'), 'nav link');
    }
    await page.goto(`${app.url}/`, { waitUntil: 'load' });
    const [img] = await boxes(page, '.headline-img');
    const [title] = await boxes(page, '.headline-title');
    expect(title.x).to.be.greaterThan(img.x + img.width - 1);
    await saveScreenshot(page, 'layout-desktop-home');
    expect(page.problems).to.deep.equal([]);
    await page.close();
  });
});
