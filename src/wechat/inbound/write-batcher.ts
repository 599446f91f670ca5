/**
 * Collects writes that need not happen one by one (storing answered replies for WeChat's retries) and sends them
 * as one bulk write: after `delayMs`, or at once when `max` are waiting. Each caller's promise settles with its batch.
 */
export class WriteBatcher<Op> {
  private pending: Array<{ op: Op; resolve: () => void; reject: (err: unknown) => void }> = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly flushing = new Set<Promise<void>>();

  constructor(
    private readonly write: (ops: Op[]) => Promise<unknown>,
    private readonly options: { delayMs: number; max: number },
  ) {}

  add(op: Op): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ op, resolve, reject });
      if (this.pending.length >= this.options.max) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.options.delayMs);
    });
  }

  /** Sends what is waiting now and resolves once every batch started so far is written. */
  async drain(): Promise<void> {
    this.flush();
    await Promise.allSettled([...this.flushing]);
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    if (!batch.length) return;
    this.pending = [];
    const done = this.write(batch.map((b) => b.op)).then(
      () => batch.forEach((b) => b.resolve()),
      (err: unknown) => batch.forEach((b) => b.reject(err)),
    );
    this.flushing.add(done);
    void done.finally(() => this.flushing.delete(done));
  }
}
