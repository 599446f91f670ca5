import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import http from 'node:http';
import { expect } from 'chai';
import { startTestApp, type TestApp } from '../support/app';

const INDEX = '<!doctype html><html lang="zh-CN"><head><script type="module" src="/admin/assets/index-abc123.js"></script></head><body><div id="app"></div></body></html>';
const SCRIPT = `console.log(${JSON.stringify('管理后台 '.repeat(400))});`;

describe('the console build served at /admin', () => {
  let app: TestApp;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'lianxin-console-build-'));
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'index.html'), INDEX);
    writeFileSync(path.join(dir, 'assets/index-abc123.js'), SCRIPT);
    writeFileSync(path.join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    writeFileSync(path.join(dir, '.env'), 'SECRET=1');
    app = await startTestApp({ name: 'console-host', env: { CONSOLE_DIR: dir } });
  });
  after(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves index.html at /admin and for client routes, revalidated every time', async () => {
    for (const p of ['/admin', '/admin/', '/admin/articles/123/edit', '/admin/login']) {
      const res = await app.request('GET', p);
      expect(res.status, p).to.equal(200);
      expect(res.text).to.equal(INDEX);
      expect(res.headers.get('content-type')).to.match(/^text\/html/);
      expect(res.headers.get('cache-control')).to.equal('no-cache');
      expect(res.headers.get('x-robots-tag')).to.match(/noindex/);
    }
    const first = await app.request('GET', '/admin/');
    const again = await app.request('GET', '/admin/', { headers: { 'if-none-match': first.headers.get('etag')! } });
    expect(again.status).to.equal(304);
  });

  it('serves hashed assets with a year-long immutable cache, compressed with Brotli or gzip', async () => {
    const plain = await app.request('GET', '/admin/assets/index-abc123.js');
    expect(plain.status).to.equal(200);
    expect(plain.text).to.equal(SCRIPT);
    expect(plain.headers.get('cache-control')).to.equal('public, max-age=31536000, immutable');
    expect(plain.headers.get('content-type')).to.match(/javascript/);

    const br = await fetch(`${app.url}/admin/assets/index-abc123.js`, { headers: { 'accept-encoding': 'gzip, br' } });
    expect(br.headers.get('content-encoding')).to.equal('br');
    expect(br.headers.get('vary')).to.match(/Accept-Encoding/i);
    // fetch decodes the body itself; check the bytes on the wire are smaller through the raw module instead.
    const raw = await rawGet(`${app.url}/admin/assets/index-abc123.js`, 'br');
    expect(raw.body.length).to.be.lessThan(Buffer.byteLength(SCRIPT) / 5);
    expect(brotliDecompressSync(raw.body).toString()).to.equal(SCRIPT);
    const gz = await rawGet(`${app.url}/admin/assets/index-abc123.js`, 'gzip');
    expect(gz.headers['content-encoding']).to.equal('gzip');
    expect(gunzipSync(gz.body).toString()).to.equal(SCRIPT);
  });

  it('answers 404 for a missing asset (never the page), and refuses hidden files and escapes', async () => {
    const missing = await app.request('GET', '/admin/assets/index-gone.js');
    expect(missing.status).to.equal(404);
    expect(missing.text).not.to.include('<html');
    expect((await app.request('GET', '/admin/missing.css')).status).to.equal(404);
    expect((await app.request('GET', '/admin/.env')).text).not.to.include('SECRET');
    expect((await app.request('GET', '/admin/%2e%2e/%2e%2e/package.json')).text).not.to.include('"dependencies"');
    expect((await app.request('GET', '/admin/favicon.svg')).headers.get('cache-control')).to.equal('no-cache');
  });

  it('sends /login to the console sign-in page', async () => {
    const res = await app.request('GET', '/login');
    expect(res.status).to.equal(302);
    expect(res.headers.get('location')).to.equal('/admin/login');
  });

  it('leaves the microsite as it was', async () => {
    const home = await app.request('GET', '/');
    expect(home.status).to.equal(200);
    expect(home.text).to.include('人大代表在行动');
    expect((await app.request('GET', '/administrators')).status).to.equal(404);
  });
});

describe('/admin without a console build', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ name: 'console-host-missing', env: { CONSOLE_DIR: path.join(tmpdir(), 'lianxin-no-such-build') } });
  });
  after(() => app.close());

  it('says in Chinese that the console is not built and how to build it', async () => {
    const res = await app.request('GET', '/admin/articles');
    expect(res.status).to.equal(503);
    expect(res.text).to.include('管理后台尚未构建').and.to.include('npm install').and.to.include('CONSOLE_DIR');
    expect(res.headers.get('cache-control')).to.equal('no-store');
  });
});

describe('API docs at /api/docs', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ name: 'api-docs' });
  });
  after(() => app.close());

  it('serves Swagger UI from the local package, pointed at /api/openapi.json', async () => {
    const page = await app.request('GET', '/api/docs');
    expect(page.status).to.equal(200);
    expect(page.text).to.include('/api/docs/assets/swagger-ui-bundle.js');
    expect(page.text).not.to.match(/https?:\/\//);
    const init = await app.request('GET', '/api/docs/init.js');
    expect(init.text).to.include("'/api/openapi.json'");
    const bundle = await app.request('GET', '/api/docs/assets/swagger-ui-bundle.js');
    expect(bundle.status).to.equal(200);
    expect(bundle.headers.get('content-type')).to.match(/javascript/);
    expect((await app.request('GET', '/api/docs/assets/package.json')).status).to.equal(404);
  });
});

function rawGet(url: string, encoding: string): Promise<{ headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http.get(url, { headers: { 'accept-encoding': encoding } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}
