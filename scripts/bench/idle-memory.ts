/**
 * npm run bench:idle — what an idle service holds: RSS and V8 heap after start-up and a full GC, two ways:
 * 1. compiled, as `npm start` runs it: scripts/build-server.mjs, then `node dist/main.js` in a child with npm start's
 *    environment (the malloc settings of package.json's start script; scripts/bench/compiled.ts) and a probe
 *    preloaded that runs the GC and reports on request, scripts/bench/idle-probe.cjs), next to a bare `node`;
 * 2. in this process under tsx (as tests and scripts run it), next to a bare `node --import tsx`.
 * The heaviest packages loaded at start are listed. The engine runs in its own process (its RSS is printed apart).
 * Options: IDLE_COMPILED=0 skips the compiled run (and the build). Uses throw-away data directories.
 */
import { execFileSync, fork } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { loadConfig } from '../../src/config';
import { startService } from '../../src/server';
import { startEnv } from './compiled';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;

function rssOfPid(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

const ROOT = path.resolve(__dirname, '..', '..');
const topPackages = (packages: Record<string, number> | Map<string, number>) =>
  [...(packages instanceof Map ? packages : Object.entries(packages))]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 15)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');

/** The pids of a process's children (the service's engine), from /proc. */
function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((t) => readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').split(' ').filter(Boolean).map(Number));
  } catch {
    return [];
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

interface ProbeReport {
  asIs: number;
  memory: NodeJS.MemoryUsage;
  packages: Record<string, number>;
}

/** `npm start`'s way: build dist/, run `node dist/main.js` idle, measure it from outside and through the probe. */
async function compiled(): Promise<Array<[string, string]>> {
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build-server.mjs')], { cwd: ROOT, stdio: 'ignore' });
  const dataDir = mkdtempSync(path.join(tmpdir(), 'lianxin-bench-idle-dist-'));
  const port = await freePort();
  const child = fork(path.join(ROOT, 'dist/main.js'), [], {
    cwd: ROOT,
    execArgv: ['--expose-gc', '--require', path.join(ROOT, 'scripts/bench/idle-probe.cjs')],
    env: { ...startEnv(), PATH: process.env.PATH, NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', DATA_DIR: dataDir, PUBLIC_BASE_URL: 'http://lianxin.bench' },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false);
      if (ready) break;
      if (Date.now() > deadline || child.exitCode !== null) throw new Error('the compiled service did not become ready');
      await new Promise((r) => setTimeout(r, 200));
    }
    await new Promise((r) => setTimeout(r, 2000));
    const report = await new Promise<ProbeReport>((resolve) => {
      child.once('message', (m) => resolve(m as ProbeReport));
      child.send('measure');
    });
    const engine = childrenOf(child.pid!).map(rssOfPid).reduce((a, b) => a + b, 0);
    const bare = JSON.parse(
      execFileSync(process.execPath, ['--expose-gc', '-e', 'global.gc(); console.log(JSON.stringify(process.memoryUsage()))'], { encoding: 'utf8' }),
    ) as NodeJS.MemoryUsage;
    return [
      ['compiled service (node dist/main.js, as npm start), idle', `${mb(report.asIs)} RSS as it stands`],
      ['  RSS after a full GC', `${mb(report.memory.rss)} (goal < 150 MB)`],
      ['  V8 heap used / total', `${mb(report.memory.heapUsed)} / ${mb(report.memory.heapTotal)}`],
      ['  external + array buffers', `${mb(report.memory.external)} + ${mb(report.memory.arrayBuffers)}`],
      ['  bare node, same run', `${mb(bare.rss)} (heap ${mb(bare.heapUsed)})`],
      ['  engine process RSS', engine ? mb(engine) : 'n/a'],
      ['  packages loaded at start (by files)', topPackages(report.packages)],
    ];
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main() {
  const compiledRows = process.env.IDLE_COMPILED === '0' ? [] : await compiled();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'lianxin-bench-idle-'));
  const config = loadConfig({ NODE_ENV: 'production', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn', DATA_DIR: dataDir, PUBLIC_BASE_URL: 'http://lianxin.bench' });
  const service = await startService(config);
  try {
    await new Promise((r) => setTimeout(r, 2000));
    gc();
    gc();
    const mem = process.memoryUsage();
    const packages = new Map<string, number>();
    for (const file of Object.keys(require.cache)) {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file);
      if (m) packages.set(m[1], (packages.get(m[1]) ?? 0) + 1);
    }
    const bare = JSON.parse(
      execFileSync(process.execPath, ['--import', 'tsx', '-e', 'global.gc?.(); console.log(JSON.stringify(process.memoryUsage()))'], { encoding: 'utf8' }),
    ) as NodeJS.MemoryUsage;
    const rows: Array<[string, string]> = [
      ...compiledRows,
      ['in-process service under tsx, RSS idle after a full GC', `${mb(mem.rss)} (goal < 150 MB)`],
      ['  V8 heap used / total', `${mb(mem.heapUsed)} / ${mb(mem.heapTotal)}`],
      ['  external + array buffers', `${mb(mem.external)} + ${mb(mem.arrayBuffers)}`],
      ['  bare node --import tsx, same run', `${mb(bare.rss)} (heap ${mb(bare.heapUsed)})`],
      ['  engine process RSS', mb(rssOfPid(service.database.enginePid?.()))],
      ['  packages loaded at start (by files)', topPackages(packages)],
      ['load average (1, 5, 15 min)', loadavg().map((l) => l.toFixed(2)).join(' ')],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    console.log('\nbench:idle — what an idle service holds\n');
    for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
  } finally {
    await service.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
