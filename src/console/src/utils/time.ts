/**
 * Times shown and entered in Beijing time (Asia/Shanghai), whatever zone the browser is in. "Now" is the app's
 * clock as the server reported it (so schedules are judged against the server, not a wrong PC clock).
 */
const TZ = 'Asia/Shanghai';
const parts = new Intl.DateTimeFormat('zh-CN', {
  timeZone: TZ,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

function fields(d: Date): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of parts.formatToParts(d)) out[p.type] = p.value;
  return out;
}

/** "2026-03-10 14:30" in Beijing time; "" for nothing. */
export function beijing(value: string | number | Date | null | undefined): string {
  if (value === null || value === undefined || value === '') return '';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return '';
  const f = fields(d);
  return `${f.year}-${f.month}-${f.day} ${f.hour}:${f.minute}`;
}

export function beijingDate(value: string | number | Date | null | undefined): string {
  return beijing(value).slice(0, 10);
}

/** "YYYY-MM-DD HH:mm" read as Beijing wall-clock time → ISO instant with +08:00. */
export function fromBeijing(wallClock: string): string {
  const [date, time = '00:00'] = wallClock.trim().split(/\s+/);
  return `${date}T${time.length === 5 ? `${time}:00` : time}+08:00`;
}

let skewMs = 0;
/** Records the server's idea of now (from /api/auth/me) so later defaults use the app's clock. */
export function setServerNow(iso: string | undefined): void {
  if (!iso) return;
  const t = new Date(iso).getTime();
  if (!Number.isNaN(t)) skewMs = t - Date.now();
}

export function now(): Date {
  return new Date(Date.now() + skewMs);
}

/** Relative words for recent times: 刚刚 / 5 分钟前 / 3 小时前, else the Beijing date-time. */
export function ago(value: string | null | undefined): string {
  if (!value) return '';
  const diff = now().getTime() - new Date(value).getTime();
  if (diff < 60_000 && diff > -60_000) return '刚刚';
  if (diff > 0 && diff < 3_600_000) return `${Math.round(diff / 60_000)} 分钟前`;
  if (diff > 0 && diff < 86_400_000) return `${Math.round(diff / 3_600_000)} 小时前`;
  return beijing(value);
}
