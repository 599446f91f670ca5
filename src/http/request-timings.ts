/**
 * The HTTP duration histogram at a few nanoseconds per request: each method × route × status series is one
 * Float64Array of bucket counts (plus sum and count) found by one Map lookup, and turned into Prometheus' histogram
 * shape only when /metrics is scraped. prom-client's Histogram hashes a label object and walks a keyed bucket map on
 * every observation, which showed in the profile of a cached page. Registered into the prom-client registry as a
 * metric object (name, help, type, get), so the scrape output is the same as before.
 */

interface Series {
  labels: { method: string; route: string; status: string };
  /** counts[i]: observations in (bounds[i-1], bounds[i]]; the last slot: above the largest bound. */
  counts: Float64Array;
  sum: number;
  count: number;
}

interface MetricValue {
  labels: Record<string, string | number>;
  value: number;
  metricName: string;
}

export class RequestTimings {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  /** Every series, in the order first seen (the scrape's order). */
  private readonly series: Series[] = [];
  /**
   * The series by route, method and status: three lookups by strings the caller already holds (a route pattern, the
   * parser's method name) and a number, where one key built per request had to be concatenated and hashed.
   */
  private readonly byRoute = new Map<string, Map<string, Map<number, Series>>>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
  ) {}

  observe(method: string, route: string, status: number, seconds: number): void {
    let byMethod = this.byRoute.get(route);
    if (!byMethod) this.byRoute.set(route, (byMethod = new Map()));
    let byStatus = byMethod.get(method);
    if (!byStatus) byMethod.set(method, (byStatus = new Map()));
    let s = byStatus.get(status);
    if (!s) {
      s = { labels: { method, route, status: String(status) }, counts: new Float64Array(this.bounds.length + 1), sum: 0, count: 0 };
      byStatus.set(status, s);
      this.series.push(s);
    }
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && seconds > bounds[i]) i++;
    s.counts[i]++;
    s.sum += seconds;
    s.count++;
  }

  /** The prom-client metric shape: cumulative buckets with `le`, then +Inf, sum and count per series. */
  get(): { name: string; help: string; type: string; aggregator: string; values: MetricValue[] } {
    const values: MetricValue[] = [];
    const bucket = `${this.name}_bucket`;
    for (const s of this.series) {
      let cumulative = 0;
      for (let i = 0; i < this.bounds.length; i++) {
        cumulative += s.counts[i];
        values.push({ labels: { ...s.labels, le: this.bounds[i] }, value: cumulative, metricName: bucket });
      }
      values.push({ labels: { ...s.labels, le: '+Inf' }, value: s.count, metricName: bucket });
      values.push({ labels: s.labels, value: s.sum, metricName: `${this.name}_sum` });
      values.push({ labels: s.labels, value: s.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    this.series.length = 0;
    this.byRoute.clear();
  }
}
