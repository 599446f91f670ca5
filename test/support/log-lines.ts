/** A log destination that keeps every JSON line, and a wait for a request's access line (written in batches). */
import { Writable } from 'node:stream';

export interface LogLines {
  sink: Writable;
  lines: Record<string, unknown>[];
}

export function logLines(): LogLines {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      done();
    },
  });
  return { sink, lines };
}

/** The access line of a request: lines are written in batches, some tens of milliseconds after the response. */
export async function lineOf(lines: Record<string, unknown>[], requestId: string): Promise<Record<string, unknown> | undefined> {
  for (let i = 0; i < 100; i++) {
    const line = lines.find((l) => l.requestId === requestId);
    if (line) return line;
    await new Promise((r) => setTimeout(r, 10));
  }
  return undefined;
}
