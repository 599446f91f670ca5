/**
 * Site settings (GET/PUT /api/admin/site-settings): the footer's 主办单位, ICP备案号 (linked to the MIIT filing
 * system) and 公安备案号 (linked to its record), and the site name, from configuration defaults until an admin
 * changes them; cached pages show the change at once, and going back to a default is a null.
 */
import { expect } from 'chai';
import { startTestApp, type TestApp } from '../support/app';
import { TestClock, testDate } from '../support/clock';
import { loadConfig } from '../../src/config';

const footerOf = (html: string) => /<footer class="footer">([\s\S]*?)<\/footer>/.exec(html)?.[1] ?? '';

describe('site settings: footer and site name', () => {
  let app: TestApp;
  let admin: string;
  before(async () => {
    app = await startTestApp({
      name: 'site_settings',
      clock: new TestClock(testDate('05-01T02:00:00Z')),
      env: { SITE_NAME: '东湖人大代表在行动', SITE_ORGANIZER: '东湖区人大常委会办公室', SITE_ICP_NUMBER: '浙ICP备12345678号-1' },
    });
    admin = (await app.loginAs('admin')).token;
  });
  after(() => app.close());

  it('shows the configured defaults in every page footer, and the name in titles and share cards', async () => {
    for (const path of ['/', '/news', '/meetings', '/deputies', '/no-such-page']) {
      const page = await app.request('GET', path);
      const footer = footerOf(page.text);
      expect(footer, path).to.include('东湖人大代表在行动');
      expect(footer, path).to.include('主办单位：东湖区人大常委会办公室');
      expect(footer, path).to.include('<a href="https://beian.miit.gov.cn/" target="_blank" rel="noopener">浙ICP备12345678号-1</a>');
      expect(footer, path).to.not.include('公网安备');
    }
    const home = await app.request('GET', '/');
    expect(home.text).to.include('<title>东湖人大代表在行动</title>');
    expect(home.text).to.include('<meta property="og:site_name" content="东湖人大代表在行动">');
    const settings = await app.request('GET', '/api/admin/site-settings', { token: admin });
    expect(settings.status, settings.text).to.equal(200);
    expect(settings.body.settings).to.deep.equal({ name: '东湖人大代表在行动', organizer: '东湖区人大常委会办公室', icpNumber: '浙ICP备12345678号-1', psbNumber: '' });
    expect(settings.body.updatedAt).to.equal(null);
  });

  it('an admin change replaces cached pages at once; null goes back to the default', async () => {
    await app.request('GET', '/news'); // cached now
    const res = await app.request('PUT', '/api/admin/site-settings', {
      token: admin,
      body: { name: '连心·东湖', organizer: '东湖区人大常委会', psbNumber: '浙公网安备33010202000001号' },
    });
    expect(res.status, res.text).to.equal(200);
    expect(res.body.settings).to.include({ name: '连心·东湖', organizer: '东湖区人大常委会', psbNumber: '浙公网安备33010202000001号', icpNumber: '浙ICP备12345678号-1' });
    expect(res.body.defaults.name).to.equal('东湖人大代表在行动');
    const news = await app.request('GET', '/news');
    const footer = footerOf(news.text);
    expect(footer).to.include('连心·东湖');
    expect(footer).to.include('主办单位：东湖区人大常委会');
    expect(footer).to.include('<a href="https://beian.mps.gov.cn/#/query/webSearch?code=33010202000001" target="_blank" rel="noopener">浙公网安备33010202000001号</a>');
    expect(news.text).to.include(' - 连心·东湖</title>');

    const back = await app.request('PUT', '/api/admin/site-settings', { token: admin, body: { name: null, organizer: '' } });
    expect(back.body.settings).to.include({ name: '东湖人大代表在行动', organizer: '' });
    const again = footerOf((await app.request('GET', '/news')).text);
    expect(again).to.include('东湖人大代表在行动');
    expect(again).to.not.include('主办单位');
  });

  it('refuses malformed numbers with the field named, and anyone but an admin', async () => {
    const bad = await app.request('PUT', '/api/admin/site-settings', { token: admin, body: { icpNumber: 'ICP 12345', name: '' } });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.code).to.equal('validation_failed');
    const fields = bad.body.error.details.map((d: { field: string }) => d.field);
    expect(fields).to.include.members(['body.icpNumber', 'body.name']);
    const empty = await app.request('PUT', '/api/admin/site-settings', { token: admin, body: {} });
    expect(empty.status).to.equal(400);
    const editor = (await app.loginAs('editor')).token;
    expect((await app.request('PUT', '/api/admin/site-settings', { token: editor, body: { organizer: 'x' } })).status).to.equal(403);
    expect((await app.request('GET', '/api/admin/site-settings')).status).to.equal(401);
    // Nothing was half-written.
    const now = await app.request('GET', '/api/admin/site-settings', { token: admin });
    expect(now.body.settings.icpNumber).to.equal('浙ICP备12345678号-1');
  });

  it('refuses a malformed filing number in the configuration, naming the variable', () => {
    expect(() => loadConfig({ NODE_ENV: 'test', SITE_ICP_NUMBER: '12345' })).to.throw(/SITE_ICP_NUMBER/);
  });
});
