/**
 * The wire alone, quickly: ping / findOne by _id / indexed findOne / updateOne by _id through the official driver
 * against the engine in its own process (Unix socket, as the service connects), beside a bare echo round trip
 * between two Node processes measured in the same run. Runs in well under a minute.
 *   npm run bench:wire [-- --docs 100000 --ops 5000 --profile DIR --batch-rounds 200 --batch-only --batch-shape REGEX]
 * Beside each rate: CPU microseconds per operation spent by this (driver) process and by the engine process (from
 * /proc), so the split of a round trip between driver, engine and waiting is measured, not guessed; and the driver's
 * ping against a minimal responder (another Node process answering every message with a prebuilt `{ok: 1}`), the
 * ceiling any server can reach through this driver.
 * --profile DIR writes V8 CPU profiles of both processes (engine and client) into DIR (open them in Chrome
 * DevTools or `npx cpupro`), to see where a round trip's time goes.
 * A second table: batch writes of the app's shapes (batch-writes.ts), the engine's CPU per written document against a
 * bare insertMany in the same run; `--batch-only` runs that table alone (quicker A/B runs and profiles of it).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { MongoClient, type ObjectId } from 'mongodb';
import { spawnEngine } from './engine-process';
import { echoRate, rate } from './round-trips';
import { batchShapes } from './batch-writes';

const { values } = parseArgs({ options: { docs: { type: 'string', default: '100000' }, ops: { type: 'string', default: '5000' }, profile: { type: 'string' }, 'batch-rounds': { type: 'string', default: '200' }, 'batch-only': { type: 'boolean', default: false }, 'batch-shape': { type: 'string' } } });
const DOCS = Number(values.docs);
const OPS = Number(values.ops);
const BATCH_ROUNDS = Number(values['batch-rounds']);
const root = path.resolve(__dirname, '../..');
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** CPU time (user + system) of another process, in microseconds, from /proc (Linux). */
function cpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

interface Measured {
  rate: number;
  clientUs: number;
  serverUs: number;
}

/** `rate`, plus CPU µs per operation of this process and of the server process. */
async function measured(serverPid: number, ops: number, fn: (i: number) => Promise<unknown>): Promise<Measured> {
  await rate(0, fn); // the warm-up alone (steady state: see rate), outside the CPU figures
  const c0 = process.cpuUsage();
  const s0 = cpuMicros(serverPid);
  const r = await rate(ops, fn, 0, 0);
  const c = process.cpuUsage(c0);
  return { rate: r, clientUs: (c.user + c.system) / ops, serverUs: (cpuMicros(serverPid) - s0) / ops };
}

const MINIMAL_RESPONDER = `
const net = require('net'); const { serialize } = require('bson');
const body = Buffer.from(serialize({ isWritablePrimary: true, helloOk: true, maxBsonObjectSize: 16777216, maxMessageSizeBytes: 48000000,
  maxWriteBatchSize: 100000, localTime: new Date(), logicalSessionTimeoutMinutes: 30, connectionId: 1, minWireVersion: 0, maxWireVersion: 21, ok: 1 }));
net.createServer((s) => {
  let buf = Buffer.alloc(0);
  s.on('error', () => {});
  s.on('data', (d) => {
    buf = buf.length ? Buffer.concat([buf, d]) : d;
    while (buf.length >= 4 && buf.length >= buf.readInt32LE(0)) {
      const reqId = buf.readInt32LE(4); buf = buf.subarray(buf.readInt32LE(0));
      const out = Buffer.allocUnsafe(21 + body.length);
      out.writeInt32LE(out.length, 0); out.writeInt32LE(0, 4); out.writeInt32LE(reqId, 8); out.writeInt32LE(2013, 12); out.writeUInt32LE(0, 16); out[20] = 0;
      body.copy(out, 21); s.write(out);
    }
  });
}).listen(process.argv[1], () => console.log('ready'));`;

/** The driver's ping against a process that does nothing but answer: what the driver itself costs. */
async function driverCeiling(): Promise<Measured> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-responder-'));
  const sock = path.join(dir, 'r.sock');
  const child = spawn(process.execPath, ['-e', MINIMAL_RESPONDER, sock], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise((resolve) => child.stdout!.once('data', resolve));
    const client = await MongoClient.connect(`mongodb://${encodeURIComponent(sock)}/`);
    try {
      return await measured(child.pid!, OPS, () => client.db('x').command({ ping: 1 }));
    } finally {
      await client.close();
    }
  } finally {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The engine's CPU per written document of each batch shape (batch-writes.ts), after a warm-up of a third as many
 * rounds; the ratio is against the bare insertMany of the same run. The engine's CPU comes from /proc in 10 ms ticks:
 * the rounds are enough for each figure to be hundreds of ticks.
 */
async function batchTable(client: MongoClient, pid: number): Promise<string[][]> {
  const shapes = await batchShapes(client.db('bench-batches'));
  const rows = [['batch write (one at a time)', 'docs/round', 'engine µs/doc', 'of the floor', 'driver µs/doc', 'wall µs/doc']];
  let floor = 0;
  for (const [n, shape] of shapes.entries()) {
    // --batch-shape REGEX: those shapes alone (and the floor), e.g. to profile them ('claims|reply': replies update claims)
    if (n > 0 && values['batch-shape'] && !new RegExp(values['batch-shape']).test(shape.name)) continue;
    let round = 0;
    for (const end = Math.ceil(BATCH_ROUNDS / 3); round < end; ) await shape.run(round++);
    const c0 = process.cpuUsage();
    const s0 = cpuMicros(pid);
    const t0 = process.hrtime.bigint();
    for (const end = round + BATCH_ROUNDS; round < end; ) await shape.run(round++);
    const wall = Number(process.hrtime.bigint() - t0) / 1e3;
    const c = process.cpuUsage(c0);
    const docs = BATCH_ROUNDS * shape.docs;
    const engineUs = (cpuMicros(pid) - s0) / docs;
    if (!floor) floor = engineUs;
    rows.push([shape.name, String(shape.docs), engineUs.toFixed(1), `${(engineUs / floor).toFixed(2)}×`, ((c.user + c.system) / docs).toFixed(1), (wall / docs).toFixed(1)]);
  }
  return rows;
}

function printTable(rows: string[][]): void {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' │ '));
}

