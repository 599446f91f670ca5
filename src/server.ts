/**
 * Starting and stopping the whole service: database → modules → HTTP server → scheduler, and back down
 * in reverse within a bounded time. Used by src/main.ts and by the tests (which pass their own config and clock).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from './config';
import { systemClock, type Clock } from './clock';
import { createLogger, type Logger } from './logger';
import { DomainEventBus } from './events';
import { createMetrics } from './http/metrics';
import { Scheduler } from './jobs/scheduler';
import { countDatabaseCommands, openDatabase, type Database } from './db';
import { buildModules } from './modules';
import { createApp } from './app';
import type { FeatureModule, Services } from './module';

export interface RunningService {
  url: string;
  port: number;
  services: Services;
  modules: FeatureModule[];
  database: Database;
  server: http.Server;
  /** Stop accepting, finish in-flight requests and jobs, close the database; bounded by SHUTDOWN_TIMEOUT_MS. */
  stop(): Promise<void>;
}

export async function startService(config: Config, options: { clock?: Clock; logger?: Logger } = {}): Promise<RunningService> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;
  const events = new DomainEventBus((err, event) => logger.error({ err, event }, 'domain event listener failed'));
  const services: Services = {
    config,
    clock,
    logger,
    events,
    metrics: createMetrics(),
    scheduler: new Scheduler(logger.child({ component: 'scheduler' }), config.schedulerEnabled),
  };
  // Modules are built before the database opens so that every model is registered and its indexes get built.
  const modules = buildModules(services);
  const database = await openDatabase(config, logger, 'service');
  if (config.dbCommandMetrics) countDatabaseCommands(services.metrics);
  for (const m of modules) await m.start?.();

  const server = http.createServer(createApp(services, modules).callback());
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
  services.scheduler.start();
  logger.info({ url }, 'lianxin is serving');

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      const deadline = new Promise<void>((resolve) => setTimeout(resolve, config.shutdownTimeoutMs).unref());
      const graceful = (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await closed;
        await services.scheduler.stop();
        for (const m of [...modules].reverse()) await m.stop?.();
      })();
      await Promise.race([graceful.catch((err) => logger.error({ err }, 'error during shutdown')), deadline]);
      server.closeAllConnections();
      await database.close().catch((err) => logger.error({ err }, 'error closing database'));
      logger.info('stopped');
    })());

  return { url, port, services, modules, database, server, stop };
}
