/** /metrics is for the operator's scraper only: a token, an allowed address, or (unconfigured) loopback. */
import { expect } from 'chai';
import { startTestApp, type TestApp } from '../support/app';

describe('/metrics access', () => {
  describe('unconfigured: loopback only', () => {
    let app: TestApp;
    before(async () => {
      app = await startTestApp({ name: 'metrics_default' });
    });
    after(() => app.close());

    it('answers a local scraper but not a request a local reverse proxy forwarded', async () => {
      expect((await app.request('GET', '/metrics')).status).to.equal(200);
      const proxied = await app.request('GET', '/metrics', { headers: { 'x-forwarded-for': '198.51.100.7' } });
      expect(proxied.status).to.equal(403);
      expect(proxied.body.error.code).to.equal('metrics_forbidden');
    });
  });

  describe('with METRICS_TOKEN and METRICS_ALLOW behind a proxy', () => {
    const TOKEN = 'scrape-token-0123456789';
    let app: TestApp;
    before(async () => {
      app = await startTestApp({ name: 'metrics_conf', env: { METRICS_TOKEN: TOKEN, METRICS_ALLOW: '10.9.9.9', TRUST_PROXY: 'true' } });
    });
    after(() => app.close());

    it('answers the token or the allowed address, and nobody else', async () => {
      expect((await app.request('GET', '/metrics')).status).to.equal(403);
      expect((await app.request('GET', '/metrics', { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).to.be.oneOf([401, 403]);
      const byToken = await app.request('GET', '/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(byToken.status).to.equal(200);
      expect(byToken.text).to.contain('lianxin_http_request_duration_seconds');
      expect((await app.request('GET', '/metrics', { headers: { 'x-forwarded-for': '10.9.9.9' } })).status).to.equal(200);
      expect((await app.request('GET', '/metrics', { headers: { 'x-forwarded-for': '10.9.9.9, 198.51.100.7' } })).status).to.equal(403);
    });
  });
});
