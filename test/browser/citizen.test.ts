/**
 * A reader's browser on what issue 19 fixed last: the site over plain http on a LAN host name loads its CSS, script
 * and images (no https upgrade); covers come as AVIF from <picture> with caption and credit under them; every page's
 * footer shows the site settings with the filing numbers linked. Screenshots in test-artifacts/citizen-*.png.
 */
import { expect } from 'chai';
import sharp from 'sharp';
import { startTestApp, type TestApp } from '../support/app';
import { seed } from '../site/support';
import { waitFor } from '../publishing/support/fixtures';
import { launchBrowser, saveScreenshot, type TestBrowser, type WatchedPage } from './support';

const LAN_HOST = 'rd-lan.example';

describe('browser: LAN http, AVIF covers with captions, footer settings', function () {
  this.timeout(300_000);
  let app: TestApp;
  let browser: TestBrowser;
  let lanUrl: string;
  let articleSlug: string;

  before(async function () {
    this.timeout(300_000);
    // As on an office network: plain http, a host name that is not localhost.
    app = await startTestApp({
      name: 'browser_citizen',
      env: { PUBLIC_BASE_URL: `http://${LAN_HOST}`, SITE_ORGANIZER: '东湖区人大常委会办公室', SITE_ICP_NUMBER: '浙ICP备12345678号-1', SITE_PSB_NUMBER: '浙公网安备33010202000001号' },
    });
    lanUrl = app.url.replace('127.0.0.1', LAN_HOST);
    const editor = (await app.loginAs('editor')).token;
    const photo = await sharp({ create: { width: 1600, height: 900, channels: 3, background: { r: 40, g: 90, b: 150 } } }).jpeg().toBuffer();
    const fd = new FormData();
    fd.append('alt', '代表们围坐在会议桌旁讨论');
    fd.append('caption', '代表们在联络站讨论群众意见');
    fd.append('credit', '王小明');
    fd.append('file', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), 'station.jpg');
    const media = await app.request('POST', '/api/admin/media', { token: editor, rawBody: fd });
    expect(media.status, media.text).to.equal(201);
    await waitFor(
      'AVIF/WebP copies',
      async () => (await app.request('GET', `/api/admin/media/${media.body.id}`, { token: editor })).body.variants.length === 7,
      120_000,
      250,
    );
    articleSlug = (await seed(app, 'article', { title: '联络站里听民声', body: '## 现场\n\n代表们听取意见。', coverMediaId: media.body.id, featured: true })).slug;
    browser = await launchBrowser({ viewport: { width: 390, height: 844 }, isMobile: true, args: [`--host-resolver-rules=MAP ${LAN_HOST} 127.0.0.1`] });
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  async function open(path: string): Promise<WatchedPage> {
    const page = await browser.newPage();
    page.setDefaultTimeout(90_000);
    await page.goto(`${lanUrl}${path}`, { waitUntil: 'load', timeout: 90_000 });
    return page;
  }

  it('over http on a LAN host name: stylesheet applied, images loaded, nothing upgraded to https', async () => {
    // Every request of one load, watched from before it starts (a reload would abort what the first load still had
    // in flight, such as a lazy image below the fold, and report it as a failed request).
    const page = await browser.newPage();
    page.setDefaultTimeout(90_000);
    const requested: string[] = [];
    page.on('request', (r) => requested.push(r.url()));
    await page.goto(`${lanUrl}/news/${articleSlug}`, { waitUntil: 'load', timeout: 90_000 });
    expect(requested.filter((u) => u.startsWith('https:'))).to.deep.equal([]);
    const styled = await page.evaluate("getComputedStyle(document.querySelector('.masthead')).backgroundColor");
    expect(styled, 'site.css applied').to.not.equal('rgba(0, 0, 0, 0)');
    await page.locator('figure.cover img').evaluate((img) => (img as unknown as { decode(): Promise<void> }).decode());
    expect(await page.locator('figure.cover img').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).to.be.greaterThan(0);
    await saveScreenshot(page, 'citizen-lan-article');
    expect(page.problems).to.deep.equal([]);
    await page.close();
  });

  it('the cover comes as AVIF at the phone size, with caption and credit under it and the alt text on the image', async () => {
    const page = await open(`/news/${articleSlug}`);
    const img = page.locator('figure.cover picture img');
    await img.evaluate((el) => (el as unknown as { decode(): Promise<void> }).decode());
    expect(await img.evaluate((el) => (el as unknown as { currentSrc: string }).currentSrc)).to.match(/-list\.avif$|-cover\.avif$/);
    expect(await img.getAttribute('alt')).to.equal('代表们围坐在会议桌旁讨论');
    expect(await page.locator('figure.cover figcaption').textContent()).to.equal('代表们在联络站讨论群众意见摄影：王小明');
    const avif = await page.evaluate("performance.getEntriesByType('resource').filter((e) => e.name.endsWith('.avif')).map((e) => e.transferSize)");
    expect(avif as number[]).to.have.length(1);
    await saveScreenshot(page, 'citizen-avif-cover');
    expect(page.problems).to.deep.equal([]);
    await page.close();
  });

  it('every page footer shows the organiser and the linked filing numbers', async () => {
    for (const path of ['/', '/news', '/meetings', '/deputies', '/no-such-page']) {
      const page = await open(path);
      const footer = page.locator('footer.footer');
      await footer.scrollIntoViewIfNeeded();
      expect(await footer.textContent(), path).to.include('主办单位：东湖区人大常委会办公室');
      expect(await footer.locator('a', { hasText: '浙ICP备12345678号-1' }).getAttribute('href'), path).to.equal('https://beian.miit.gov.cn/');
      expect(await footer.locator('a', { hasText: '浙公网安备33010202000001号' }).getAttribute('href'), path).to.equal('https://beian.mps.gov.cn/#/query/webSearch?code=33010202000001');
      if (path === '/') await saveScreenshot(page, 'citizen-footer-home');
      await page.close();
    }
  });
});
