/**
 * The engine in a child process for the benchmarks (`scripts/db.ts` on its Unix socket), run as `npm start` runs the
 * service's engine: compiled (dist/, not under tsx, which holds tens of MB more) and with npm start's environment
 * (its malloc settings), so the engine's memory figures are production's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { compileAgainstDist, startEnv } from './compiled';

const root = path.resolve(__dirname, '../..');

export interface EngineProcess {
  uri: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** The engine on `dbPath` in a child process; `nodeArgs` e.g. `--cpu-prof`, before the script; `engineArgs` e.g. `--cache-mb 64`, after it. */
export async function spawnEngine(dbPath: string, nodeArgs: string[] = [], engineArgs: string[] = []): Promise<EngineProcess> {
  mkdirSync(dbPath, { recursive: true, mode: 0o700 });
  const script = await compileAgainstDist(path.join(root, 'scripts/db.ts'));
  const child = spawn(process.execPath, [...nodeArgs, script, '--socket-only', '--dbpath', dbPath, ...engineArgs, '--quiet'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...startEnv() },
  });
  const uri = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /ready: (mongodb:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`engine exited (${code})`)));
  });
  const stop = () =>
    child.exitCode !== null
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        });
  return { uri, child, stop };
}

/** CPU seconds a process has used so far (user + system), from /proc. */
export function cpuSeconds(pid: number | undefined): number {
  if (!pid) return 0;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
}

