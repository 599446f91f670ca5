/**
 * The service as `npm start` runs it, for benchmarks that measure it from outside: compiled to dist/
 * (scripts/build-server.mjs), `node dist/main.js` in its own process with the embedded engine in another, and the
 * bench-only probe preloaded (scripts/bench/wechat-probe.cjs: CPU time, and memory after a full GC, over IPC).
 * Memory is read from /proc: RSS now, and the peak since `resetPeak()` (VmHWM after clear_refs, with a 10 ms sampler
 * beside it where the kernel does not allow the reset).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

/** `npm run build`: compiles src/ to dist/ (one definition, in compiled.ts). */
export { buildServer } from './compiled';

function procStatusKb(pid: number | undefined, field: 'VmRSS' | 'VmHWM'): number {
  if (pid === undefined) return 0;
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** RSS of a process in MB, from /proc (0 where there is none, or no process: a database not on this machine). */
export function rssMbOf(pid: number | undefined): number {
  return procStatusKb(pid, 'VmRSS') / 1024;
}

/** A process's resident memory by kind, MB, from /proc/PID/smaps_rollup: anonymous (heaps, buffers) and file-backed (code, mapped files). */
export function residentOf(pid: number | undefined): { anon: number; file: number } {
  if (pid === undefined) return { anon: 0, file: 0 };
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(rollup)?.[1] ?? 0);
    return { anon: kb('Anonymous') / 1024, file: (kb('Rss') - kb('Anonymous')) / 1024 };
  } catch {
    return { anon: 0, file: 0 };
  }
}

