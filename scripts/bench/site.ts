/**
 * npm run bench:site — requests per second and p99 latency, 100 connections × 10 s each (autocannon), of:
 *   (a) a bare Koa "hello world" server (the baseline),
 *   (b) a cached article page,
 *   (c) the same article page with the cache bypassed: the bench server invalidates the article's cache tag
 *       ('article:<id>') before handling each request that carries `x-bench-bypass: 1`, so every such request
 *       renders from the database (queries for the item, related items and neighbours, then the template),
 *   (b') the cached article page requested with a browser's Accept-Encoding (served from its Brotli copy),
 *   (d) the home page (cached),
 * and the ratio (b)/(a) (goal ≥ 70 %). (a') — bare Koa sending a body as large as the article page — separates the
 * cost of moving the page's bytes from the cost of our middleware. Each server runs in its own child process (this file with --serve), seeded
 * through the content service and publication hooks in a temporary data directory with the embedded engine.
 * Options: --duration=10 --connections=100
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';

interface Ready {
  port: number;
  articlePath?: string;
}

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')) as [string, string][]);

async function serveKoa(bodyBytes: number): Promise<Ready> {
  const { default: Koa } = await import('koa');
  const app = new Koa();
  const body = bodyBytes ? Buffer.alloc(bodyBytes, 'a') : undefined;
  app.use((ctx) => {
    if (body) ctx.type = 'text/html';
    ctx.body = body ?? 'hello world';
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return { port: (server.address() as { port: number }).port };
}

async function serveSite(dataDir: string): Promise<Ready> {
  const { loadConfig } = await import('../../src/config');
  const { startService } = await import('../../src/server');
  const { ContentService } = await import('../../src/content/service');
  const hooks = await import('../../src/content/publication-hooks');
  const { Types } = await import('mongoose');
  const config = loadConfig({
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dataDir,
    LOG_LEVEL: args['log-level'] ?? 'warn',
    SCHEDULER_ENABLED: 'false',
    PUBLIC_BASE_URL: 'https://lianxin.example.cn',
  });
  const service = await startService(config);
  const content = new ContentService({ clock: service.services.clock, events: service.services.events });
  const editor = { id: new Types.ObjectId().toHexString(), role: 'editor' as const };
  const reviewer = { id: new Types.ObjectId().toHexString(), role: 'reviewer' as const };
  const publish = async (kind: 'article' | 'deputy' | 'case', input: Record<string, unknown>) => {
    const item = (await content.create(kind, input, editor)) as { id: string; slug: string };
    await content.act(kind, item.id, 'submit', editor, {});
    await content.act(kind, item.id, 'approve', reviewer, {});
    await hooks.markPublished(kind, item.id);
    return item;
  };
  const paragraph = '青秀区人大代表深入田间地头，走访群众，了解所思所盼，现场协调解决实际问题。'.repeat(6);
  const deputies = [];
  for (let i = 1; i <= 6; i++) deputies.push(await publish('deputy', { name: `代表${i}号`, level: 'county', story: paragraph, featured: i <= 3 }));
  const kase = await publish('case', { title: '一月一主题代表小组活动', caseKind: 'group_activity', summary: '每月一个民生主题。', body: paragraph });
  let article = { id: '', slug: '' };
  for (let i = 1; i <= 20; i++) {
    article = await publish('article', {
      title: `人大代表在行动第${i}期：助力乡村振兴`,
      byline: '记者 王芳',
      topics: ['乡村振兴'],
      body: Array.from({ length: 8 }, (_, k) => `## 小标题 ${k + 1}\n\n${paragraph}`).join('\n\n'),
      relatedDeputyIds: deputies.slice(0, 2).map((d) => d.id),
      relatedCaseIds: [kase.id],
    });
  }
  // Cache-miss mode: drop the article's pages before handling the request (see the header comment).
  const site = service.modules.find((m) => m.name === 'site') as unknown as { runtime: { cache: { invalidate(tags: string[]): number } } };
  service.server.prependListener('request', (req) => {
    if (req.headers['x-bench-bypass'] === '1') site.runtime.cache.invalidate([`article:${article.id}`]);
  });
  return { port: service.port, articlePath: `/news/${article.slug}` };
}

async function child(): Promise<void> {
  const mode = args.serve;
  const dataDir = mode === 'site' ? mkdtempSync(path.join(tmpdir(), 'lianxin-bench-site-')) : '';
  const ready = mode === 'koa' ? await serveKoa(Number(args['body-bytes'] ?? 0)) : await serveSite(dataDir);
  if (!process.send) {
    // Run by hand (e.g. under --cpu-prof): print where to point a load generator; stop with Ctrl-C.
    console.log(JSON.stringify(ready));
    process.on('SIGINT', () => process.exit(0));
    return;
  }
  process.send(ready);
  process.on('disconnect', () => {
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  });
}

function startChild(mode: string, extra: string[] = []): Promise<{ proc: ChildProcess; ready: Ready }> {
  const proc = fork(__filename, [`--serve=${mode}`, ...extra, ...process.argv.slice(2)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    proc.once('message', (ready) => resolve({ proc, ready: ready as Ready }));
    proc.once('exit', (code) => reject(new Error(`${mode} server exited with ${code}`)));
  });
}

interface Figure {
  name: string;
  rps: number;
  p99: number;
  errors: number;
  non2xx: number;
}

async function load(name: string, url: string, headers: Record<string, string> = {}, duration = Number(args.duration ?? 10)): Promise<Figure> {
  const result = await autocannon({ url, connections: Number(args.connections ?? 100), duration, headers });
  return { name, rps: result.requests.average, p99: result.latency.p99, errors: result.errors, non2xx: result.non2xx };
}

async function main(): Promise<void> {
  if (args.serve) return child();
  const figures: Figure[] = [];

  // The site first: its article's size sets the body of the second baseline.
  const site = await startChild('site');
  const base = `http://127.0.0.1:${site.ready.port}`;
  const article = `${base}${site.ready.articlePath}`;
  const pageBytes = Buffer.byteLength(await (await fetch(article)).text());

  for (const [name, extra] of [
    ['(a) bare Koa hello world', []],
    [`(a') bare Koa, ${pageBytes}-byte body`, [`--body-bytes=${pageBytes}`]],
  ] as const) {
    const koa = await startChild('koa', [...extra]);
    const url = `http://127.0.0.1:${koa.ready.port}/`;
    await load('warm-up', url, {}, 2);
    figures.push(await load(name, url));
    koa.proc.disconnect();
  }

  await load('warm-up', article, {}, 2);
  figures.push(await load('(b) cached article page', article));
  // What phones actually send: the same page, served from its Brotli copy (not part of the ratio below).
  figures.push(await load("(b') cached page, Accept-Encoding br", article, { 'accept-encoding': 'gzip, deflate, br' }));
  figures.push(await load('(c) cache-miss article page', article, { 'x-bench-bypass': '1' }));
  await load('warm-up', `${base}/`, {}, 2);
  figures.push(await load('(d) home page', `${base}/`));
  site.proc.disconnect();

  console.log(`\nmicrosite benchmark: ${args.connections ?? 100} connections × ${args.duration ?? 10} s each, node ${process.version}\n`);
  console.log(`${'scenario'.padEnd(37)}${'req/s'.padStart(10)}${'p99 ms'.padStart(10)}${'errors'.padStart(8)}${'non-2xx'.padStart(9)}`);
  for (const f of figures) {
    console.log(`${f.name.padEnd(37)}${f.rps.toFixed(0).padStart(10)}${String(f.p99).padStart(10)}${String(f.errors).padStart(8)}${String(f.non2xx).padStart(9)}`);
  }
  const [a, aSized, b] = figures;
  const compressed = figures[3];
  console.log(`\n(b)/(a) cached page vs bare Koa hello world: ${((b.rps / a.rps) * 100).toFixed(1)} % (goal ≥ 70 %)`);
  console.log(`(b)/(a') cached page vs bare Koa sending the same bytes: ${((b.rps / aSized.rps) * 100).toFixed(1)} %`);
  console.log(`(b')/(a) cached page as phones fetch it (Brotli) vs bare Koa hello world: ${((compressed.rps / a.rps) * 100).toFixed(1)} %`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
