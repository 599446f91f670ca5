/**
 * The access log: one JSON line per request in the logger's own shape (level, time, service, requestId, method, path,
 * status, ms, user, msg "request"), formatted here with string concatenation instead of pino's serialiser and
 * redaction (the fields are known and hold nothing to redact). Lines are gathered and written to the logger's
 * destination together, FLUSH_MS after the first of a batch (or at once past FLUSH_AT_CHARS): a write per line cost
 * more than the rest of serving a cached page. Where the logger writes to a file descriptor that a second writer may
 * share (src/logger.ts, `byteDestination`), each line is encoded once into the batch's Buffer and the batch goes out as
 * those bytes; elsewhere (a stream, a pipe written asynchronously) the batch is one string written to the logger's
 * stream. What is waiting is written when the process exits normally; a crash loses at most the last FLUSH_MS of
 * access lines (pino's own lines are not held back).
 *
 * Sampling (ACCESS_LOG_SAMPLE, 0–1, default 1): that share of successful requests is logged, evenly spread (every
 * second one at 0.5); errors (status ≥ 400) and slow requests (≥ 1 s) are always logged.
 */
import { byteDestination, isoTime, rawDestination, type ByteDestination, type Logger } from '../logger';

export interface AccessEntry {
  requestId: string;
  method: string;
  path: string;
  status: number;
  seconds: number;
  user?: string;
}

export const FLUSH_MS = 50;
const FLUSH_AT_CHARS = 64 * 1024;
/** A batch's Buffer; a line takes at most three bytes per UTF-16 unit of its string. */
const BATCH_BYTES = 64 * 1024;
const SLOW_SECONDS = 1;
const INFO = 30;

/** Logs holding lines, written out synchronously (as far as their stream allows) when the process exits. */
const holding = new Set<AccessLog>();
process.once('exit', () => {
  for (const log of holding) log.flush(true);
});

export class AccessLog {
  private pending = '';
  /** The batch being filled when lines go out as bytes, and how much of it is. */
  private batch?: Buffer;
  private used = 0;
  private bytes?: ByteDestination;
  private timer?: NodeJS.Timeout;
  /** Sampling credit: each successful request adds the rate, a line is written for each whole unit. */
  private credit = 0;
  private readonly stream: { write(chunk: string): unknown };
  private readonly prefix: string;

  constructor(
    private readonly logger: Logger,
    private readonly sampleRate = 1,
  ) {
    const { stream, bindings } = rawDestination(logger);
    this.stream = stream;
    this.prefix = bindings ? `,${bindings}` : '';
    byteDestination(logger, (bytes) => {
      this.flush();
      this.bytes = bytes;
    });
  }

  write(entry: AccessEntry): void {
    if (this.logger.levelVal > INFO || !this.sampled(entry)) return;
    const user = entry.user === undefined ? '' : `,"user":${JSON.stringify(entry.user)}`;
    // requestId is a UUID or matched a safe pattern, the method is an HTTP token: neither needs escaping.
    const line = `{"level":30${isoTime()}${this.prefix},"requestId":"${entry.requestId}","method":"${entry.method}","path":${JSON.stringify(entry.path)},"status":${entry.status},"ms":${Math.round(entry.seconds * 1000)}${user},"msg":"request"}\n`;
    if (this.bytes) this.add(line, this.bytes);
    else {
      this.pending += line;
      if (this.pending.length >= FLUSH_AT_CHARS) return this.flush();
    }
    if (!this.timer) {
      this.timer = setTimeout(this.flushLater, FLUSH_MS).unref();
      holding.add(this);
    }
  }

  /** Writes whatever is waiting (`sync`: at exit, before the process ends). */
  flush(sync = false): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    holding.delete(this);
    if (this.batch && this.used) {
      const bytes = this.batch.subarray(0, this.used);
      // The destination keeps the Buffer until it is written: the next batch gets a new one.
      this.batch = undefined;
      this.used = 0;
      this.send(bytes, sync);
    }
    if (!this.pending) return;
    const lines = this.pending;
    this.pending = '';
    this.stream.write(lines);
  }

  private readonly flushLater = () => this.flush();

  /** Encodes a line into the batch, writing the batch first when the line might not fit. */
  private add(line: string, bytes: ByteDestination): void {
    if (line.length * 3 > BATCH_BYTES - this.used) this.flush();
    if (line.length * 3 > BATCH_BYTES) return void bytes.write(Buffer.from(line));
    this.batch ??= Buffer.allocUnsafeSlow(BATCH_BYTES);
    this.used += this.batch.write(line, this.used);
    if (this.used >= BATCH_BYTES - 1024) this.flush();
  }

  private send(batch: Buffer, sync: boolean): void {
    if (!sync) return this.bytes!.write(batch);
    try {
      this.bytes!.writeSync(batch);
    } catch {
      // Exiting: nothing is left to report a failed write to.
    }
  }

  private sampled(entry: AccessEntry): boolean {
    if (this.sampleRate >= 1 || entry.status >= 400 || entry.seconds >= SLOW_SECONDS) return true;
    this.credit += this.sampleRate;
    if (this.credit < 1) return false;
    this.credit -= 1;
    return true;
  }
}
