/**
 * The access log: one JSON line per request in the logger's own shape (level, time, service, requestId, method, path,
 * status, ms, user, msg "request"), formatted here with string concatenation instead of pino's serialiser and
 * redaction (the fields are known and hold nothing to redact). Lines are gathered and written to the logger's
 * destination together, FLUSH_MS after the first of a batch (or at once past FLUSH_AT_CHARS): a write per line cost
 * more than the rest of serving a cached page. What is waiting is written when the process exits normally; a crash
 * loses at most the last FLUSH_MS of access lines (pino's own lines are not held back).
 *
 * Sampling (ACCESS_LOG_SAMPLE, 0–1, default 1): that share of successful requests is logged, evenly spread (every
 * second one at 0.5); errors (status ≥ 400) and slow requests (≥ 1 s) are always logged.
 */
import { isoTime, rawDestination, type Logger } from '../logger';

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
const SLOW_SECONDS = 1;
const INFO = 30;

/** Logs holding lines, written out synchronously (as far as their stream allows) when the process exits. */
const holding = new Set<AccessLog>();
process.once('exit', () => {
  for (const log of holding) log.flush();
});

export class AccessLog {
  private pending = '';
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
  }

  write(entry: AccessEntry): void {
    if (this.logger.levelVal > INFO || !this.sampled(entry)) return;
    const user = entry.user === undefined ? '' : `,"user":${JSON.stringify(entry.user)}`;
    // requestId is a UUID or matched a safe pattern, the method is an HTTP token: neither needs escaping.
    this.pending += `{"level":30${isoTime()}${this.prefix},"requestId":"${entry.requestId}","method":"${entry.method}","path":${JSON.stringify(entry.path)},"status":${entry.status},"ms":${Math.round(entry.seconds * 1000)}${user},"msg":"request"}\n`;
    if (this.pending.length >= FLUSH_AT_CHARS) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(this.flushLater, FLUSH_MS).unref();
      holding.add(this);
    }
  }

  /** Writes whatever is waiting. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    holding.delete(this);
    if (!this.pending) return;
    const lines = this.pending;
    this.pending = '';
    this.stream.write(lines);
  }

  private readonly flushLater = () => this.flush();

  private sampled(entry: AccessEntry): boolean {
    if (this.sampleRate >= 1 || entry.status >= 400 || entry.seconds >= SLOW_SECONDS) return true;
    this.credit += this.sampleRate;
    if (this.credit < 1) return false;
    this.credit -= 1;
    return true;
  }
}
