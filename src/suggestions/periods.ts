/**
 * Reporting periods for the rates: 2028, 2028-H1, 2028-Q3, 2028-03 on the Beijing calendar. The calendar itself is
 * src/calendar's (the same periods coverage reports in); this only shapes it as the rates' [from, to).
 */
import { z } from 'zod';
import { parsePeriod as parseBeijingPeriod, PERIOD_PATTERN } from '../calendar/periods';

export interface Period {
  label: string;
  /** Inclusive start and exclusive end, as instants. */
  from: Date;
  to: Date;
}

export function parsePeriod(label: string): Period {
  const p = parseBeijingPeriod(label);
  if (!p) throw new Error(`bad period ${label}`);
  return { label, from: p.start, to: p.end };
}

export const periodSchema = z
  .string()
  .trim()
  .regex(PERIOD_PATTERN, 'a year (2028), half (2028-H1), quarter (2028-Q3) or month (2028-03)')
  .transform(parsePeriod);
