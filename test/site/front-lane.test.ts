/**
 * Cached pages answered before Koa (the front lane) are the same responses the Koa pipeline gives: status, every
 * header but the per-request ones, bytes — for plain, Brotli and gzip, HEAD and 304 — and they are logged and
 * counted like any request. A request with an Authorization header always takes the Koa path, so it is the reference.
 */
import { expect } from 'chai';
import { request as httpRequest } from 'node:http';
import { createLogger } from '../../src/logger';
import { startTestApp, type TestApp } from '../support/app';
import { seed } from './support';
import { lineOf, logLines } from '../support/log-lines';

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function raw(url: string, method: string, headers: Record<string, string>): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The headers that differ between any two responses (their request id, the clock) are left out. */
function comparable(headers: Raw['headers']): Record<string, unknown> {
  const { date: _date, 'x-request-id': _id, ...rest } = headers;
  return rest;
}

describe('microsite front lane', () => {
  let app: TestApp;
  const { sink, lines } = logLines();

  before(async () => {
    app = await startTestApp({ name: 'site_front_lane', logger: createLogger('info', sink) });
  });
  after(async () => app?.close());

  it('answers a cached page exactly as the Koa pipeline does, in every coding, for GET, HEAD and revalidation', async () => {
    const a = await seed(app, 'article', { title: '前置通道稿件', body: '代表联系群众，倾听民声。'.repeat(200) });
    const url = `${app.url}/news/${a.slug}?utm_source=wechat`;
    const first = await raw(url, 'GET', {});
    expect(first.status).to.equal(200);
    const variants: Array<[string, Record<string, string>]> = [
      ['GET', {}],
      ['GET', { 'accept-encoding': 'gzip, deflate, br' }],
      ['GET', { 'accept-encoding': 'gzip;q=1, br;q=0' }],
      ['GET', { 'accept-encoding': 'identity' }],
      ['HEAD', { 'accept-encoding': 'br' }],
      ['GET', { 'if-none-match': String(first.headers.etag) }],
      ['GET', { 'if-modified-since': String(first.headers['last-modified']) }],
      ['GET', { 'if-none-match': '"other"' }],
    ];
    const { token } = await app.loginAs('editor');
    for (const [method, headers] of variants) {
      const lane = await raw(url, method, headers);
      // Credentials send the request through Koa (the front lane never answers them).
      const koa = await raw(url, method, { ...headers, authorization: `Bearer ${token}` });
      const what = `${method} ${JSON.stringify(headers)}`;
      expect(lane.status, what).to.equal(koa.status);
      expect(comparable(lane.headers), what).to.deep.equal(comparable(koa.headers));
      expect(lane.body.equals(koa.body), what).to.equal(true);
      expect(lane.headers['x-request-id'], what).to.be.a('string').and.not.equal(koa.headers['x-request-id']);
    }
    const gzip = await raw(url, 'GET', { 'accept-encoding': 'gzip;q=1, br;q=0' });
    expect(gzip.headers['content-encoding']).to.equal('gzip');
    const notModified = await raw(url, 'GET', { 'if-none-match': String(first.headers.etag) });
    expect(notModified.status).to.equal(304);
    expect(notModified.headers['content-security-policy']).to.be.a('string');
  });

  it('logs and counts each page it serves, with the caller’s request id and the route pattern', async () => {
    const a = await seed(app, 'article', { title: '前置通道日志稿件', body: '正文' });
    await raw(`${app.url}/news/${a.slug}`, 'GET', {}); // rendered and cached
    const before = await metricCount(app);
    const res = await raw(`${app.url}/news/${a.slug}`, 'GET', { 'x-request-id': 'lane-trace-1' });
    expect(res.status).to.equal(200);
    expect(res.headers['x-request-id']).to.equal('lane-trace-1');
    const line = await lineOf(lines, 'lane-trace-1');
    expect(line).to.include({ msg: 'request', method: 'GET', path: `/news/${a.slug}`, status: 200, level: 30, service: 'lianxin' });
    expect(line).to.have.property('ms').that.is.a('number');
    expect(await metricCount(app)).to.equal(before + 1);
    // The histogram's shape on scrape: cumulative buckets ending at +Inf (= the count), and the sum.
    const text = await (await fetch(`${app.url}/metrics`)).text();
    const series = text.split('\n').filter((l) => l.includes('route="/news/:slug"') && l.includes('status="200"') && l.includes('method="GET"'));
    const buckets = series.filter((l) => l.startsWith('lianxin_http_request_duration_seconds_bucket{')).map((l) => Number(l.split(' ').pop()));
    expect(buckets).to.have.length(11);
    expect(buckets).to.deep.equal([...buckets].sort((x, y) => x - y));
    expect(buckets.at(-1)).to.equal(before + 1);
    expect(series.some((l) => l.startsWith('lianxin_http_request_duration_seconds_sum{'))).to.equal(true);
  });

  it('leaves to Koa what it must not answer: other methods, credentials, unknown paths', async () => {
    const a = await seed(app, 'article', { title: '前置通道方法稿件', body: '正文' });
    await raw(`${app.url}/news/${a.slug}`, 'GET', {});
    const post = await raw(`${app.url}/news/${a.slug}`, 'POST', {});
    expect(post.status).to.equal(405);
    expect(JSON.parse(post.body.toString()).error.code).to.equal('method_not_allowed');
    const missing = await raw(`${app.url}/news/no-such-article-anywhere`, 'GET', {});
    expect(missing.status).to.equal(404);
  });
});

async function metricCount(app: TestApp): Promise<number> {
  const text = await (await fetch(`${app.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('lianxin_http_request_duration_seconds_count{') && l.includes('route="/news/:slug"') && l.includes('status="200"'));
  return line ? Number(line.split(' ').pop()) : 0;
}

