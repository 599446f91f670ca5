/**
 * Time-driven publishing work, through the shared scheduler (each run under a MongoDB lease):
 * - publishing.due: scheduled publications whose time has come become pending (the worker starts them at once).
 *   It asks "due <= now", so after downtime every missed publication starts, each exactly once (status transition).
 * - publishing.monthly-report: the summary of the month before, on the 1st and at start-up if it is missing.
 */
import type { Services } from '../module';
import { Publication } from './models/publication';
import { generateMonthlyReport, monthlyPublicity, previousMonth, type FollowerCounts } from './monthly-report';
import type { Clock } from '../clock';
import type { MonthlyReportDoc } from './models/monthly-report';
import { followerCountsBetween } from '../wechat/followers/counts';
import { publishingRuntime } from './runtime';

export const DUE_JOB = 'publishing.due';
export const MONTHLY_JOB = 'publishing.monthly-report';

export async function promoteDuePublications(services: Pick<Services, 'clock'>): Promise<number> {
  const now = services.clock.now();
  const res = await Publication.updateMany({ status: 'scheduled', dueAt: { $lte: now } }, { $set: { status: 'pending', updatedAt: now } });
  if (res.modifiedCount) publishingRuntime().wake();
  return res.modifiedCount;
}

/** The month's follower figures from the WeChat module's daily counts (null when none were recorded). */
const followerCounts: FollowerCounts = async (from, to) => {
  const days = await followerCountsBetween(from, to);
  if (!days.length) return null;
  return {
    start: days[0].total - days[0].followed + days[0].unfollowed,
    end: days[days.length - 1].total,
    gained: days.reduce((s, d) => s + d.followed, 0),
    lost: days.reduce((s, d) => s + d.unfollowed, 0),
  };
};

/** A month's publicity for other modules' reports, with the same follower figures the monthly job records. */
export function monthlyPublicitySummary(clock: Clock, month: string): Promise<MonthlyReportDoc> {
  return monthlyPublicity(clock, month, followerCounts);
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
    run: () => generateMonthlyReport(services.clock, previousMonth(services.clock.now()), followerCounts),
  });
}
