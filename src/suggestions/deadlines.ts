/** Answer deadlines: calendar months after assignment, counted on the Beijing calendar (UTC+8, no DST). */
const BEIJING_OFFSET_MS = 8 * 3_600_000;

export function addBeijingMonths(at: Date, months: number): Date {
  const local = new Date(at.getTime() + BEIJING_OFFSET_MS);
  const day = local.getUTCDate();
  local.setUTCDate(1);
  local.setUTCMonth(local.getUTCMonth() + months);
  // 31 Jan + 1 month is the last day of February, not 3 March.
  const lastDay = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth() + 1, 0)).getUTCDate();
  local.setUTCDate(Math.min(day, lastDay));
  return new Date(local.getTime() - BEIJING_OFFSET_MS);
}

/** The last instant of a Beijing calendar day: a deadline given as a day may be met until that day ends. */
export function endOfBeijingDay(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000 - BEIJING_OFFSET_MS - 1);
}
