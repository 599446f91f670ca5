/** The access log: one JSON line per request with its request id; secrets in paths (RSVP tokens) never reach it. */
import { expect } from 'chai';
import type { AddressInfo } from 'node:net';
import { request as httpRequest } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Koa from 'koa';
import Router from '@koa/router';
import pino from 'pino';
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

/**
 * A logger writing to a file (pino.destination): the access lines go out as the bytes they were encoded into, beside
 * the logger's own lines on the same descriptor — each line whole, in the same shape, non-ASCII text intact.
 */
for (const sync of [false, true]) {
  describe(`access log to a file (${sync ? 'synchronous' : 'asynchronous'} destination)`, () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lianxin-access-log-'));
    const file = path.join(dir, 'service.log');
    let server: ReturnType<Koa['listen']>;
    let base: string;
    let logger: ReturnType<typeof createLogger>;

    before(async () => {
      logger = createLogger('info', pino.destination({ dest: file, sync }));
      const app = new Koa();
      const router = new Router();
      router.get('/news/:slug', (ctx) => (ctx.body = 'article'));
      app.use(requestContext(logger, accessRecorder(logger, createMetrics())) as Koa.Middleware);
      app.use(async (ctx, next) => {
        if (ctx.get('x-user')) ctx.state.user = { username: decodeURIComponent(ctx.get('x-user')) };
        await next();
      });
      app.use(router.routes());
      server = app.listen(0, '127.0.0.1');
      await new Promise((r) => server.once('listening', r));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(() => {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    });

    /** The file's lines, once every wanted request id has its line (lines go out in batches). */
    async function fileLines(ids: string[]): Promise<Record<string, unknown>[]> {
      for (let i = 0; i < 200; i++) {
        const text = readFileSync(file, 'utf8');
        const lines = text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
        if (ids.every((id) => lines.some((l) => l.requestId === id))) return lines;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error(`access lines for ${ids.join(', ')} not written`);
    }

    it('writes every access line whole, in the logger’s shape, between the logger’s own lines', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 40; i++) {
        const id = `file-${sync}-${i}`;
        ids.push(id);
        const headers: Record<string, string> = { 'x-request-id': id };
        if (i % 2) headers['x-user'] = encodeURIComponent('王芳');
        expect((await fetch(`${base}/news/slug-${i}`, { headers })).status).to.equal(200);
        if (i % 10 === 0) logger.info({ round: i }, 'own line');
      }
      const lines = await fileLines(ids);
      const access = lines.filter((l) => l.msg === 'request');
      expect(access.map((l) => l.requestId)).to.deep.equal(ids);
      access.forEach((line, i) => {
        const keys = ['level', 'time', 'service', 'requestId', 'method', 'path', 'status', 'ms', ...(i % 2 ? ['user'] : []), 'msg'];
        expect(Object.keys(line)).to.deep.equal(keys);
        expect(line).to.include({ level: 30, service: 'lianxin', method: 'GET', path: `/news/slug-${i}`, status: 200 });
        if (i % 2) expect(line.user).to.equal('王芳');
      });
      expect(lines.filter((l) => l.msg === 'own line').map((l) => l.round)).to.deep.equal([0, 10, 20, 30]);
    });
  });
}
