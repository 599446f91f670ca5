/**
 * The staff console in Chromium against the real app: the built console (built here if missing), the app on the
 * test's TestClock (a fixed day in TEST_YEAR) with the fake WeChat and SMS providers, users of each role, and sign-in through the form.
 *
 *   const env = await startConsoleEnv('console_editor');
 *   const page = await env.signIn('editor');          // a fresh browser context, signed in through /admin/login
 *   await shoot(page, 'editor-list');                  // test-artifacts/console/editor-list-1280.png and -768.png
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { createUser } from '../../src/auth/service';
import type { Role } from '../../src/auth/roles';
import { startTestApp, type TestApp } from '../support/app';
import { TestClock, testDate } from '../support/clock';
import { startFakeTencentSms, startFakeWechat, type FakeTencentSms, type FakeWechat } from '../fakes';
import { ARTIFACTS_DIR, launchBrowser, type TestBrowser, type WatchedPage } from '../browser/support';

const REPO = path.resolve(__dirname, '../..');
export const CONSOLE_DIST = path.join(REPO, 'src/console/dist');

/** `npm install` builds the console (prepare); a checkout without a build gets one here. */
export function ensureConsoleBuilt(): void {
  if (existsSync(path.join(CONSOLE_DIST, 'index.html'))) return;
  const res = spawnSync(process.execPath, [path.join(REPO, 'src/console/scripts/prepare.mjs')], { cwd: REPO, stdio: 'inherit' });
  if (res.status !== 0 || !existsSync(path.join(CONSOLE_DIST, 'index.html'))) throw new Error('the console build failed');
}

export interface Staff {
  username: string;
  password: string;
  displayName: string;
  id: string;
}

export interface ConsoleEnv {
  app: TestApp;
  clock: TestClock;
  wechat: FakeWechat;
  sms: FakeTencentSms;
  users: Record<Role, Staff>;
  /** A new browser (1280 × 800 unless told) signed in as this role through the sign-in form. */
  signIn(role: Role, viewport?: { width: number; height: number }): Promise<WatchedPage>;
  /**
   * Creates the role's user with what the role is tied to (a liaison's groups, a department user's unit), so
   * `signIn(role)` signs in as it. Liaison and department users need these, so they are not made up front.
   */
  addStaff(role: Role, scope: { groupIds?: string[]; departmentId?: string }): Promise<Staff>;
  /** A new browser, signed out. */
  newPage(viewport?: { width: number; height: number }): Promise<WatchedPage>;
  /** After a failed test: a screenshot of every open page (test-artifacts/console/failed-*.png) and their problems. */
  recordFailure(title: string): Promise<void>;
  close(): Promise<void>;
}

const NAMES: Record<Role, string> = { admin: '管理员老周', editor: '编辑小王', reviewer: '审核老李', organizer: '组织者小陈', liaison: '联络员小赵', department: '承办单位小孙', supervisor: '督导组老吴' };

