/**
 * Time-driven publishing work, through the shared scheduler (each run under a MongoDB lease):
 * - publishing.due: scheduled publications whose time has come become pending (the worker starts them at once).
 *   It asks "due <= now", so after downtime every missed publication starts, each exactly once (status transition).
 * - publishing.monthly-report: the summary of the month before, on the 1st and at start-up if it is missing.
 */
import type { Services } from '../module';
import { Publication } from './models/publication';
import { generateMonthlyReport, previousMonth } from './monthly-report';
import { publishingRuntime } from './runtime';

export const DUE_JOB = 'publishing.due';
export const MONTHLY_JOB = 'publishing.monthly-report';

export async function promoteDuePublications(services: Pick<Services, 'clock'>): Promise<number> {
  const now = services.clock.now();
  const res = await Publication.updateMany({ status: 'scheduled', dueAt: { $lte: now } }, { $set: { status: 'pending', updatedAt: now } });
  if (res.modifiedCount) publishingRuntime().wake();
  return res.modifiedCount;
}

export function registerPublishingJobs(services: Services): void {
  services.scheduler.register({
    name: DUE_JOB,
    schedule: '*/15 * * * * *',
    leaseMs: 60_000,
    runOnStart: true,
    run: () => promoteDuePublications(services),
  });
  services.scheduler.register({
    name: MONTHLY_JOB,
    schedule: '0 10 0 1 * *',
    leaseMs: 10 * 60_000,
    runOnStart: true,
    run: () => generateMonthlyReport(services.clock, previousMonth(services.clock.now())),
  });
}
