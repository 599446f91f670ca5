/** Sequential-rate helpers the wire benchmarks share (bench:wire, bench:scale). */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Operations per second of `fn` run one at a time, in steady state: after an untimed warm-up of at least `warmUp`
 * operations and `warmMs` milliseconds. V8 optimises the driver's command path only after a few thousand calls —
 * a ping's first 3,000 cost the driver ~275 µs of CPU each, the next 3,000 ~60 µs — so a 200-operation warm-up
 * measured mostly unoptimised code (the "0.07× a TCP echo" of earlier runs). Both sides of every ratio (the bare
 * echo included) are warmed the same way.
 */
export async function rate(ops: number, fn: (i: number) => Promise<unknown>, warmUp = 3000, warmMs = 1000): Promise<number> {
  const warmUntil = Date.now() + warmMs;
  for (let i = 0; i < warmUp || Date.now() < warmUntil; i++) await fn(i);
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
