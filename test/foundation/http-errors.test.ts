import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { startTestApp, type TestApp } from '../support/app';
import { createLogger } from '../../src/logger';
import { createMetrics } from '../../src/http/metrics';
import { accessRecorder, requestContext } from '../../src/http/request-context';
import { errorsMiddleware } from '../../src/http/errors-middleware';

function expectErrorShape(body: any, code: string): void {
  expect(body).to.have.property('error');
  expect(body.error).to.include.keys('code', 'message', 'details');
  expect(body.error.code).to.equal(code);
  expect(body.error.message).to.be.a('string').and.not.empty;
}

describe('HTTP behaviour', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ name: 'http', env: { BODY_LIMIT_KB: '4', LOGIN_MAX_FAILURES: '3' } });
  });
  after(() => app.close());

  it('serves liveness, readiness and metrics', async () => {
    expect((await app.request('GET', '/healthz')).body).to.deep.equal({ status: 'ok' });
    expect((await app.request('GET', '/readyz')).body).to.deep.equal({ status: 'ready' });
    const metrics = await app.request('GET', '/metrics');
    expect(metrics.status).to.equal(200);
    expect(metrics.text).to.contain('lianxin_http_request_duration_seconds');
  });

  it('sets security headers and a request id', async () => {
    const res = await app.request('GET', '/healthz', { headers: { 'x-request-id': 'abc-123' } });
    expect(res.headers.get('x-request-id')).to.equal('abc-123');
    expect(res.headers.get('x-content-type-options')).to.equal('nosniff');
    expect(res.headers.get('content-security-policy')).to.contain("default-src 'self'");
    expect(res.headers.get('x-frame-options')).to.equal('SAMEORIGIN');
    const generated = await app.request('GET', '/healthz', { headers: { 'x-request-id': '<script>' } });
    expect(generated.headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}$/);
  });

  it('400 for malformed JSON', async () => {
    const res = await app.request('POST', '/api/auth/login', { rawBody: '{"username": ', headers: { 'content-type': 'application/json' } });
    expect(res.status).to.equal(400);
    expectErrorShape(res.body, 'malformed_json');
  });

  it('400 for failed validation, naming the field', async () => {
    const res = await app.request('POST', '/api/auth/login', { body: { username: 'x', password: { $gt: '' } } });
    expect(res.status).to.equal(400);
    expectErrorShape(res.body, 'validation_failed');
    expect(res.body.error.details.map((d: any) => d.field)).to.include('body.password');
  });

  it('400 for unknown fields', async () => {
    const res = await app.request('POST', '/api/auth/login', { body: { username: 'x', password: 'y', admin: true } });
    expect(res.status).to.equal(400);
    expect(res.body.error.details).to.deep.include({ field: 'body.admin', message: 'unknown field' });
  });

  it('401 without a token, and for an invalid one', async () => {
    const none = await app.request('GET', '/api/auth/me');
    expect(none.status).to.equal(401);
    expectErrorShape(none.body, 'unauthorized');
    const bad = await app.request('GET', '/api/auth/me', { token: 'x'.repeat(43) });
    expect(bad.status).to.equal(401);
    expectErrorShape(bad.body, 'invalid_token');
  });

  it('403 for the wrong role', async () => {
    const { token } = await app.loginAs('editor');
    const res = await app.request('GET', '/api/admin/users', { token });
    expect(res.status).to.equal(403);
    expectErrorShape(res.body, 'forbidden');
  });

  it('404 for an unknown route, as JSON', async () => {
    const res = await app.request('GET', '/api/no-such-thing');
    expect(res.status).to.equal(404);
    expectErrorShape(res.body, 'not_found');
  });

  it('409 on a conflict', async () => {
    const { token } = await app.loginAs('admin');
    const body = { username: 'duplicate', password: 'long-enough-password', role: 'editor' };
    expect((await app.request('POST', '/api/admin/users', { token, body })).status).to.equal(201);
    const res = await app.request('POST', '/api/admin/users', { token, body });
    expect(res.status).to.equal(409);
    expectErrorShape(res.body, 'username_taken');
  });

  it('413 for a body over the limit', async () => {
    const res = await app.request('POST', '/api/auth/login', { body: { username: 'x', password: 'y'.repeat(8 * 1024) } });
    expect(res.status).to.equal(413);
    expectErrorShape(res.body, 'payload_too_large');
  });

  it('415 for a body that is not JSON', async () => {
    const res = await app.request('POST', '/api/auth/login', { rawBody: 'username=x&password=y', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(res.status).to.equal(415);
    expectErrorShape(res.body, 'unsupported_media_type');
  });

  it('429 after repeated failed logins, even with the right password, with Retry-After', async () => {
    const admin = await app.loginAs('admin');
    for (let i = 0; i < 3; i++) {
      const res = await app.request('POST', '/api/auth/login', { body: { username: admin.username, password: 'wrong-password' } });
      expect(res.status).to.equal(401);
    }
    const res = await app.request('POST', '/api/auth/login', { body: { username: admin.username, password: admin.password } });
    expect(res.status).to.equal(429);
    expectErrorShape(res.body, 'too_many_requests');
    expect(Number(res.headers.get('retry-after'))).to.be.greaterThan(0);
  });

  it('405 for a known path with another method, with Allow and the JSON error shape', async () => {
    const res = await app.request('DELETE', '/api/auth/login');
    expect(res.status).to.equal(405);
    expect(res.headers.get('content-type')).to.match(/json/);
    expectErrorShape(res.body, 'method_not_allowed');
    expect(res.headers.get('allow')).to.contain('POST');
  });

  it('501 for a method no route implements, in the JSON error shape', async () => {
    const res = await app.request('PROPFIND', '/api/auth/login');
    expect(res.status).to.equal(501);
    expect(res.headers.get('content-type')).to.match(/json/);
    expectErrorShape(res.body, 'not_implemented');
  });

  it('500 without leaking the error or its stack', async () => {
    // A bare Koa app with our request-context and error middleware around a handler that fails unexpectedly.
    const koa = new Koa();
    koa.silent = true;
    const silent = createLogger('silent');
    koa.use(requestContext(silent, accessRecorder(silent, createMetrics())) as Koa.Middleware);
    koa.use(errorsMiddleware as Koa.Middleware);
    koa.use(() => {
      throw new Error('secret connection string mongodb://user:pass@host');
    });
    const server = http.createServer(koa.callback()).listen(0);
    try {
      const { port } = server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/`);
      const text = await res.text();
      expect(res.status).to.equal(500);
      expectErrorShape(JSON.parse(text), 'internal_error');
      expect(text).not.to.contain('secret').and.not.to.contain('at ');
      expect(JSON.parse(text).error.details.requestId).to.equal(res.headers.get('x-request-id'));
    } finally {
      server.close();
    }
  });
});
