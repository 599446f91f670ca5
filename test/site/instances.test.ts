/**
 * Several instances: a second service process on the same database caches a page; withdrawing the item on this
 * instance reaches the other one's cache through the MongoDB invalidation relay within seconds.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { startTestApp, type TestApp } from '../support/app';
import { machineTimeEnv } from '../support/process';
import { contentService, eventually, reviewer, seed } from './support';

function startOtherInstance(mongodbUri: string, dataDir: string): Promise<{ proc: ChildProcess; url: string }> {
  const root = path.resolve(__dirname, '../..');
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: { ...machineTimeEnv(), PATH: process.env.PATH, NODE_ENV: 'test', HOST: '127.0.0.1', PORT: '0', MONGODB_URI: mongodbUri, DATA_DIR: dataDir, LOG_LEVEL: 'info', SCHEDULER_ENABLED: 'false', PUBLIC_BASE_URL: 'http://lianxin.test' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /"url":"(http:\/\/[^"]+)"[^\n]*lianxin is serving/.exec(out);
      if (m) resolve({ proc, url: m[1] });
    });
    proc.once('exit', (code) => reject(new Error(`other instance exited with ${code}: ${out.slice(-2000)}`)));
  });
}

describe('microsite cache across instances', function () {
  this.timeout(60_000);
  let app: TestApp;
  let other: { proc: ChildProcess; url: string } | undefined;
  const otherData = mkdtempSync(path.join(tmpdir(), 'lianxin-other-'));

  before(async () => {
    app = await startTestApp({ name: 'site_instances' });
    other = await startOtherInstance(app.config.mongodbUri!, otherData);
  });
  after(async () => {
    if (other) {
      const exited = new Promise((r) => other!.proc.once('exit', r));
      other.proc.kill('SIGTERM');
      await exited;
    }
    await app?.close();
    rmSync(otherData, { recursive: true, force: true });
  });

  it('withdrawing on one instance removes the page cached by another within seconds', async () => {
    const a = await seed(app, 'article', { title: '多实例缓存稿件', body: '内容' });
    const first = await fetch(`${other!.url}/news/${a.slug}`);
    expect(first.status).to.equal(200);
    expect(await first.text()).to.contain('多实例缓存稿件');
    expect((await fetch(`${other!.url}/news`)).status).to.equal(200);

    await contentService(app).act('article', a.id, 'withdraw', reviewer, {});
    const started = Date.now();
    await eventually(async () => {
      expect((await fetch(`${other!.url}/news/${a.slug}`)).status).to.equal(404);
      expect(await (await fetch(`${other!.url}/news`)).text()).not.to.contain(a.slug);
    }, 15_000);
    // The relay polls about once a second: the other instance must catch up well before a generous wait runs out.
    expect(Date.now() - started, 'ms until the other instance dropped the page').to.be.below(3000);
  });
});
