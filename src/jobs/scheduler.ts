/**
 * Time-driven jobs on node-cron. Each run first takes a MongoDB lease named after the job, so when several
 * instances tick at once exactly one does the work. Jobs must be written to catch up: they look for what is
 * due (due <= now) rather than assuming they ran at the previous tick, so downtime delays work, never skips it.
 * The ticks come in real (wall-clock) time; what is due is judged by each job against the service clock.
 */
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../logger';
import { acquireLease, releaseLease } from './lease';
import { CAMPAIGN_TIME_ZONE } from '../calendar/beijing';

export interface JobDefinition {
  name: string;
  /** node-cron expression (seconds field allowed), evaluated in Asia/Shanghai. */
  schedule: string;
  /** Longest a run may take before another instance may assume this one died. */
  leaseMs?: number;
  /** Also run once when the scheduler starts (catch-up after downtime). */
  runOnStart?: boolean;
  run: () => Promise<unknown>;
}

export class Scheduler {
  private readonly jobs = new Map<string, JobDefinition>();
  private readonly tasks: ScheduledTask[] = [];
  private readonly running = new Set<Promise<unknown>>();
  private started = false;
  private stopping = false;

  constructor(
    private readonly logger: Logger,
    private readonly enabled: boolean,
  ) {}

  register(job: JobDefinition): void {
    if (this.jobs.has(job.name)) throw new Error(`job "${job.name}" registered twice`);
    if (!cron.validate(job.schedule)) throw new Error(`job "${job.name}": invalid cron expression ${job.schedule}`);
    this.jobs.set(job.name, job);
    if (this.started) this.schedule(job);
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    for (const job of this.jobs.values()) this.schedule(job);
  }

  /** Runs a job now under its lease (used at start-up, by tests and by admin actions). False if another holder had it. */
  async runNow(name: string): Promise<boolean> {
    const job = this.jobs.get(name);
    if (!job) throw new Error(`unknown job "${name}"`);
    return this.track(this.runLeased(job));
  }

  /** Stops ticking and waits (bounded by the caller) for runs in progress. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const t of this.tasks) await t.stop();
    this.tasks.length = 0;
    await Promise.allSettled([...this.running]);
  }

  private schedule(job: JobDefinition): void {
    if (!this.enabled) return;
    const task = cron.schedule(job.schedule, () => void this.track(this.runLeased(job)), {
      timezone: CAMPAIGN_TIME_ZONE,
      noOverlap: true,
      name: job.name,
    });
    this.tasks.push(task);
    if (job.runOnStart) void this.track(this.runLeased(job));
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.running.add(p);
    void p.finally(() => this.running.delete(p)).catch(() => {});
    return p;
  }

  private async runLeased(job: JobDefinition): Promise<boolean> {
    if (this.stopping) return false;
    const lease = `job:${job.name}`;
    try {
      if (!(await acquireLease(lease, job.leaseMs ?? 5 * 60_000))) return false;
    } catch (err) {
      this.logger.warn({ err, job: job.name }, 'could not take job lease');
      return false;
    }
    try {
      await job.run();
      return true;
    } catch (err) {
      this.logger.error({ err, job: job.name }, 'job failed');
      return true;
    } finally {
      await releaseLease(lease).catch(() => {});
    }
  }
}
