/** Calendar days in the campaign's time zone. China has kept UTC+8 without daylight saving since 1991. */
const OFFSET_MS = 8 * 3_600_000;

/** "YYYY-MM-DD" of the Asia/Shanghai day containing `at`. */
export function shanghaiDayKey(at: Date): string {
  return new Date(at.getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant the Asia/Shanghai day `key` starts. */
export function shanghaiDayStart(key: string): Date {
  return new Date(Date.parse(`${key}T00:00:00.000Z`) - OFFSET_MS);
}

export function previousDayKey(key: string): string {
  return shanghaiDayKey(new Date(shanghaiDayStart(key).getTime() - 1));
}
