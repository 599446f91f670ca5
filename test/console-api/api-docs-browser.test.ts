import { expect } from 'chai';
import { startTestApp, type TestApp } from '../support/app';
import { launchBrowser, saveScreenshot, type TestBrowser } from '../browser/support';

describe('API docs in a browser', () => {
  let app: TestApp;
  let browser: TestBrowser;
  before(async () => {
    app = await startTestApp({ name: 'console-api-docs' });
    browser = await launchBrowser({ viewport: { width: 1280, height: 900 } });
  });
  after(async () => {
    await browser.close();
    await app.close();
  });

  it('renders Swagger UI under the CSP, offline, listing the operations', async function () {
    this.timeout(120_000);
    const page = await browser.newPage();
    const outside: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(app.url) && !r.url().startsWith('data:')) outside.push(r.url());
    });
    await page.goto(`${app.url}/api/docs`);
    // Swagger UI renders the tags progressively: wait for the content ones (≥ 10 tags in our document).
    await page.waitForFunction("document.querySelectorAll('.opblock-tag').length >= 10", undefined, { timeout: 90_000 });
    expect(await page.locator('.opblock-tag').allInnerTexts()).to.include.members(['auth', 'my-work', 'preview', 'publishing']);
    expect(await page.locator('.info .title').innerText()).to.include('lianxin');
    await saveScreenshot(page, 'api-docs');
    expect(outside).to.deep.equal([]);
    expect(page.problems.filter((p) => /Content Security Policy|Refused/i.test(p))).to.deep.equal([]);
  });
});
