/**
 * The embedded engine at scale, every figure beside a baseline measured in the same run (issue 13's targets):
 * - `npm start` at N articles vs an empty database: seconds to /healthz and idle RSS (service + engine process);
 * - the wire: ping through the driver (Unix socket, as the app connects) vs a bare echo round trip between two
 *   Node processes (TCP and Unix socket);
 * - point find by _id / by an indexed field and update by _id at N documents, vs that ping;
 * - bulk insert (batches of 1000) vs @seald-io/nedb; point find at N vs at 10,000 documents;
 * - loading the N articles (engine in its own process, as `npm start` runs it): docs/s and the CPU per 1,000
 *   articles on each side (the loading client vs the engine); point find by slug at N vs 10,000 articles.
 *   npm run bench:scale [-- --articles 100000 --docs 100000 --db DIR --batch 1000 --skip-wire]
 * `--db DIR` keeps the loaded articles in DIR (DIR/db, and DIR/articles-10k for the small one) and reuses them on
 * the next run (only what is missing is loaded); `--batch` is the articles per insertMany while loading; `--skip-wire` leaves out the wire / bulk-insert / NeDB part.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Datastore from '@seald-io/nedb';
import { MongoClient, type ObjectId } from 'mongodb';
import { startEmbeddedMongo } from '../../src/embedded-mongo';
import { rng } from './articles';
import { ARTICLE_DB, ensureArticles } from './article-store';
import { spawnEngine } from './engine-process';
import { echoRate, rate } from './round-trips';

const { values } = parseArgs({
  options: { articles: { type: 'string', default: '100000' }, docs: { type: 'string', default: '100000' }, db: { type: 'string' }, batch: { type: 'string', default: '1000' }, 'skip-wire': { type: 'boolean', default: false } },
});
const ARTICLES = Number(values.articles);
const DOCS = Number(values.docs);
const SMALL = 10_000;
const ROUND_TRIPS = 5000;
const POINT_OPS = 5000;
const BATCH = 1000;
const root = path.resolve(__dirname, '../..');

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

function docsFor(n: number) {
  const r = rng(7);
  return Array.from({ length: n }, (_, i) => ({ k: i, score: Math.floor(r() * 1_000_000), name: `user-${i}`, city: ['北京', '上海', '广州', '深圳'][i % 4], n: 0 }));
}

interface EngineFigures {
  insert: number;
  ping: number;
  findId: number;
  findK: number;
  update: number;
  examined: number;
}

async function engineAt(n: number): Promise<EngineFigures> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-scale-'));
  const engine = await spawnEngine(dir);
  const uri = engine.uri;
  const client = await MongoClient.connect(uri);
  try {
    const c = client.db('bench').collection('docs');
    await c.createIndex({ k: 1 });
    await c.createIndex({ score: 1 });
    const docs = docsFor(n);
    const t = process.hrtime.bigint();
    for (let b = 0; b < n / BATCH; b++) await c.insertMany(docs.slice(b * BATCH, (b + 1) * BATCH));
    const insert = n / (Number(process.hrtime.bigint() - t) / 1e9);
    const ids = docs.map((d) => (d as unknown as { _id: ObjectId })._id);
    const r = rng(11);
    const ping = await rate(POINT_OPS, () => client.db('bench').command({ ping: 1 }));
    const findId = await rate(POINT_OPS, () => c.findOne({ _id: ids[Math.floor(r() * n)] }));
    const findK = await rate(POINT_OPS, () => c.findOne({ k: Math.floor(r() * n) }));
    const update = await rate(POINT_OPS, () => c.updateOne({ _id: ids[Math.floor(r() * n)] }, { $inc: { n: 1 } }));
    const plan = (await c.find({ k: Math.floor(n / 2) }).explain('executionStats')) as { executionStats: { totalDocsExamined: number } };
    return { insert, ping, findId, findK, update, examined: plan.executionStats.totalDocsExamined };
  } finally {
    await client.close();
    await engine.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function nedbAt(n: number): Promise<{ insert: number; findK: number }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-nedb-'));
  const db = new Datastore({ filename: path.join(dir, 'docs.db'), autoload: false });
  await db.loadDatabaseAsync();
  try {
    await db.ensureIndexAsync({ fieldName: 'k' });
    await db.ensureIndexAsync({ fieldName: 'score' });
    const docs = docsFor(n);
    const t = process.hrtime.bigint();
    for (let b = 0; b < n / BATCH; b++) await db.insertAsync(docs.slice(b * BATCH, (b + 1) * BATCH));
    const insert = n / (Number(process.hrtime.bigint() - t) / 1e9);
    const r = rng(11);
    const findK = await rate(POINT_OPS, () => db.findOneAsync({ k: Math.floor(r() * n) }).execAsync());
    return { insert, findK };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Point finds per second by slug (a unique index) over the articles in `dbPath`, through an engine process. */
