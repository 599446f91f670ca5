/** The access log: one JSON line per request with its request id; secrets in paths (RSVP tokens) never reach it. */
import { expect } from 'chai';
import type { AddressInfo } from 'node:net';
import { request as httpRequest } from 'node:http';
import Koa from 'koa';
import Router from '@koa/router';
import { createLogger } from '../../src/logger';
import { createMetrics } from '../../src/http/metrics';
import { accessRecorder, requestContext } from '../../src/http/request-context';
import { lineOf, logLines } from '../support/log-lines';

describe('access log', () => {
  const { sink, lines } = logLines();
  let server: ReturnType<Koa['listen']>;
  let base: string;

  before(async () => {
    const logger = createLogger('info', sink);
    const app = new Koa();
    const router = new Router();
    router.get('/r/:token', (ctx) => (ctx.body = 'rsvp'));
    router.get('/news/:slug', (ctx) => (ctx.body = 'article'));
    app.use(requestContext(logger, accessRecorder(logger, createMetrics())) as Koa.Middleware);
    app.use(router.routes());
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  it('logs method, path, status and the request id it returns', async () => {
    const res = await fetch(`${base}/news/some-slug`, { headers: { 'x-request-id': 'trace-123' } });
    expect(res.headers.get('x-request-id')).to.equal('trace-123');
    const line = await lineOf(lines, 'trace-123');
    expect(line).to.include({ msg: 'request', method: 'GET', path: '/news/some-slug', status: 200 });
  });

  it('logs an RSVP link by its route pattern, never the token', async () => {
    const token = 'SECRETtoken0123456789abcdef';
    const res = await fetch(`${base}/r/${token}`, { headers: { 'x-request-id': 'rsvp-1' } });
    expect(res.status).to.equal(200);
    const line = await lineOf(lines, 'rsvp-1');
    expect(line).to.include({ path: '/r/:token', status: 200 });
    expect(JSON.stringify(lines)).not.to.contain(token);
  });

  it('writes each line in the logger’s JSON shape, escaping what the client controls', async () => {
    // A quote and a backslash sent unencoded (fetch would percent-encode them).
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${base}/`, { path: '/news/a"b\\c', headers: { 'x-request-id': 'shape-1' } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).to.equal(200);
    const line = await lineOf(lines, 'shape-1');
    expect(Object.keys(line!)).to.deep.equal(['level', 'time', 'service', 'requestId', 'method', 'path', 'status', 'ms', 'msg']);
    expect(line).to.include({ level: 30, service: 'lianxin', path: '/news/a"b\\c' });
    expect(new Date(String(line!.time)).toISOString()).to.equal(line!.time);
  });
});

describe('access log sampling (ACCESS_LOG_SAMPLE)', () => {
  const { sink, lines } = logLines();
  let server: ReturnType<Koa['listen']>;
  let base: string;

  before(async () => {
    const logger = createLogger('info', sink);
    const app = new Koa();
    const router = new Router();
    router.get('/ok', (ctx) => (ctx.body = 'ok'));
    app.use(requestContext(logger, accessRecorder(logger, createMetrics(), { sampleRate: 0.25 })) as Koa.Middleware);
    app.use(router.routes());
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  it('logs that share of successful requests, evenly, and every error', async () => {
    for (let i = 0; i < 12; i++) expect((await fetch(`${base}/ok`, { headers: { 'x-request-id': `ok-${i}` } })).status).to.equal(200);
    for (let i = 0; i < 3; i++) expect((await fetch(`${base}/missing`, { headers: { 'x-request-id': `missing-${i}` } })).status).to.equal(404);
    expect(await lineOf(lines, 'missing-2')).to.include({ status: 404 });
    const logged = lines.map((l) => String(l.requestId));
    expect(logged.filter((id) => id.startsWith('ok-'))).to.deep.equal(['ok-3', 'ok-7', 'ok-11']);
    expect(logged.filter((id) => id.startsWith('missing-'))).to.deep.equal(['missing-0', 'missing-1', 'missing-2']);
  });
});
