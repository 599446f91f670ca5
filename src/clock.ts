/**
 * The one source of time. Production uses the system clock; tests drive a ManualClock.
 *
 * Everything that asks what "now" means to people reads it here: login sessions and throttling, rate-limit
 * windows, schedules and due times, reminders, RSVP deadlines, timestamps written to records, Beijing-calendar
 * months and days. So a test that sets the clock moves the whole app. Deliberately NOT this clock:
 * - liveness leases between processes (src/jobs/lease.ts, publishing's delivery and plan leases) and WeChat's
 *   token lifetimes (src/wechat-api/credential-store.ts): real elapsed time, wall clock, written and compared
 *   only against the wall clock;
 * - the database's TTL monitor (mongod's or src/embedded-mongo's): wall clock. TTL indexes only tidy up; whether
 *   a session or a lock has expired is always decided against this clock. A test clock must therefore never run
 *   behind the wall clock, or records the app still holds live get swept (test/support/clock.ts enforces it);
 * - in-process durations (cache ages, handler deadlines, polling): the monotonic performance.now()/timers;
 * - node-cron's ticks (src/jobs/scheduler.ts) wake jobs up in real time; the jobs then read this clock.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export class ManualClock implements Clock {
  private current: number;
  constructor(start: Date | number = Date.now()) {
    this.current = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.current);
  }
  set(to: Date | number): void {
    this.current = new Date(to).getTime();
  }
  advance(ms: number): void {
    this.current += ms;
  }
}
