/**
 * The publishing feature: admin routes, subscriber routes, the delivery worker (every instance), the scheduler
 * jobs (due publications every 15 s, the monthly summary on the 1st) and the listeners for late results.
 */
import { Histogram } from 'prom-client';
import type { FeatureModule, Services } from '../module';
import { processOwnerId } from '../jobs/lease';
import { subscriberAdminRoutes } from '../audiences/routes';
import { publishingRoutes } from './routes';
import { PublishingWorker } from './worker';
import { setPublishingRuntime } from './runtime';
import { buildChannels, checkChannelRules } from './channels';
import { listenForResults } from './receipts';
import { registerPublishingJobs } from './jobs';
import type { PlannerDeps } from './planner';
import { adoptLegacySmsRecords, optedOutAmong } from '../channels/sms';

function channelCallHistogram(metrics: Services['metrics']): Histogram<string> {
  const name = 'lianxin_channel_call_seconds';
  return (
    (metrics.registry.getSingleMetric(name) as Histogram<string> | undefined) ??
    new Histogram({
      name,
      help: 'Time inside a channel delivery (provider calls and the channel\'s own records), by channel',
      labelNames: ['channel'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [metrics.registry],
    })
  );
}

/** Attempts before a delivery that keeps failing transiently is given up. */
/** Webhooks get more: a newsroom's endpoint being down for an hour is ordinary (10 s·2^n, capped at 10 min). */
const MAX_ATTEMPTS = { microsite: 5, wechat: 5, sms: 5, weibo: 5, webhook: 10 } as const;

export function publishingModule(services: Services): FeatureModule {
  const { config, clock, logger, events, metrics } = services;
  const log = logger.child({ component: 'publishing' });
  const { channels, smsBatchSize } = buildChannels(services);
  const planner: PlannerDeps = {
    clock,
    logger: log,
    owner: processOwnerId,
    leaseMs: config.publishing.leaseMs,
    smsBatchSize,
    optedOut: optedOutAmong,
    maxAttempts: (channel) => MAX_ATTEMPTS[channel],
  };
  const worker = new PublishingWorker({
    clock,
    logger: log,
    owner: processOwnerId,
    leaseMs: config.publishing.leaseMs,
    concurrency: config.publishing.concurrency,
    pollMs: 500,
    // Another instance's expired lease is taken over within a third of the lease, as before the idle backoff.
    idlePollMs: Math.min(config.publishing.idlePollMs, Math.max(500, Math.floor(config.publishing.leaseMs / 3))),
    publicBaseUrl: config.publicBaseUrl,
    channels,
    planner,
    settled: metrics.counter('lianxin_deliveries_settled_total', 'Deliveries settled, by channel and status', ['channel', 'status']),
    callSeconds: channelCallHistogram(metrics),
  });
  setPublishingRuntime({
    clock,
    wake: () => worker.wake(),
    channels: new Set(channels.keys()),
    checkContent: (names, kind, itemId) => checkChannelRules(channels, names, kind, itemId, config.publicBaseUrl, clock),
  });
  registerPublishingJobs(services);
  let unlisten: Array<() => void> = [];

  return {
    name: 'publishing',
    routers: [publishingRoutes(services), subscriberAdminRoutes(services)],
    async start() {
      unlisten = listenForResults(events, clock, log);
      // Before any delivery is sent or retried: per-number SMS records of an older version become batch records.
      const adopted = await adoptLegacySmsRecords();
      if (adopted) log.info({ numbers: adopted }, 'adopted per-number SMS records into batch records');
      if (config.publishing.workerEnabled) worker.start();
    },
    async stop() {
      for (const off of unlisten) off();
      await worker.stop();
    },
  };
}
