/**
 * HTTPS-only headers follow PUBLIC_BASE_URL: over plain http (a LAN address) neither HSTS nor
 * upgrade-insecure-requests is sent, or every stylesheet, script and image would be fetched over an https port
 * nobody serves; over https both are sent. The browser side is in test/browser/citizen.test.ts.
 */
import { expect } from 'chai';
import { startTestApp, type TestApp } from '../support/app';

async function headersOf(app: TestApp, path: string) {
  const res = await app.request('GET', path);
  return { csp: res.headers.get('content-security-policy') ?? '', hsts: res.headers.get('strict-transport-security'), coop: res.headers.get('cross-origin-opener-policy') };
}

// One app at a time: the app shares the process's mongoose connection.
describe('security headers over http (a LAN address)', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ name: 'sec_http', env: { PUBLIC_BASE_URL: 'http://192.168.1.20:3000' } });
  });
  after(() => app.close());

  it('a content security policy without upgrade-insecure-requests, and no HSTS (pages, API and cached pages alike)', async () => {
    for (const path of ['/', '/', '/healthz', '/news']) {
      const { csp, hsts, coop } = await headersOf(app, path);
      expect(csp, path).to.include("default-src 'self'");
      expect(csp, path).to.not.include('upgrade-insecure-requests');
      expect(hsts, path).to.equal(null);
      expect(coop, path).to.equal(null);
    }
  });
});

describe('security headers over https', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ name: 'sec_https', env: { PUBLIC_BASE_URL: 'https://rd.example.gov.cn' } });
  });
  after(() => app.close());

  it('both upgrade-insecure-requests and HSTS are sent', async () => {
    for (const path of ['/', '/', '/healthz']) {
      const { csp, hsts, coop } = await headersOf(app, path);
      expect(csp, path).to.include('upgrade-insecure-requests');
      expect(hsts, path).to.match(/max-age=\d+/);
      expect(coop, path).to.equal('same-origin');
    }
  });
});