/** CPU time (user + system) of a process in ms, from /proc (clock ticks of 10 ms). */
export function cpuMsOf(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

/** Peak RSS of a process from now on: the kernel's high-water mark reset (clear_refs 5), and a sampler beside it. */
export function peakRss(pid: number | undefined): { stop(): number } {
  if (pid === undefined) return { stop: () => 0 };
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

/** A port the OS says is free now (other sessions' servers share the machine). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}

/** What the probe reports after a full GC, MB. */
export interface ServiceMemory {
  rss: number;
  /** V8 heap in use. */
  heap: number;
  /** V8 heap committed (in use or not), of which the young generation's and the compiled code's spaces. */
  heapCommitted: number;
  newSpace: number;
  codeSpace: number;
  external: number;
  /** Of `external`, ArrayBuffers and Buffers (file contents, images). */
  arrayBuffers: number;
}

export class ServiceProcess {
  private constructor(
    readonly proc: ChildProcess,
    readonly port: number,
    readonly dataDir: string,
  ) {}

  /**
   * Starts dist/main.js on a free port with `env` (PATH, PORT, HOST and DATA_DIR are set here) and waits for /readyz.
   * `cpuProfDir` profiles the whole run; `nodeArgs` go to node before the script (e.g. --perf-basic-prof), with or without it.
   */
  static async start(dataDir: string, env: Record<string, string>, cpuProfDir?: string, nodeArgs: string[] = []): Promise<ServiceProcess> {
    const port = await freePort();
    const prof = cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', cpuProfDir] : [];
    // The probe answers CPU, memory and profiling questions; the counter counts the driver's commands (see both files).
    const preloads = ['--require', path.join(__dirname, 'wechat-probe.cjs'), '--require', path.join(__dirname, 'command-counter.cjs')];
    const proc = spawn(process.execPath, ['--expose-gc', ...preloads, ...prof, ...nodeArgs, path.join(root, 'dist/main.js')], {
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

  /** One question to the probe over IPC; `answers` names the field of its reply. */
  private ask<T>(question: unknown, answers: string): Promise<T> {
    return new Promise((resolve) => {
      const on = (m: Record<string, unknown>) => {
        if (answers in m) {
          this.proc.off('message', on);
          resolve(m as T);
        }
      };
      this.proc.on('message', on);
      this.proc.send(question as string);
    });
  }

  /** User + system CPU time of the service process, ms (its own count, finer than /proc's ticks). */
  async cpuMs(): Promise<number> {
    const { cpu } = await this.ask<{ cpu: NodeJS.CpuUsage }>('cpu', 'cpu');
    return (cpu.user + cpu.system) / 1000;
  }

  /** RSS, V8 heap (in use and committed, by space) and memory outside the heap after a full GC, MB. */
  async memoryAfterGc(): Promise<ServiceMemory> {
    const m = await this.ask<{ rss: number; heapUsed: number; heapTotal: number; external: number; arrayBuffers: number; spaces: Record<string, number> }>('mem', 'rss');
    const mb = (n: number | undefined) => (n ?? 0) / 1048576;
    return { rss: mb(m.rss), heap: mb(m.heapUsed), heapCommitted: mb(m.heapTotal), newSpace: mb(m.spaces.new_space), codeSpace: mb(m.spaces.code_space), external: mb(m.external), arrayBuffers: mb(m.arrayBuffers) };
  }

  /** RSS and what it is made of right now (no GC), MB: V8 committed by space, external and ArrayBuffer memory. */
  async memoryNow(): Promise<{ rss: number; heapUsed: number; heapCommitted: number; newSpace: number; oldSpace: number; largeObjects: number; external: number; arrayBuffers: number }> {
    const m = await this.ask<{ rss: number; heapUsed: number; heapTotal: number; external: number; arrayBuffers: number; spaces: Record<string, number> }>('mem-now', 'now');
    const mb = (n: number | undefined) => (n ?? 0) / 1048576;
    return {
      rss: mb(m.rss),
      heapUsed: mb(m.heapUsed),
      heapCommitted: mb(m.heapTotal),
      newSpace: mb(m.spaces.new_space) + mb(m.spaces.new_large_object_space),
      oldSpace: mb(m.spaces.old_space),
      largeObjects: mb(m.spaces.large_object_space),
      external: mb(m.external),
      arrayBuffers: mb(m.arrayBuffers),
    };
  }

  /** Starts sampling the service's allocations (collected ones included), for a .heapprofile of one phase. */
  async heapSampleStart(): Promise<void> {
    await this.ask('heap-sample-start', 'heapSampling');
  }

  /** Stops it and writes the .heapprofile (Chrome DevTools, Memory tab) to `file`. */
  async heapSampleStop(file: string): Promise<void> {
    await this.ask({ heapSampleStopTo: file }, 'heapSampled');
  }

  /** Writes a heap snapshot of the service after a full GC to `file` (DevTools' Memory tab). */
  async heapSnapshot(file: string): Promise<void> {
    await this.ask({ heapSnapshotTo: file }, 'heapSnapshot');
  }

  /** Starts the service's CPU profile of one phase (through the inspector, in the probe). */
  async profileStart(): Promise<void> {
    await this.ask('profile-start', 'profiling');
  }

  /** Stops it and writes the profile to `file`. */
  async profileStop(file: string): Promise<void> {
    await this.ask({ profileStopTo: file }, 'profiled');
  }

  /**
   * The embedded engine's process (the service publishes its address and pid in the data directory); undefined when
   * the service uses MONGODB_URI, whose database's CPU and memory are not this machine's to count.
   */
  enginePid(): number | undefined {
    const file = path.join(this.dataDir, 'db', 'engine.addr.json');
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { pid: number }).pid : undefined;
  }

  /**
   * Database commands the service sent so far, by command and collection ("insert wechat_inbound_messages"; commands
   * without a collection by name alone), from the preloaded counter (command-counter.cjs). Not DB_COMMAND_METRICS: that
   * turns on the driver's command monitoring, which deserialises every reply a second time, work `npm start` never does.
   */
  async dbCommands(): Promise<Map<string, number>> {
    const { dbCommands } = await this.ask<{ dbCommands: Record<string, number> }>('db-commands', 'dbCommands');
    return new Map(Object.entries(dbCommands));
  }

  stop(): Promise<void> {
    if (this.proc.exitCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.proc.once('exit', () => resolve());
      this.proc.kill('SIGTERM');
    });
  }
}
