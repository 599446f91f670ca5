/**
 * Embedded engine vs @seald-io/nedb (persistent file mode), same work on both, 10k and 100k documents:
 * bulk insert, indexed point find, indexed range query with sort + limit, update by _id.
 * The engine runs in this process and is driven through the official driver over TCP, as the app uses it.
 * "engine" runs in this process (as `npm start` runs it); "engine (own process)" is `npm run db` in a child.
 *   npm run bench:db [-- --sizes 10000,100000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Datastore from '@seald-io/nedb';
import { MongoClient, type ObjectId } from 'mongodb';
import { startEmbeddedMongo } from '../../src/embedded-mongo';
import { spawnEngine } from './engine-process';

type Result = Record<string, number>; // operation → ops/s

const POINT_OPS = 3000;
const RANGE_OPS = 500;
const UPDATE_OPS = 3000;
const BATCH = 1000;

function rng(seed: number): () => number {
  return () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
}

function makeDocs(n: number) {
  const r = rng(7);
  return Array.from({ length: n }, (_, i) => ({ k: i, score: Math.floor(r() * 1_000_000), name: `user-${i}`, city: ['北京', '上海', '广州', '深圳'][i % 4], n: 0 }));
}

async function timed(ops: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  const t = process.hrtime.bigint();
  for (let i = 0; i < ops; i++) await fn(i);
  return ops / (Number(process.hrtime.bigint() - t) / 1e9);
}

async function benchEngine(n: number, mode: 'inproc' | 'child'): Promise<Result> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-engine-'));
  const engine = mode === 'child' ? await spawnEngine(dir) : await startEmbeddedMongo({ dbPath: dir });
  const client = await MongoClient.connect(engine.uri);
  try {
    const c = client.db('bench').collection('docs');
    await c.createIndex({ k: 1 });
    await c.createIndex({ score: 1 });
    const docs = makeDocs(n);
    const out: Result = {};
    out.insert = (await timed(n / BATCH, (b) => c.insertMany(docs.slice(b * BATCH, (b + 1) * BATCH)))) * BATCH;
    const r = rng(11);
    out.point = await timed(POINT_OPS, () => c.findOne({ k: Math.floor(r() * n) }));
    out.range = await timed(RANGE_OPS, () => {
      const lo = Math.floor(r() * 900_000);
      return c.find({ score: { $gte: lo, $lt: lo + 50_000 } }).sort({ score: 1 }).limit(20).toArray();
    });
    // evidence that the point find uses the index: documents examined stays 1 whatever the size
    const plan = (await c.find({ k: Math.floor(n / 2) }).limit(1).explain('executionStats')) as { executionStats?: { totalDocsExamined?: number } };
    out.pointDocsExamined = plan.executionStats?.totalDocsExamined ?? NaN;
    const ids = docs.map((d) => (d as unknown as { _id: ObjectId })._id);
    out.update = await timed(UPDATE_OPS, () => c.updateOne({ _id: ids[Math.floor(r() * n)] }, { $inc: { n: 1 } }));
    return out;
  } finally {
    await client.close();
    await engine.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchNedb(n: number): Promise<Result> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-nedb-'));
  const db = new Datastore({ filename: path.join(dir, 'docs.db'), autoload: false });
  await db.loadDatabaseAsync();
  try {
    await db.ensureIndexAsync({ fieldName: 'k' });
    await db.ensureIndexAsync({ fieldName: 'score' });
    const docs = makeDocs(n);
    const out: Result = {};
    const inserted: { _id?: string }[] = [];
    out.insert = (await timed(n / BATCH, async (b) => inserted.push(...((await db.insertAsync(docs.slice(b * BATCH, (b + 1) * BATCH))) as { _id?: string }[])))) * BATCH;
    const r = rng(11);
    out.point = await timed(POINT_OPS, () => db.findOneAsync({ k: Math.floor(r() * n) }).execAsync());
    out.range = await timed(RANGE_OPS, () => {
      const lo = Math.floor(r() * 900_000);
      return db.findAsync({ score: { $gte: lo, $lt: lo + 50_000 } }).sort({ score: 1 }).limit(20).execAsync();
    });
    out.update = await timed(UPDATE_OPS, () => db.updateAsync({ _id: inserted[Math.floor(r() * n)]._id }, { $inc: { n: 1 } }, {}));
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Operations shown in the table (pointDocsExamined is reported separately). */
const LABELS: Record<string, string> = {
  insert: 'bulk insert (docs/s, batches of 1000)',
  point: 'indexed point find  findOne({k})',
  range: 'range + sort + limit 20 on index',
  update: 'update by _id  $inc',
};

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

async function main(): Promise<void> {
  const arg = process.argv.indexOf('--sizes');
  const sizes = arg > 0 ? process.argv[arg + 1].split(',').map(Number) : [10_000, 100_000];
  const results: { n: number; engine: Result; child: Result; nedb: Result }[] = [];
  for (const n of sizes) {
    process.stderr.write(`running ${n.toLocaleString('en-US')} documents…\n`);
    const engine = await benchEngine(n, 'inproc');
    const child = await benchEngine(n, 'child');
    const nedb = await benchNedb(n);
    results.push({ n, engine, child, nedb });
  }
  const rows: string[][] = [['operation', 'docs', 'engine ops/s', 'nedb ops/s', 'engine / nedb', 'engine (own process)', '/ nedb']];
  for (const op of Object.keys(LABELS)) {
    for (const { n, engine, child, nedb } of results) {
      rows.push([LABELS[op], n.toLocaleString('en-US'), fmt(engine[op]), fmt(nedb[op]), `${(engine[op] / nedb[op]).toFixed(2)}×`, fmt(child[op]), `${(child[op] / nedb[op]).toFixed(2)}×`]);
    }
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' │ ');
  console.log('\n' + line(rows[0]));
  console.log(widths.map((w) => '─'.repeat(w)).join('─┼─'));
  for (const r of rows.slice(1)) console.log(line(r));
  if (results.length >= 2) {
    const [a, b] = [results[0], results[results.length - 1]];
    console.log(
      `\nindexed point find, ${b.n.toLocaleString('en-US')} vs ${a.n.toLocaleString('en-US')} docs: engine ${(a.engine.point / b.engine.point).toFixed(2)}× the cost per find` +
        ` (${fmt(a.engine.point)} → ${fmt(b.engine.point)} ops/s; own process ${(a.child.point / b.child.point).toFixed(2)}×), nedb ${(a.nedb.point / b.nedb.point).toFixed(2)}×`,
    );
    console.log(`documents examined per indexed point find (explain): ${results.map((r) => `${r.engine.pointDocsExamined} at ${r.n.toLocaleString('en-US')}`).join(', ')}`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
