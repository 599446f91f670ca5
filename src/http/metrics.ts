/** Prometheus metrics: process defaults plus HTTP timings; modules add their own counters to the same registry. */
import { Counter, Registry, collectDefaultMetrics } from 'prom-client';
import { RequestTimings } from './request-timings';

export interface Metrics {
  registry: Registry;
  /** One request's duration into lianxin_http_request_duration_seconds (typed-array buckets, read on scrape). */
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  counter(name: string, help: string, labelNames?: string[]): Counter<string>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'lianxin_' });
  const timings = new RequestTimings('lianxin_http_request_duration_seconds', 'HTTP request duration by route pattern and status', [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]);
  registry.registerMetric(timings as never);
  const counters = new Map<string, Counter<string>>();
  return {
    registry,
    observeRequest: (method, route, status, seconds) => timings.observe(method, route, status, seconds),
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
