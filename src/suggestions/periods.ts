/** Reporting periods on the Beijing calendar (UTC+8 all year): 2028, 2028-H1, 2028-Q3, 2028-03. */
import { z } from 'zod';

const BEIJING_OFFSET_MS = 8 * 3_600_000;

export interface Period {
  label: string;
  /** Inclusive start and exclusive end, as instants. */
  from: Date;
  to: Date;
}

const beijingMonthStart = (year: number, month0: number) => new Date(Date.UTC(year, month0, 1) - BEIJING_OFFSET_MS);

export const PERIOD_PATTERN = /^(\d{4})(?:-(H[12]|Q[1-4]|0[1-9]|1[0-2]))?$/;

export function parsePeriod(label: string): Period {
  const m = PERIOD_PATTERN.exec(label);
  if (!m) throw new Error(`bad period ${label}`);
  const year = Number(m[1]);
  const part = m[2];
  let start = 0;
  let months = 12;
  if (part?.startsWith('H')) [start, months] = [(Number(part[1]) - 1) * 6, 6];
  else if (part?.startsWith('Q')) [start, months] = [(Number(part[1]) - 1) * 3, 3];
  else if (part) [start, months] = [Number(part) - 1, 1];
  return { label, from: beijingMonthStart(year, start), to: beijingMonthStart(year, start + months) };
}

export const periodSchema = z
  .string()
  .trim()
  .regex(PERIOD_PATTERN, 'a year (2028), half (2028-H1), quarter (2028-Q3) or month (2028-03)')
  .transform(parsePeriod);
