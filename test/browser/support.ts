/**
 * Headless Chromium for browser tests: Debian's `chromium` package (CHROMIUM_PATH overrides the path) driven by
 * playwright-core, which never downloads a browser of its own. A fresh profile per launch, a phone viewport.
 *
 *   const browser = await launchBrowser();
 *   const page = await browser.newPage();          // problems on this page are collected in page.problems
 *   await page.goto(`${app.url}/`);
 *   await saveScreenshot(page, 'home');            // test-artifacts/home.png
 *   expect(page.problems).to.deep.equal([]);
 *   await browser.close();
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const ARTIFACTS_DIR = path.resolve(__dirname, '../../test-artifacts');

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** A page whose console errors, page errors and failed requests are collected as they happen. */
export type WatchedPage = Page & { problems: string[] };

export interface TestBrowser {
  context: BrowserContext;
  newPage(): Promise<WatchedPage>;
  close(): Promise<void>;
}

export async function launchBrowser(
  options: { viewport?: { width: number; height: number }; isMobile?: boolean; deviceScaleFactor?: number; /** Extra Chromium switches (e.g. --host-resolver-rules). */ args?: string[] } = {},
): Promise<TestBrowser> {
  const profile = mkdtempSync(path.join(tmpdir(), 'lianxin-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...ARGS, ...(options.args ?? [])],
    viewport: options.viewport ?? { width: 375, height: 812 },
    isMobile: options.isMobile ?? true,
    hasTouch: options.isMobile ?? true,
    deviceScaleFactor: options.deviceScaleFactor ?? 2,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  return {
    context,
    async newPage() {
      const page = (await context.newPage()) as WatchedPage;
      page.problems = [];
      page.on('console', (msg) => {
        if (msg.type() === 'error') page.problems.push(`console error: ${msg.text()}`);
      });
      page.on('pageerror', (err) => page.problems.push(`page error: ${err.message}`));
      page.on('requestfailed', (req) => {
        // An image fetch the browser cancels itself (a lazy image, a srcset candidate replaced once layout settles) is
        // its choice, not a failure of the site: a missing image still shows as an HTTP error or another net error.
        if (req.resourceType() === 'image' && req.failure()?.errorText === 'net::ERR_ABORTED') return;
        page.problems.push(`request failed: ${req.url()} (${req.failure()?.errorText})`);
      });
      page.on('response', (res) => {
        if (res.status() >= 400) page.problems.push(`HTTP ${res.status()}: ${res.url()}`);
      });
      return page;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Saves a full-page PNG under test-artifacts/ (gitignored; CI keeps it as an artifact). */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