async function articleFindRate(dbPath: string, n: number): Promise<number> {
  const engine = await spawnEngine(dbPath);
  const client = await MongoClient.connect(engine.uri);
  try {
    const articles = client.db(ARTICLE_DB).collection('articles');
    const r = rng(5);
    return await rate(POINT_OPS, () => articles.findOne({ slug: `article-${Math.floor(r() * n)}` }));
  } finally {
    await client.close();
    await engine.stop();
  }
}

/** Proportional set size: pages shared with other processes (the node binary both processes map) counted once in all. */
function pssMb(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

function rssMb(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Milliseconds for the engine to open a data directory (the data-dependent part of a start). */
async function engineOpenMs(dataDir: string): Promise<number> {
  const t = process.hrtime.bigint();
  const engine = await startEmbeddedMongo({ dbPath: path.join(dataDir, 'db') });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  await engine.stop();
  return ms;
}

/** `npm start` on a data directory: seconds until /healthz answers, then idle RSS of the service and its engine. */
async function startService(dataDir: string): Promise<{ healthzS: number; readyzS: number; rssMb: number; appMb: number; engineMb: number; pssMb: number; enginePssMb: number }> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const t = Date.now();
  // What `npm start` runs: the compiled build (compiled once per bench run, before the clock starts).
  const child = spawn(process.execPath, [path.join(root, 'dist/main.js')], {
    cwd: root,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, MONGODB_URI: '', SCHEDULER_ENABLED: 'false', LOG_LEVEL: 'error' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    const until = async (p: string) => {
      for (;;) {
        if (child.exitCode !== null) throw new Error('service exited');
        if ((await fetch(`http://127.0.0.1:${port}${p}`).catch(() => undefined))?.ok) return (Date.now() - t) / 1000;
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const healthzS = await until('/healthz');
    const readyzS = await until('/readyz');
    await new Promise((r) => setTimeout(r, 3000)); // idle
    const enginePid = (JSON.parse(readFileSync(path.join(dataDir, 'db', 'engine.addr.json'), 'utf8')) as { pid: number }).pid;
    const appMb = rssMb(child.pid), engineMb = rssMb(enginePid);
    const enginePssMb = pssMb(enginePid);
    return { healthzS, readyzS, rssMb: appMb + engineMb, appMb, engineMb, pssMb: pssMb(child.pid) + enginePssMb, enginePssMb };
  } finally {
    await stopChild(child);
  }
}

function table(rows: string[][]): void {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' │ ');
  console.log(line(rows[0]));
  console.log(widths.map((w) => '─'.repeat(w)).join('─┼─'));
  for (const r of rows.slice(1)) console.log(line(r));
  console.log();
}

async function main(): Promise<void> {
  // MONGODB_URI must not point the service elsewhere: the config treats '' as unset only if we remove it
  delete process.env.MONGODB_URI;
  const log = (m: string) => process.stderr.write(m);
  let wire: { tcpEcho: number; unixEcho: number; small: EngineFigures; large: EngineFigures; nedb: { insert: number; findK: number } } | undefined;
  if (!values['skip-wire']) {
    log('wire baselines…\n');
    const tcpEcho = await echoRate('tcp', ROUND_TRIPS);
    const unixEcho = await echoRate('unix', ROUND_TRIPS);
    log(`engine at ${fmt(SMALL)} and ${fmt(DOCS)} documents, nedb beside…\n`);
    const small = await engineAt(SMALL);
    const large = await engineAt(DOCS);
    const nedb = await nedbAt(DOCS);
    wire = { tcpEcho, unixEcho, small, large, nedb };
  }

  log(`npm start: empty, then ${fmt(ARTICLES)} articles…\n`);
  if (spawnSync(process.execPath, [path.join(root, 'scripts/build-server.mjs')], { stdio: 'inherit' }).status !== 0) throw new Error('npm run build failed');
  const kept = values.db ? path.resolve(values.db) : undefined;
  const emptyDir = mkdtempSync(path.join(tmpdir(), 'bench-start-empty-'));
  const fullDir = kept ?? mkdtempSync(path.join(tmpdir(), 'bench-start-full-'));
  const smallDb = kept ? path.join(kept, 'articles-10k') : mkdtempSync(path.join(tmpdir(), 'bench-articles-10k-'));
  try {
    const empty = await startService(emptyDir);
    log(`loading ${fmt(ARTICLES)} articles${kept ? ` into ${kept} (kept)` : ''}…\n`);
    const load = await ensureArticles(path.join(fullDir, 'db'), ARTICLES, Number(values.batch), log);
    await ensureArticles(smallDb, SMALL);
    const full = await startService(fullDir);
    const [openEmpty, openFull] = [await engineOpenMs(emptyDir), await engineOpenMs(fullDir)];
    const findSmall = await articleFindRate(smallDb, SMALL);
    const findFull = await articleFindRate(path.join(fullDir, 'db'), ARTICLES);

    console.log(`\nbench:scale — ${new Date().toISOString()} — load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
    table([
      ['npm start', 'empty database', `${fmt(ARTICLES)} articles`, 'ratio', 'target'],
      ['seconds to /healthz', empty.healthzS.toFixed(2), full.healthzS.toFixed(2), `${(full.healthzS / empty.healthzS).toFixed(2)}×`, '≤ 3 s'],
      ['seconds to /readyz', empty.readyzS.toFixed(2), full.readyzS.toFixed(2), `${(full.readyzS / empty.readyzS).toFixed(2)}×`, ''],
      ['engine open alone (ms, in process)', openEmpty.toFixed(0), openFull.toFixed(0), `${(openFull / openEmpty).toFixed(2)}×`, ''],
      ['idle RSS MB (service + engine)', empty.rssMb.toFixed(0), full.rssMb.toFixed(0), `${(full.rssMb / empty.rssMb).toFixed(2)}×`, '≤ 1.3×, < 250 MB'],
      ['  of which the engine process', empty.engineMb.toFixed(0), full.engineMb.toFixed(0), `${(full.engineMb / empty.engineMb).toFixed(2)}×`, ''],
      ['idle PSS MB (shared pages counted once)', empty.pssMb.toFixed(0), full.pssMb.toFixed(0), `${(full.pssMb / empty.pssMb).toFixed(2)}×`, ''],
      ['  of which the engine process', empty.enginePssMb.toFixed(0), full.enginePssMb.toFixed(0), `${(full.enginePssMb / empty.enginePssMb).toFixed(2)}×`, ''],
      [`findOne({slug}) ops/s, ${fmt(SMALL)} vs ${fmt(ARTICLES)} articles`, fmt(findSmall), fmt(findFull), `${(findSmall / findFull).toFixed(2)}× cost`, '≤ 1.3×'],
    ]);
    if (load.loaded > 0) {
      console.log(
        `loading ${fmt(load.loaded)} articles (${fmt(load.existing)} there before; 16 indexes) through mongoose's collection in batches of ${fmt(Number(values.batch))}, engine in its own process: ` +
          `${fmt(load.docsPerSecond)} docs/s (target ≥ 5,000); CPU per 1,000 articles: client ${load.clientCpuPerK.toFixed(3)} s, engine ${load.engineCpuPerK.toFixed(3)} s\n`,
      );
    } else console.log(`${fmt(ARTICLES)} articles reused from ${fullDir} (no loading figure this run)\n`);
    if (!wire) return;
    const { tcpEcho, unixEcho, small, large, nedb } = wire;
    table([
      ['wire (ops/s, one at a time)', 'ops/s', 'baseline', 'ratio', 'target'],
      ['ping through the driver (Unix socket)', fmt(large.ping), `TCP echo ${fmt(tcpEcho)}`, `${(large.ping / tcpEcho).toFixed(2)}×`, '≥ 0.5×'],
      ['', '', `Unix echo ${fmt(unixEcho)}`, `${(large.ping / unixEcho).toFixed(2)}×`, ''],
      [`findOne({_id}) at ${fmt(DOCS)}`, fmt(large.findId), `ping ${fmt(large.ping)}`, `${(large.findId / large.ping).toFixed(2)}×`, '≥ 0.7×'],
      [`findOne({k}) indexed at ${fmt(DOCS)}`, fmt(large.findK), `ping ${fmt(large.ping)}`, `${(large.findK / large.ping).toFixed(2)}×`, '≥ 0.7×'],
      [`updateOne({_id}, $inc) at ${fmt(DOCS)}`, fmt(large.update), `ping ${fmt(large.ping)}`, `${(large.update / large.ping).toFixed(2)}×`, '≥ 0.5×'],
      [`bulk insert docs/s (batches of ${BATCH})`, fmt(large.insert), `nedb ${fmt(nedb.insert)}`, `${(large.insert / nedb.insert).toFixed(2)}×`, '≥ 1×'],
      [`findOne({k}) cost at ${fmt(DOCS)} vs ${fmt(SMALL)}`, fmt(large.findK), `${fmt(small.findK)} at ${fmt(SMALL)}`, `${(small.findK / large.findK).toFixed(2)}× cost`, '≤ 1.3×'],
      [`nedb in-process findOne({k}) (out of any wire's reach)`, fmt(nedb.findK), '', '', ''],
    ]);
    console.log(`documents examined per indexed point find (explain): ${small.examined} at ${fmt(SMALL)}, ${large.examined} at ${fmt(DOCS)}`);
  } finally {
    rmSync(emptyDir, { recursive: true, force: true });
    if (!kept) {
      rmSync(fullDir, { recursive: true, force: true });
      rmSync(smallDb, { recursive: true, force: true });
    }
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
