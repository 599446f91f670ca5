import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { startEmbeddedMongo } from '../../src/embedded-mongo';
import { embeddedEngine } from '../support/database';

const FIXTURE = path.join(__dirname, 'fixtures', 'engine-process.ts');

interface Started {
  child: ChildProcess;
  /** First line the child printed (`ready <pid>` / `locked <message>`), or its stderr if it died first. */
  outcome: Promise<string>;
  exited: Promise<number | null>;
}

function startEngineProcess(dir: string, startAt?: number): Started {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, dir, ...(startAt ? [String(startAt)] : [])], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const outcome = new Promise<string>((resolve) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(out.split('\n')[0]);
    });
    void exited.then(() => resolve(out.split('\n')[0] || `exited: ${stderr}`));
  });
  return { child, outcome, exited };
}

describe('embedded-mongo: the data-directory lock is released by the kernel (engine only)', function () {
  this.timeout(120_000);
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  const newDir = () => {
    const d = mkdtempSync(path.join(tmpdir(), 'lianxin-lock-'));
    dirs.push(d);
    return d;
  };
  beforeEach(function () {
    if (!embeddedEngine()) this.skip();
  });
  after(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  });

  it('restarts at once after SIGKILL, 20 times in a row, never refused', async () => {
    const dir = newDir();
    for (let round = 0; round < 20; round++) {
      const engine = startEngineProcess(dir);
      children.push(engine.child);
      expect(await engine.outcome, `round ${round}`).to.match(/^ready /);
      engine.child.kill('SIGKILL'); // the next start does not wait for the kill to be reaped
    }
    const last = await startEmbeddedMongo({ dbPath: dir, lockWaitMs: 3000 });
    await last.stop();
  });

  it('starts normally when the lock and address files name a live, unrelated process', async () => {
    const dir = newDir();
    writeFileSync(path.join(dir, 'engine.lock'), `${process.pid}\n`);
    writeFileSync(path.join(dir, 'engine.addr.json'), JSON.stringify({ pid: process.ppid, socket: path.join(dir, 'engine.sock'), role: 'service' }));
    writeFileSync(path.join(dir, 'engine.sock'), '');
    const engine = await startEmbeddedMongo({ dbPath: dir });
    const client = await MongoClient.connect(engine.uri);
    try {
      await client.db('t').collection('c').insertOne({ ok: true });
      expect(await client.db('t').collection('c').countDocuments()).to.equal(1);
    } finally {
      await client.close();
      await engine.stop();
    }
  });

  it('of two engines started at the same instant on one directory, exactly one wins', async () => {
    for (let round = 0; round < 3; round++) {
      const dir = newDir();
      const startAt = Date.now() + 2500; // both children are loaded by then
      const racers = [startEngineProcess(dir, startAt), startEngineProcess(dir, startAt)];
      children.push(...racers.map((r) => r.child));
      const outcomes = await Promise.all(racers.map((r) => r.outcome));
      expect(outcomes.filter((o) => o.startsWith('ready ')), outcomes.join(' | ')).to.have.length(1);
      const loser = outcomes.find((o) => !o.startsWith('ready '))!;
      expect(loser).to.match(/^locked data directory .* is in use by another engine process/);
      for (const r of racers) r.child.kill('SIGKILL');
      await Promise.all(racers.map((r) => r.exited));
    }
  });
});