export async function startConsoleEnv(name: string, options: { env?: Record<string, string> } = {}): Promise<ConsoleEnv> {
  ensureConsoleBuilt();
  const wechat = await startFakeWechat();
  const sms = await startFakeTencentSms();
  // A fixed mid-day in Beijing in TEST_YEAR (ahead of the wall clock, which the engine's TTL monitor and the
  // browser's cookie expiry go by). Every date a test enters is computed from this clock, never from today's date.
  const clock = new TestClock(testDate('03-10T02:00:00Z'));
  const app = await startTestApp({
    name,
    clock,
    env: {
      CONSOLE_DIR: CONSOLE_DIST,
      SMS_PROVIDER: 'tencent',
      SMS_ENDPOINT: sms.url,
      TENCENT_SECRET_ID: 'AKIDfake',
      TENCENT_SECRET_KEY: 'fake-key',
      TENCENT_SMS_APP_ID: '1400000000',
      WECHAT_APP_ID: wechat.state.appId,
      WECHAT_APP_SECRET: wechat.state.appSecret,
      WECHAT_API_BASE: wechat.url,
      WECHAT_ACCOUNT_TYPE: 'subscription',
      ...options.env,
    },
  });
  const users = {} as Record<Role, Staff>;
  for (const role of ['admin', 'editor', 'reviewer', 'organizer', 'supervisor'] as Role[]) {
    const username = `${role}-${randomBytes(3).toString('hex')}`;
    const password = `pw-${randomBytes(8).toString('hex')}`;
    const user = await createUser({ username, password, role, displayName: NAMES[role] }, clock.now());
    users[role] = { username, password, displayName: NAMES[role], id: user.id };
  }
  const browsers: TestBrowser[] = [];
  const pages: WatchedPage[] = [];

  async function newPage(viewport = { width: 1280, height: 800 }): Promise<WatchedPage> {
    // Desktop pixels (scale 1): the console's full-page screenshots stay quick to take and to look at.
    const browser = await launchBrowser({ viewport, isMobile: false, deviceScaleFactor: 1 });
    browsers.push(browser);
    const page = await browser.newPage();
    // Waits for what the server does on its own time (autosave, the delivery worker, live RSVP) get twice
    // Playwright's 30 s default: on a loaded 2-core machine a screen can take longer than that to settle.
    page.setDefaultTimeout(60_000);
    pages.push(page);
    return page;
  }

  return {
    app,
    clock,
    wechat,
    sms,
    users,
    newPage,
    async addStaff(role, scope) {
      const username = `${role}-${randomBytes(3).toString('hex')}`;
      const password = `pw-${randomBytes(8).toString('hex')}`;
      const user = await createUser({ username, password, role, displayName: NAMES[role], ...scope }, clock.now());
      users[role] = { username, password, displayName: NAMES[role], id: user.id };
      return users[role];
    },
    async signIn(role, viewport) {
      const page = await newPage(viewport);
      await page.goto(`${app.url}/admin/login`);
      await page.getByLabel('用户名').fill(users[role].username);
      await page.getByLabel('密码').fill(users[role].password);
      await Promise.all([page.waitForURL((u) => !u.pathname.endsWith('/login')), page.getByRole('button', { name: '登录' }).click()]);
      await page.getByTestId('user-menu').waitFor();
      // The start page has loaded its lists (so a test's next navigation interrupts nothing).
      await page.locator('[data-testid="work"][data-loaded="true"]').waitFor({ state: 'attached' });
      return page;
    },
    async recordFailure(title) {
      const dir = path.join(ARTIFACTS_DIR, 'console');
      mkdirSync(dir, { recursive: true });
      for (const [i, page] of pages.entries()) {
        if (page.isClosed()) continue;
        const file = path.join(dir, `failed-${title.replace(/[^\w]+/g, '-').slice(0, 40)}-${i}.png`);
        await page.screenshot({ path: file, fullPage: true }).catch(() => {});
        console.error(`  page ${i} at ${page.url()} (${file}); problems: ${JSON.stringify(page.problems, null, 1)}`);
      }
    },
    async close() {
      for (const b of browsers) await b.close().catch(() => {});
      await app.close();
      await wechat.close();
      await sms.close();
    },
  };
}

/** Full-page screenshots at 1280 and 768 wide into test-artifacts/console/, then back to the page's own width. */
export async function shoot(page: WatchedPage, name: string): Promise<void> {
  const dir = path.join(ARTIFACTS_DIR, 'console');
  mkdirSync(dir, { recursive: true });
  const original = page.viewportSize() ?? { width: 1280, height: 800 };
  for (const width of [1280, 768]) {
    await page.setViewportSize({ width, height: 800 });
    await page.waitForTimeout(150); // the layout reacts to the width (menu collapses below 1000 px)
    await page.screenshot({ path: path.join(dir, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize(original);
}

/** No console errors, failed requests or HTTP errors except those the test expected (by URL part). */
export function expectNoProblems(page: WatchedPage, expected: RegExp[] = []): void {
  // Chromium's "Failed to load resource" repeats an "HTTP nnn: url" entry without the URL.
  // A request cut short by the test navigating away (net::ERR_ABORTED) is not a problem of the page.
  const problems = page.problems.filter((p) => !p.startsWith('console error: Failed to load resource') && !p.includes('net::ERR_ABORTED'));
  expect(problems.filter((p) => !expected.some((e) => e.test(p)))).to.deep.equal([]);
}

/** "YYYY-MM-DD HH:mm" in Beijing time for an instant (what the date-time picker takes). */
export function beijingWallClock(d: Date): string {
  return new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
}
