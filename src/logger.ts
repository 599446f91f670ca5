/** Structured JSON logs (pino). Every module gets a child logger named after itself. */
import pino, { type Logger } from 'pino';

export type { Logger };

let lastMs = -1;
let lastTime = '';

/**
 * pino's ISO time, formatted once per millisecond: under load many lines share a millisecond, and `toISOString`
 * showed up in the access log's cost.
 */
export function isoTime(): string {
  const now = Date.now();
  if (now !== lastMs) {
    lastMs = now;
    lastTime = `,"time":"${new Date(now).toISOString()}"`;
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
