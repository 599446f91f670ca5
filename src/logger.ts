/** Structured JSON logs (pino). Every module gets a child logger named after itself. */
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
