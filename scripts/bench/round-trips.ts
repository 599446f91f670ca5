/** Sequential-rate helpers the wire benchmarks share (bench:wire, bench:scale). */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Operations per second of `fn` run one at a time, after a short warm-up that is not timed. */
export async function rate(ops: number, fn: (i: number) => Promise<unknown>, warmUp = 200): Promise<number> {
  for (let i = 0; i < Math.min(warmUp, ops); i++) await fn(i);
  const t = process.hrtime.bigint();
  for (let i = 0; i < ops; i++) await fn(i);
  return ops / (Number(process.hrtime.bigint() - t) / 1e9);
}

/** Round trips per second of 64 bytes to an echo server in another Node process: the floor any wire protocol sits on. */
export async function echoRate(kind: 'tcp' | 'unix', ops: number): Promise<number> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-echo-'));
  const sock = path.join(dir, 'echo.sock');
  const code = `const s=require('net').createServer(c=>{c.setNoDelay?.(true);c.on('data',d=>c.write(d))});s.listen(${kind === 'tcp' ? "0,'127.0.0.1'" : JSON.stringify(sock)},()=>console.log(JSON.stringify(s.address())))`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const address = await new Promise<string | net.AddressInfo>((resolve) => child.stdout!.once('data', (d) => resolve(JSON.parse(String(d)))));
    const socket = typeof address === 'string' ? net.connect(address) : net.connect(address.port, '127.0.0.1');
    socket.setNoDelay(true);
    await new Promise((r) => socket.once('connect', r));
    const message = Buffer.alloc(64, 1);
    let pending: (() => void) | undefined;
    socket.on('data', () => pending?.());
    const result = await rate(ops, () => new Promise<void>((resolve) => ((pending = resolve), socket.write(message))));
    socket.destroy();
    return result;
  } finally {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}
