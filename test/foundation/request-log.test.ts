/** The access log: one JSON line per request with its request id; secrets in paths (RSVP tokens) never reach it. */
import { expect } from 'chai';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import Router from '@koa/router';
import { createLogger } from '../../src/logger';
import { createMetrics } from '../../src/http/metrics';
import { requestContext } from '../../src/http/request-context';

describe('access log', () => {
  const lines: Record<string, unknown>[] = [];
  let server: ReturnType<Koa['listen']>;
  let base: string;

  before(async () => {
    const sink = new Writable({
      write(chunk, _enc, done) {
        for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
        done();
      },
    });
    const app = new Koa();
    const router = new Router();
    router.get('/r/:token', (ctx) => (ctx.body = 'rsvp'));
    router.get('/news/:slug', (ctx) => (ctx.body = 'article'));
    app.use(requestContext(createLogger('info', sink), createMetrics()) as Koa.Middleware);
    app.use(router.routes());
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  it('logs method, path, status and the request id it returns', async () => {
    const res = await fetch(`${base}/news/some-slug`, { headers: { 'x-request-id': 'trace-123' } });
    expect(res.headers.get('x-request-id')).to.equal('trace-123');
    const line = lines.find((l) => l.requestId === 'trace-123');
    expect(line).to.include({ msg: 'request', method: 'GET', path: '/news/some-slug', status: 200 });
  });

  it('logs an RSVP link by its route pattern, never the token', async () => {
    const token = 'SECRETtoken0123456789abcdef';
    const res = await fetch(`${base}/r/${token}`, { headers: { 'x-request-id': 'rsvp-1' } });
    expect(res.status).to.equal(200);
    const line = lines.find((l) => l.requestId === 'rsvp-1');
    expect(line).to.include({ path: '/r/:token', status: 200 });
    expect(JSON.stringify(lines)).not.to.contain(token);
  });
});
