/**
 * Reporting periods in Beijing time (Asia/Shanghai, UTC+8 all year: China has kept no daylight saving since 1991),
 * whatever the server's time zone: a month, quarter, half-year or year, as a key and as a [start, end) instant range.
 *   2026 · 2026-H2 · 2026-Q4 · 2026-11
 */
import { beijingParts, beijingTime } from './beijing';

export type PeriodKind = 'month' | 'quarter' | 'half' | 'year';

export interface Period {
  kind: PeriodKind;
  key: string;
  year: number;
  /** First instant of the period. */
  start: Date;
  /** First instant after it. */
  end: Date;
  /** The month keys ('YYYY-MM') it spans. */
  months: string[];
  label: string;
}

export const PERIOD_PATTERN = /^(\d{4})(?:-(0[1-9]|1[0-2])|-Q([1-4])|-H([12]))?$/;

export function monthKey(year: number, month: number): string {
  return `${year}-${String(month).padStart(2, '0')}`;
}

/** 'YYYY-MM' and 'YYYY' of an instant in Beijing time. */
export function periodKeysOf(at: Date): { month: string; year: string } {
  const p = beijingParts(at);
  return { month: monthKey(p.year, p.month), year: String(p.year) };
}

/** Parses a period key; undefined when it is not one. */
export function parsePeriod(key: string): Period | undefined {
  const m = PERIOD_PATTERN.exec(key);
  if (!m) return undefined;
  const year = Number(m[1]);
  let first = 1;
  let count = 12;
  let kind: PeriodKind = 'year';
  let label = `${year}年`;
  if (m[2]) [kind, first, count, label] = ['month', Number(m[2]), 1, `${year}年${Number(m[2])}月`];
  else if (m[3]) [kind, first, count, label] = ['quarter', (Number(m[3]) - 1) * 3 + 1, 3, `${year}年第${m[3]}季度`];
  else if (m[4]) [kind, first, count, label] = ['half', m[4] === '1' ? 1 : 7, 6, `${year}年${m[4] === '1' ? '上' : '下'}半年`];
  const months = Array.from({ length: count }, (_, i) => monthKey(year, first + i));
  return { kind, key, year, start: beijingTime(year, first), end: beijingTime(year, first + count), months, label };
}

/** The period of a kind that contains an instant (the current month, quarter… by the clock). */
export function periodContaining(kind: PeriodKind, at: Date): Period {
  const { year, month } = beijingParts(at);
  const key =
    kind === 'year' ? String(year)
      : kind === 'half' ? `${year}-H${month <= 6 ? 1 : 2}`
        : kind === 'quarter' ? `${year}-Q${Math.ceil(month / 3)}`
          : monthKey(year, month);
  return parsePeriod(key)!;
}
