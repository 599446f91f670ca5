/**
 * Gives back the memory a heavy command used once it is done. A scan decodes every document it reads; V8 grows
 * its old generation to hold what a long command keeps alive for a while and, with memory to spare, keeps the
 * grown heap (and the process's RSS) long after — 450–590 MB for the half-year bulletin over a 64 MiB cache.
 * After a command, when the committed heap and the Buffers outside it have grown by more than SLACK since the last full collection, one is
 * run once the reply has been written (a timer, coalesced): the heap shrinks back to what is alive (the document
 * cache, cursors). Steady point operations never grow the committed heap, so they never pay for it.
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const SLACK = 24 * 1024 * 1024;

/** The committed heap and the memory Buffers hold outside it (a scan's document bodies). */
function footprint(): number {
  const h = getHeapStatistics();
  return h.total_heap_size + h.external_memory;
}

function exposeGc(): (() => void) | undefined {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
}

export class HeapRelease {
  private readonly gc = exposeGc();
  private baseline = footprint();
  private scheduled: NodeJS.Timeout | undefined;

  /** Called after each command: cheap (no syscall) when nothing grew. */
  afterCommand(): void {
    if (!this.gc || this.scheduled) return;
    if (footprint() - this.baseline < SLACK) return;
    this.scheduled = setTimeout(() => this.collect(), 0);
    this.scheduled.unref();
  }

  private collect(): void {
    this.scheduled = undefined;
    this.gc!();
    this.baseline = footprint();
  }

  stop(): void {
    if (this.scheduled) clearTimeout(this.scheduled);
    this.scheduled = undefined;
  }
}
