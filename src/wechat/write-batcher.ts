/**
 * Collects writes that many concurrent callbacks make (claims, follower updates, interactions, stored replies) and
 * sends them as one bulk write, so that a burst of messages costs a few database round trips instead of one or more
 * each. Two ways to decide when a batch goes:
 * - `delayMs` > 0: after that delay, or at once when `max` are waiting (writes nobody waits for, e.g. stored replies);
 * - `delayMs` 0 (group commit): at once when no batch of this kind is being written, otherwise as soon as the one in
 *   flight is done (one batch in flight at a time, `max` ops each: writes land in the order they were added). A lone message pays no wait; under load the writes of everything that arrived meanwhile go together.
 * Each caller's promise settles with its own result (the write returns one per op, in order) or its batch's error.
 */
export class WriteBatcher<Op, Result = void> {
  private pending: Array<{ op: Op; resolve: (result: Result) => void; reject: (err: unknown) => void }> = [];
  private timer: NodeJS.Timeout | undefined;
  private scheduled = false;
  private readonly flushing = new Set<Promise<void>>();

  constructor(
    private readonly write: (ops: Op[]) => Promise<Result[] | unknown>,
    private readonly options: { delayMs: number; max: number },
  ) {}

  add(op: Op): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.pending.push({ op, resolve, reject });
      if (this.options.delayMs > 0) {
        if (this.pending.length >= this.options.max) this.flush();
        else this.timer ??= setTimeout(() => this.flush(), this.options.delayMs);
      } else if (!this.flushing.size && !this.scheduled) {
        // The rest of this turn of the event loop joins the batch (callbacks parsed from the same socket read).
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          if (!this.flushing.size) this.flush();
        });
      }
    });
  }

  /** Sends what is waiting now and resolves once every batch started so far is written. */
  async drain(): Promise<void> {
    while (this.pending.length || this.flushing.size) {
      this.flush();
      await Promise.allSettled([...this.flushing]);
    }
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending.splice(0, this.options.max);
    if (!batch.length) return;
    if (this.pending.length && this.options.delayMs > 0) this.timer = setTimeout(() => this.flush(), this.options.delayMs);
    const done = this.write(batch.map((b) => b.op)).then(
      (results) => batch.forEach((b, i) => b.resolve((Array.isArray(results) ? results[i] : undefined) as Result)),
      (err: unknown) => batch.forEach((b) => b.reject(err)),
    );
    this.flushing.add(done);
    void done.finally(() => {
      this.flushing.delete(done);
      // Group commit: what arrived while this batch was written goes next.
      if (this.options.delayMs === 0 && this.pending.length && !this.flushing.size) this.flush();
    });
  }
}
