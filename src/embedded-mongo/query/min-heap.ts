/** A binary min-heap under a comparison: items come out smallest first, each pop O(log n). */
export class MinHeap<T> {
  private readonly items: T[];

  /** `initial` is heapified in O(n) comparisons (so taking the first k of n costs about n + k log n). */
  constructor(
    private readonly order: (a: T, b: T) => number,
    initial: T[] = [],
  ) {
    this.items = initial;
    for (let i = (initial.length >> 1) - 1; i >= 0; i--) this.down(i);
  }

  get size(): number {
    return this.items.length;
  }

  peek(): T {
    return this.items[0];
  }

  push(item: T): void {
    const a = this.items;
    a.push(item);
    for (let i = a.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (this.order(a[p], a[i]) <= 0) break;
      [a[p], a[i]] = [a[i], a[p]];
      i = p;
    }
  }

  pop(): T {
    const a = this.items;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      this.down(0);
    }
    return top;
  }

  private down(i: number): void {
    const a = this.items;
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < a.length && this.order(a[l], a[m]) < 0) m = l;
      if (r < a.length && this.order(a[r], a[m]) < 0) m = r;
      if (m === i) return;
      [a[m], a[i]] = [a[i], a[m]];
      i = m;
    }
  }
}
