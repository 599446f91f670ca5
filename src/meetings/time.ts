/**
 * Meeting times: organizers type local Asia/Shanghai times or full ISO instants; we store instants.
 * China has kept UTC+8 without daylight saving since 1991, so a local time maps to exactly one instant.
 */
import { z } from 'zod';
import { CAMPAIGN_TIME_ZONE } from '../calendar/beijing';

const SHANGHAI_OFFSET = '+08:00';

const LOCAL = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(:\d{2}(\.\d{1,3})?)?$/;
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** Parses "2026-12-01T14:30:00+08:00", "…Z", or local "2026-12-01 14:30" (Asia/Shanghai). Undefined if invalid. */
export function parseMeetingTime(input: string): Date | undefined {
  const s = input.trim();
  let iso: string | undefined;
  if (WITH_OFFSET.test(s)) iso = s;
  else {
    const m = LOCAL.exec(s);
    if (m) iso = `${m[1]}T${m[2]}${m[3] ?? ':00'}${SHANGHAI_OFFSET}`;
  }
  if (!iso) return undefined;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return undefined;
  // Reject calendar overflow such as 2026-02-30 (Date would roll it into March).
  const localDate = iso.slice(0, 10);
  if (WITH_OFFSET.test(s)) return d;
  return formatLocal(d, 'date') === localDate ? d : undefined;
}

/** zod field: a meeting time as text → Date. */
export const meetingTime = z
  .string()
  .max(40)
  .transform((s, ctx) => {
    const d = parseMeetingTime(s);
    if (!d) {
      ctx.addIssue({ code: 'custom', message: 'an ISO date-time with offset, or a local Asia/Shanghai time "YYYY-MM-DD HH:mm"' });
      return z.NEVER;
    }
    return d;
  });

const partsFormat = new Intl.DateTimeFormat('en-US', {
  timeZone: CAMPAIGN_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  weekday: 'short',
  hourCycle: 'h23',
});

function parts(d: Date): Record<string, string> {
  return Object.fromEntries(partsFormat.formatToParts(d).map((p) => [p.type, p.value]));
}

const WEEKDAYS: Record<string, string> = { Sun: '日', Mon: '一', Tue: '二', Wed: '三', Thu: '四', Fri: '五', Sat: '六' };

/**
 * Local renderings: 'date' 2026-12-01, 'short' 12月1日 14:30 (SMS), 'long' 2026年12月1日（星期二）14:30,
 * 'time' 14:30, 'input' 2026-12-01 14:30.
 */
export function formatLocal(d: Date, style: 'date' | 'short' | 'long' | 'time' | 'input'): string {
  const p = parts(d);
  const hm = `${p.hour}:${p.minute}`;
  switch (style) {
    case 'date':
      return `${p.year}-${p.month}-${p.day}`;
    case 'short':
      return `${Number(p.month)}月${Number(p.day)}日 ${hm}`;
    case 'long':
      return `${p.year}年${Number(p.month)}月${Number(p.day)}日（星期${WEEKDAYS[p.weekday] ?? ''}）${hm}`;
    case 'time':
      return hm;
    case 'input':
      return `${p.year}-${p.month}-${p.day} ${hm}`;
  }
}

/** "2026年12月1日（星期二）14:30—16:30", or with the end date when the meeting spans days. */
export function formatRange(start: Date, end: Date): string {
  const sameDay = formatLocal(start, 'date') === formatLocal(end, 'date');
  return `${formatLocal(start, 'long')}—${sameDay ? formatLocal(end, 'time') : formatLocal(end, 'long')}`;
}
