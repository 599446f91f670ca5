/**
 * Crash test: runs the engine in a child process, inserts into it over TCP with several concurrent
 * writers (acknowledged writes), SIGKILLs the child mid-stream, restarts the engine on the same
 * data directory and checks that every acknowledged insert is present and every document intact.
 *   npx tsx scripts/crash-test.ts [--rounds 3] [--writers 8]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { startEmbeddedMongo } from '../src/embedded-mongo';

type Doc = { _id: number; body: string; sum: number };

function bodyFor(id: number): string {
  return `${id}:`.padEnd(50 + (id % 200), String.fromCharCode(97 + (id % 26)));
}

function checksum(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
  return h;
}

async function serve(dir: string): Promise<void> {
  const engine = await startEmbeddedMongo({ dbPath: dir });
  process.stdout.write(`URI ${engine.uri}\n`);
}

function startChild(dir: string): Promise<{ child: ChildProcess; uri: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', __filename, '--serve', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /URI (\S+)/.exec(out);
      if (m) resolve({ child, uri: m[1] });
    });
    child.on('exit', (code) => reject(new Error(`engine child exited early (${code})`)));
  });
}

async function round(dir: string, writers: number, startId: number, acked: Set<number>): Promise<number> {
  const { child, uri } = await startChild(dir);
  const client = await MongoClient.connect(uri, { maxPoolSize: writers, retryWrites: false, serverSelectionTimeoutMS: 2000 });
  const coll = client.db('crash').collection<Doc>('docs');
  let next = startId;
  let stop = false;
  const killAfter = 1000 + Math.random() * 1500;
  const loops = Array.from({ length: writers }, async (_, w) => {
    while (!stop) {
      const batch = w % 2 === 0 ? 1 : 10;
      const docs = Array.from({ length: batch }, () => {
        const id = next++;
        const body = bodyFor(id);
        return { _id: id, body, sum: checksum(body) };
      });
      try {
        if (batch === 1) await coll.insertOne(docs[0]);
        else await coll.insertMany(docs);
        for (const d of docs) acked.add(d._id);
      } catch {
        return; // the server died: unacknowledged writes may or may not be there
      }
    }
  });
  await new Promise((r) => setTimeout(r, killAfter));
  child.kill('SIGKILL');
  stop = true;
  await Promise.all(loops);
  await client.close(true).catch(() => undefined);
  await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r)));
  return next;
}

async function verify(dir: string, acked: Set<number>): Promise<{ present: number; missing: number[]; corrupt: number }> {
  const engine = await startEmbeddedMongo({ dbPath: dir });
  const client = await MongoClient.connect(engine.uri);
  try {
    const docs = await client.db('crash').collection<Doc>('docs').find().toArray();
    const ids = new Set(docs.map((d) => d._id));
    const corrupt = docs.filter((d) => d.body !== bodyFor(d._id) || d.sum !== checksum(d.body)).length;
    return { present: docs.length, missing: [...acked].filter((id) => !ids.has(id)), corrupt };
  } finally {
    await client.close();
    await engine.stop();
  }
}

async function main(): Promise<void> {
  const arg = (name: string, def: number) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? Number(process.argv[i + 1]) : def;
  };
  const rounds = arg('--rounds', 3);
  const writers = arg('--writers', 8);
  const dir = mkdtempSync(path.join(tmpdir(), 'crash-test-'));
  const acked = new Set<number>();
  let next = 0;
  let failed = false;
  try {
    for (let r = 1; r <= rounds; r++) {
      const before = acked.size;
      next = await round(dir, writers, next, acked);
      const v = await verify(dir, acked);
      const ok = v.missing.length === 0 && v.corrupt === 0;
      failed ||= !ok;
      console.log(
        `round ${r}: SIGKILL after ${acked.size - before} acknowledged inserts this round; total acknowledged ${acked.size}, ` +
          `present after restart ${v.present} (unacknowledged extras ${v.present - acked.size}), missing ${v.missing.length}, corrupt ${v.corrupt} → ${ok ? 'OK' : 'FAIL'}`,
      );
      if (v.missing.length) console.log(`  missing ids (first 20): ${v.missing.slice(0, 20).join(', ')}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(failed ? 'CRASH TEST FAILED' : 'crash test passed: every acknowledged insert survived kill -9');
  process.exit(failed ? 1 : 0);
}

if (process.argv[2] === '--serve') serve(process.argv[3]).catch((err) => {
  process.stderr.write(String(err?.stack ?? err) + '\n');
  process.exit(1);
});
else main().catch((err) => {
  console.error(err);
  process.exit(1);
});
