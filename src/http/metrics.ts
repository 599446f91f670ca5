/** Prometheus metrics: process defaults plus HTTP timings; modules add their own counters to the same registry. */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  /** One request's duration into httpDuration; the label set of each method × route × status is built once. */
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  counter(name: string, help: string, labelNames?: string[]): Counter<string>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'lianxin_' });
  const httpDuration = new Histogram({
    name: 'lianxin_http_request_duration_seconds',
    help: 'HTTP request duration by route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const counters = new Map<string, Counter<string>>();
  const labelSets = new Map<string, { method: string; route: string; status: string }>();
  return {
    registry,
    httpDuration,
    observeRequest(method, route, status, seconds) {
      const key = `${method} ${status} ${route}`;
      let labels = labelSets.get(key);
      if (!labels) labelSets.set(key, (labels = { method, route, status: String(status) }));
      httpDuration.observe(labels, seconds);
    },
    counter(name, help, labelNames = []) {
      let c = counters.get(name);
      if (!c) {
        c = new Counter({ name, help, labelNames, registers: [registry] });
        counters.set(name, c);
      }
      return c;
    },
  };
}
