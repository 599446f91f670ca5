/**
 * Time in tests. The app takes "now" from the Clock a test hands it, but the database's TTL monitor (the embedded
 * engine's, like mongod's) judges expiry by the wall clock. A test clock behind the wall clock would have sessions,
 * login counters and other TTL-indexed records swept while the app still holds them live: the bug of issue 11.
 * So a test clock is never behind the wall clock, and tests write their calendar dates in TEST_YEAR, two years
 * after the real one (the faked one under faketime): `${TEST_YEAR}-12-01 14:30`, `testDate('12-01T06:30:00Z')`.
 * A test that moves its clock starts it at a fixed instant (mid-day, mid-month in Beijing, such as
 * testDate('03-10T02:00:00Z')), not at the real now: hours added to the real now can cross a Beijing day or month.
 */
import { ManualClock } from '../../src/clock';

/** Two calendar years after the wall clock's: far enough that a test's whole timeline stays ahead of it. */
export const TEST_YEAR = new Date().getUTCFullYear() + 2;

/** A year wholly before the wall clock's: for dates a test needs in the past of a clock that is the wall clock. */
export const PAST_YEAR = new Date().getUTCFullYear() - 2;

/** An instant in TEST_YEAR from the rest of an ISO string: `testDate('11-20T02:00:00Z')`. */
export function testDate(monthDayTime: string): Date {
  const d = new Date(`${TEST_YEAR}-${monthDayTime}`);
  if (Number.isNaN(d.getTime())) throw new Error(`testDate: bad date ${monthDayTime}`);
  return d;
}

/** Slack for a clock set from Date.now() a moment ago. */
const SLACK_MS = 60_000;

function checked(at: Date | number): Date {
  const d = new Date(at);
  if (d.getTime() < Date.now() - SLACK_MS) {
    throw new Error(
      `test clock set to ${d.toISOString()}, behind the wall clock (${new Date().toISOString()}): the database's TTL ` +
        'monitor would remove records the app still holds live. Build dates from TEST_YEAR (test/support/clock.ts).',
    );
  }
  return d;
}

/** A ManualClock that refuses to be set behind the wall clock (see above). Starts at the wall clock by default. */
export class TestClock extends ManualClock {
  /** Brand: startTestApp takes only a TestClock, so no test hands the app a clock that can fall behind. */
  readonly guardsWallClock = true as const;
  constructor(start: Date | number = Date.now()) {
    super(checked(start));
  }
  override set(to: Date | number): void {
    super.set(checked(to));
  }
}
