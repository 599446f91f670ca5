/** Structured JSON logs (pino). Every module gets a child logger named after itself. */
import { fstatSync, writeSync } from 'node:fs';
import pino, { type Logger } from 'pino';

export type { Logger };

let lastMs = -1;
let lastTime = '';
let lastSecond = -1;
/** `,"time":"2026-12-01T02:30:00.` of the current second. */
let secondPrefix = '';

/**
 * pino's ISO time, formatted once per millisecond, and the date and time of day once per second: under load most
 * lines share a second, many a millisecond, and `toISOString` showed up in the access log's cost.
 */
export function isoTime(): string {
  const now = Date.now();
  if (now !== lastMs) {
    lastMs = now;
    const ms = now % 1000;
    if (now - ms !== lastSecond) {
      lastSecond = now - ms;
      secondPrefix = `,"time":"${new Date(lastSecond).toISOString().slice(0, 20)}`;
    }
    lastTime = `${secondPrefix}${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}Z"`;
  }
  return lastTime;
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'lianxin' },
      timestamp: isoTime,
      redact: { paths: ['*.password', '*.token', '*.phone', 'req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' },
    },
    destination,
  );
}

/**
 * Where a logger's lines go, for writers that format their own lines in the logger's shape (the access log,
 * src/http/access-log.ts): the destination stream and the bindings every line carries (`"service":"lianxin"`).
 */
export function rawDestination(logger: Logger): { stream: { write(chunk: string): unknown }; bindings: string } {
  const stream = (logger as unknown as Record<symbol, { write(chunk: string): unknown }>)[pino.symbols.streamSym];
  const bindings = JSON.stringify(logger.bindings()).slice(1, -1);
  return { stream, bindings };
}

/** What a writer of bytes needs of the logger's own destination (pino.destination, pino's default: a SonicBoom). */
interface FileDestination {
  fd: number;
  sync: boolean;
  flushSync(): void;
  once(event: 'ready', listener: () => void): unknown;
}

function isFileDestination(stream: unknown): stream is FileDestination {
  const s = stream as Partial<FileDestination>;
  return typeof s.fd === 'number' && typeof s.sync === 'boolean' && typeof s.flushSync === 'function' && typeof s.once === 'function';
}

/** Bytes written to a logger's file descriptor beside the logger itself: `write` in the destination's own mode. */
export interface ByteDestination {
  write(bytes: Buffer): void;
  /** Writes now, synchronously (at exit, when nothing asynchronous will run any more). */
  writeSync(bytes: Buffer): void;
}

/**
 * A second writer, of Buffers, on the file descriptor a logger writes to — for the access log, whose batches then go
 * out as the bytes they were formatted into instead of a string that the logger's destination measures, converts and
 * copies again (twice the main thread's cost of writing a line). Only where two writers cannot cut into each other's
 * lines: a synchronous destination (every write on the main thread, whole, one after the other) or a regular file
 * (the kernel appends each write whole). `use` is called once the descriptor is open, or never: a stream that is no
 * file descriptor, or a pipe written asynchronously (a write may be split when the pipe is full), keeps its strings.
 */
export function byteDestination(logger: Logger, use: (destination: ByteDestination) => void): void {
  const stream = rawDestination(logger).stream;
  if (!isFileDestination(stream)) return;
  const attach = () => {
    const fd = stream.fd;
    if (fd < 0 || (!stream.sync && !isRegularFile(fd))) return;
    const out = pino.destination({ dest: fd, sync: stream.sync, contentMode: 'buffer' }) as unknown as { write(bytes: Buffer): unknown; flushSync(): void };
    use({
      write: (bytes) => out.write(bytes),
      writeSync: (bytes) => {
        out.flushSync();
        for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done);
      },
    });
  };
  if (stream.fd >= 0) attach();
  else stream.once('ready', attach);
}

function isRegularFile(fd: number): boolean {
  try {
    return fstatSync(fd).isFile();
  } catch {
    return false;
  }
}
