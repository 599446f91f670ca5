/**
 * npx tsx scripts/bench/idle-memory.ts — what an idle service holds: RSS and V8 heap after start-up and a full GC,
 * next to a bare Node process's (measured in a child, same flags), and the heaviest packages loaded at start.
 * The engine runs in its own process (its RSS is printed apart). Options: none; uses a throw-away data directory.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { loadConfig } from '../../src/config';
import { startService } from '../../src/server';

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

async function main() {
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
      ['service RSS, idle after a full GC', `${mb(mem.rss)} (goal < 150 MB)`],
      ['  V8 heap used / total', `${mb(mem.heapUsed)} / ${mb(mem.heapTotal)}`],
      ['  external + array buffers', `${mb(mem.external)} + ${mb(mem.arrayBuffers)}`],
      ['bare node --import tsx, same run', `${mb(bare.rss)} (heap ${mb(bare.heapUsed)})`],
      ['engine process RSS', mb(rssOfPid(service.database.enginePid?.()))],
      ['packages loaded at start (by files)', [...packages].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([k, v]) => `${k} ${v}`).join(', ')],
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
