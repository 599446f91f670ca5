/** Starts a fake in its own process (test/fakes/cli.ts) and resolves once it listens. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

export interface SpawnedFake {
  url: string;
  port: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

export function spawnFake(provider: 'wechat' | 'tencent' | 'aliyun', args: string[] = []): Promise<SpawnedFake> {
  const root = path.resolve(__dirname, '../..');
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'cli.ts'), provider, ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    child.once('exit', (code) => reject(new Error(`fake ${provider} exited with ${code}`)));
    lines.once('line', (line) => {
      const { url, port } = JSON.parse(line) as { url: string; port: number };
      resolve({
        url,
        port,
        child,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}
