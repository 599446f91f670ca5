import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { exitOf, freePort, spawnTs, waitFor } from '../support/process';

type Child = ReturnType<typeof spawnTs>;

/** `npm start` on a data directory, as an operator runs it (the embedded engine: no MONGODB_URI). */
async function startService(dataDir: string): Promise<{ child: Child; url: string }> {
  const port = await freePort();
  const child = spawnTs('src/main.ts', { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, SCHEDULER_ENABLED: 'false', LOG_LEVEL: 'info' });
  return { child, url: `http://127.0.0.1:${port}` };
}

const readyStatus = async (url: string) => (await fetch(`${url}/readyz`)).status;
const engineAddress = (dbPath: string) => JSON.parse(readFileSync(path.join(dbPath, 'engine.addr.json'), 'utf8')) as { pid: number; socket: string; role: string };

describe('one service per data directory; losing the database and getting it back', function () {
  this.timeout(180_000);
  const children: Child[] = [];
  let dataDir: string;
  before(function () {
    if (process.env.MONGODB_URI) this.skip(); // about the embedded engine only
    dataDir = mkdtempSync(path.join(tmpdir(), 'lianxin-own-'));
  });
  after(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses a second npm start, lets scripts attach, and reconnects after the engine process is killed', async () => {
    const first = await startService(dataDir);
    children.push(first.child);
    await waitFor(async () => (await readyStatus(first.url)) === 200, 60_000, 'the first service to be ready');
    const dbPath = path.join(dataDir, 'db');
    const owner = engineAddress(dbPath);
    expect(owner.role).to.equal('service');
    expect(owner.pid).to.not.equal(first.child.pid); // the engine runs in its own process

    const second = await startService(dataDir);
    children.push(second.child);
    expect(await exitOf(second.child)).to.equal(3);
    expect(second.child.output()).to.contain(`data directory ${dbPath} is in use by another engine process (pid ${owner.pid}, the lianxin service)`);
    expect(second.child.output()).to.contain('Only one lianxin service may run on a data directory');

    // a script reaches the running engine over its socket
    const client = await MongoClient.connect(`mongodb://${encodeURIComponent(owner.socket)}/lianxin`);
    expect(await client.db().command({ ping: 1 })).to.deep.include({ ok: 1 });
    await client.close();

    process.kill(owner.pid, 'SIGKILL');
    await waitFor(async () => (await readyStatus(first.url)) === 503, 30_000, '/readyz to report the lost database');
    expect((await fetch(`${first.url}/healthz`)).status).to.equal(200);
    await waitFor(async () => (await readyStatus(first.url)) === 200, 60_000, '/readyz after the engine process restarted');
    expect(engineAddress(dbPath).pid).to.not.equal(owner.pid);

    first.child.kill('SIGTERM');
    expect(await exitOf(first.child)).to.equal(0);
    expect(() => engineAddress(dbPath), 'the engine process stopped with the service').to.throw();
  });

  it('attaches to a standalone npm run db, and reconnects when it is restarted', async () => {
    const dbPath = path.join(dataDir, 'db');
    const runDb = () => {
      const db = spawnTs('scripts/db.ts', {}, ['--socket-only', '--dbpath', dbPath]);
      children.push(db);
      return db;
    };
    let db = runDb();
    await waitFor(async () => db.output().includes('embedded mongo ready'), 60_000, 'npm run db');
    const service = await startService(dataDir);
    children.push(service.child);
    await waitFor(async () => (await readyStatus(service.url)) === 200, 60_000, 'the service to be ready');
    expect(service.child.output()).to.contain('data directory is served by npm run db');

    db.kill('SIGTERM');
    expect(await exitOf(db)).to.equal(0);
    await waitFor(async () => (await readyStatus(service.url)) === 503, 30_000, '/readyz to report the lost database');
    db = runDb();
    await waitFor(async () => (await readyStatus(service.url)) === 200, 60_000, '/readyz after npm run db came back');

    service.child.kill('SIGTERM');
    expect(await exitOf(service.child)).to.equal(0);
    db.kill('SIGTERM');
    expect(await exitOf(db)).to.equal(0);
  });
});