async function main(): Promise<void> {
  if (values['batch-only']) return batchOnly();
  const tcpEcho = await echoRate('tcp', OPS);
  const unixEcho = await echoRate('unix', OPS);
  const ceiling = await driverCeiling();
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-wire-'));
  const profileArgs = values.profile ? ['--cpu-prof', '--cpu-prof-dir', path.resolve(values.profile)] : [];
  const engine = await spawnEngine(dir, profileArgs);
  const { uri, child } = engine;
  const client = await MongoClient.connect(uri);
  const session = values.profile ? new Session() : undefined;
  try {
    const c = client.db('bench').collection('docs');
    await c.createIndex({ k: 1 });
    const docs = Array.from({ length: DOCS }, (_, i) => ({ k: i, name: `user-${i}`, city: ['北京', '上海'][i % 2], n: 0 }));
    for (let b = 0; b < DOCS; b += 1000) await c.insertMany(docs.slice(b, b + 1000));
    const ids = docs.map((d) => (d as unknown as { _id: ObjectId })._id);
    let seed = 11;
    const pick = () => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % DOCS);
    if (session) {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
    }
    const pid = child.pid!;
    const ping = await measured(pid, OPS, () => client.db('bench').command({ ping: 1 }));
    const findId = await measured(pid, OPS, () => c.findOne({ _id: ids[pick()] }));
    const findK = await measured(pid, OPS, () => c.findOne({ k: pick() }));
    const update = await measured(pid, OPS, () => c.updateOne({ _id: ids[pick()] }, { $inc: { n: 1 } }));
    if (session) {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(path.join(path.resolve(values.profile!), `client-${Date.now()}.cpuprofile`), JSON.stringify(profile));
    }
    const us = (m: Measured) => `${(1e6 / m.rate).toFixed(0)} µs: driver ${m.clientUs.toFixed(0)} + engine ${m.serverUs.toFixed(0)} CPU`;
    const rows = [
      ['operation (one at a time)', 'ops/s', 'baseline', 'ratio', 'target', 'per op (wall: CPU of each side)'],
      ['ping through the driver', fmt(ping.rate), `TCP echo ${fmt(tcpEcho)}`, `${(ping.rate / tcpEcho).toFixed(2)}×`, '≥ 0.5×', us(ping)],
      ['', '', `Unix echo ${fmt(unixEcho)}`, `${(ping.rate / unixEcho).toFixed(2)}×`, '', ''],
      ['', '', `driver vs minimal responder ${fmt(ceiling.rate)}`, `${(ping.rate / ceiling.rate).toFixed(2)}×`, '', `${(1e6 / ceiling.rate).toFixed(0)} µs: driver ${ceiling.clientUs.toFixed(0)} + responder ${ceiling.serverUs.toFixed(0)}`],
      [`findOne({_id}) at ${fmt(DOCS)}`, fmt(findId.rate), `ping ${fmt(ping.rate)}`, `${(findId.rate / ping.rate).toFixed(2)}×`, '≥ 0.7×', us(findId)],
      [`findOne({k}) indexed at ${fmt(DOCS)}`, fmt(findK.rate), `ping ${fmt(ping.rate)}`, `${(findK.rate / ping.rate).toFixed(2)}×`, '≥ 0.7×', us(findK)],
      [`updateOne({_id}, $inc) at ${fmt(DOCS)}`, fmt(update.rate), `ping ${fmt(ping.rate)}`, `${(update.rate / ping.rate).toFixed(2)}×`, '≥ 0.5×', us(update)],
    ];
    console.log(`bench:wire — ${new Date().toISOString()}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    printTable(rows);
    console.log('');
    printTable(await batchTable(client, pid));
  } finally {
    await client.close();
    await engine.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** --batch-only: the batch-write table alone (a profile with --profile covers only it). */
async function batchOnly(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-wire-'));
  const profileArgs = values.profile ? ['--cpu-prof', '--cpu-prof-dir', path.resolve(values.profile)] : [];
  const engine = await spawnEngine(dir, profileArgs);
  const client = await MongoClient.connect(engine.uri);
  try {
    const rows = await batchTable(client, engine.child.pid!);
    console.log(`bench:wire batch writes — ${new Date().toISOString()}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    printTable(rows);
  } finally {
    await client.close();
    await engine.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
