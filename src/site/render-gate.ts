/**
 * A limit on page renders running at once, first come first served. A render holds its database results, the
 * template's strings and the finished body until it is sent; a burst of misses (a popular page just purged, a crawler
 * walking the archive) would otherwise run them all side by side — 100 connections, 100 renders interleaved — so the
 * V8 heap grows to hold every one of them (and keeps that size after the burst), each render takes as long as the
 * whole burst, and the driver queues the extra queries for a pool connection anyway. A few at a time keep the
 * database and both cores busy; the others wait their turn without holding anything.
 */
export class RenderGate {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  private head = 0;
  /** Since start: the most renders that ran at once, and how many renders had to wait their turn. */
  private mostRunning = 0;
  private waited = 0;

  constructor(private readonly limit: number) {}

  async run<T>(render: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) {
      this.waited++;
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else this.mostRunning = Math.max(this.mostRunning, ++this.running);
    try {
      return await render();
    } finally {
      this.release();
    }
  }

  /** Renders running and waiting now (for tests and diagnostics). */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length - this.head };
  }

  /** The most renders that ran at once and how many waited, since start (for tests and diagnostics). */
  get history(): { mostRunning: number; waited: number } {
    return { mostRunning: this.mostRunning, waited: this.waited };
  }

  /** Hands the slot to the next in line (the count stays), or frees it. */
  private release(): void {
    if (this.head < this.waiting.length) {
      const next = this.waiting[this.head];
      this.head++;
      if (this.head === this.waiting.length) {
        this.waiting.length = 0;
        this.head = 0;
      } else if (this.head >= 1024) {
        this.waiting.splice(0, this.head);
        this.head = 0;
      }
      next();
      return;
    }
    this.running--;
  }
}
