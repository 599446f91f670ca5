/**
 * The campaign's calendar is Beijing time (Asia/Shanghai), whatever the server's zone. China has kept UTC+8 without
 * daylight saving since 1991, so a fixed offset is exact and cheaper than Intl on hot paths.
 */
export const CAMPAIGN_TIME_ZONE = 'Asia/Shanghai';
export const BEIJING_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

export interface BeijingParts {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** Beijing-time calendar parts of an instant. */
export function beijingParts(at: Date): BeijingParts {
  const d = new Date(at.getTime() + BEIJING_OFFSET_MS);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  };
}

/** "YYYY-MM-DD" of the Beijing day containing `at`. */
export function beijingDay(at: Date): string {
  return new Date(at.getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 10);
}

/** "YYYY-MM" of the Beijing month containing `at`. */
export function beijingMonth(at: Date): string {
  return beijingDay(at).slice(0, 7);
}

/**
 * The instant of a Beijing wall-clock time. Fields roll over as in Date.UTC (month 13 is January of the next year),
 * which period arithmetic relies on; callers that parse user input check the result with `beijingParts`.
 */
export function beijingTime(year: number, month: number, day = 1, hour = 0, minute = 0, second = 0): Date {
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second) - BEIJING_OFFSET_MS);
}

/** The instant the Beijing day containing `at` starts. */
export function beijingDayStart(at: Date): Date {
  return new Date(Math.floor((at.getTime() + BEIJING_OFFSET_MS) / DAY_MS) * DAY_MS - BEIJING_OFFSET_MS);
}

/** The instant the Beijing day "YYYY-MM-DD" starts. */
export function beijingDayStartOf(key: string): Date {
  return new Date(Date.parse(`${key}T00:00:00.000Z`) - BEIJING_OFFSET_MS);
}

/** Calendar months later on the Beijing calendar; 31 Jan + 1 month is the last day of February, not 3 March. */
export function addBeijingMonths(at: Date, months: number): Date {
  const local = new Date(at.getTime() + BEIJING_OFFSET_MS);
  const day = local.getUTCDate();
  local.setUTCDate(1);
  local.setUTCMonth(local.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth() + 1, 0)).getUTCDate();
  local.setUTCDate(Math.min(day, lastDay));
  return new Date(local.getTime() - BEIJING_OFFSET_MS);
}

/** "2026年11月30日 14:30" (or without the time) in Beijing time, for what staff and citizens read. */
export function formatBeijing(at: Date, withTime = true): string {
  const p = beijingParts(at);
  const date = `${p.year}年${p.month}月${p.day}日`;
  return withTime ? `${date} ${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}` : date;
}
