/**
 * After a rare, heavy piece of work (a report's figures, its .docx or PDF): a full garbage collection soon after, so
 * what the work dropped (tens of MB: font files, a chart's pixels, the zip's parts, the figures' intermediate rows)
 * is given back before the next request, instead of whenever V8 next decides to collect its old generation. Without
 * it the service made one bulletin after another on top of the last one's garbage: its peak grew from 241 MB to 287
 * MB over three (bench:reports). V8 keeps `gc()` hidden unless node starts with --expose-gc; the flag can be set at
 * run time and the function taken from a fresh context (what the flag exposes there). One collection at a time, on
 * the next turn of the event loop, after the response is on its way; a major GC of the service's heap takes tens of ms.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | undefined;
let pending = false;

function collector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** Asks for a full collection once the present work has finished (coalesced: at most one waiting). */
export function collectAfterHeavyWork(): void {
  if (pending) return;
  pending = true;
  setImmediate(() => {
    pending = false;
    collect ??= collector();
    collect();
  });
}
