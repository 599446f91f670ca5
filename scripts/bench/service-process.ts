/**
 * The service as `npm start` runs it, for benchmarks that measure it from outside: compiled to dist/
 * (scripts/build-server.mjs), `node dist/main.js` in its own process with the embedded engine in another, and the
 * bench-only probe preloaded (scripts/bench/wechat-probe.cjs: CPU time, and memory after a full GC, over IPC).
 * Memory is read from /proc: RSS now, and the peak since `resetPeak()` (VmHWM after clear_refs, with a 10 ms sampler
 * beside it where the kernel does not allow the reset).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

/** `npm run build`: compiles src/ to dist/. */
export function buildServer(): void {
  if (spawnSync(process.execPath, [path.join(root, 'scripts/build-server.mjs')], { stdio: 'ignore' }).status !== 0) throw new Error('npm run build failed');
}

function procStatusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** RSS of a process in MB, from /proc (0 where there is none). */
export function rssMbOf(pid: number): number {
  return procStatusKb(pid, 'VmRSS') / 1024;
}

/** CPU time (user + system) of a process in ms, from /proc (clock ticks of 10 ms). */
export function cpuMsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

/** Peak RSS of a process from now on: the kernel's high-water mark reset (clear_refs 5), and a sampler beside it. */
export function peakRss(pid: number): { stop(): number } {
  let reset = false;
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    reset = true;
  } catch {
    // Not allowed here: the sampler alone.
  }
  let peak = rssMbOf(pid);
  const timer = setInterval(() => (peak = Math.max(peak, rssMbOf(pid))), 10);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, rssMbOf(pid), reset ? procStatusKb(pid, 'VmHWM') / 1024 : 0);
    },
  };
}

export class ServiceProcess {
  private constructor(
    readonly proc: ChildProcess,
    readonly port: number,
    readonly dataDir: string,
  ) {}

  /** Starts dist/main.js on a random port with `env` (PATH, PORT, HOST and DATA_DIR are set here) and waits for /readyz. */
  static async start(dataDir: string, env: Record<string, string>, cpuProfDir?: string): Promise<ServiceProcess> {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const prof = cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', cpuProfDir] : [];
    const proc = spawn(process.execPath, ['--expose-gc', '--require', path.join(__dirname, 'wechat-probe.cjs'), ...prof, path.join(root, 'dist/main.js')], {
      cwd: root,
      env: { PATH: process.env.PATH, ...env, HOST: '127.0.0.1', PORT: String(port), DATA_DIR: dataDir },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const service = new ServiceProcess(proc, port, dataDir);
    const deadline = Date.now() + 120_000;
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`service exited with ${proc.exitCode}`);
      if ((await fetch(`${service.url}/readyz`).catch(() => undefined))?.ok) return service;
      if (Date.now() > deadline) throw new Error('the compiled service did not become ready');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    return this.proc.pid!;
  }

  private ask<T>(what: 'cpu' | 'mem'): Promise<T> {
    return new Promise((resolve) => {
      const on = (m: Record<string, unknown>) => {
        if (what in m || (what === 'mem' && 'rss' in m)) {
          this.proc.off('message', on);
          resolve(m as T);
        }
      };
      this.proc.on('message', on);
      this.proc.send(what);
    });
  }

  /** User + system CPU time of the service process, ms (its own count, finer than /proc's ticks). */
  async cpuMs(): Promise<number> {
    const { cpu } = await this.ask<{ cpu: NodeJS.CpuUsage }>('cpu');
    return (cpu.user + cpu.system) / 1000;
  }

  /** RSS and V8 heap in use after a full GC, MB. */
  async memoryAfterGc(): Promise<{ rss: number; heap: number }> {
    const m = await this.ask<{ rss: number; heapUsed: number }>('mem');
    return { rss: m.rss / 1048576, heap: m.heapUsed / 1048576 };
  }

  /** The embedded engine's process (the service publishes its address and pid in the data directory). */
  enginePid(): number {
    return (JSON.parse(readFileSync(path.join(this.dataDir, 'db', 'engine.addr.json'), 'utf8')) as { pid: number }).pid;
  }

  /** Database commands the service sent so far, by command name (needs DB_COMMAND_METRICS=true). */
  async dbCommands(): Promise<Map<string, number>> {
    const body = await (await fetch(`${this.url}/metrics`)).text();
    const byName = new Map<string, number>();
    for (const m of body.matchAll(/^lianxin_db_commands_total\{command="([^"]*)"\} (\d+)/gm)) byName.set(m[1], Number(m[2]));
    return byName;
  }

  stop(): Promise<void> {
    if (this.proc.exitCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.proc.once('exit', () => resolve());
      this.proc.kill('SIGTERM');
    });
  }
}
