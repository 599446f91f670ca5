/**
 * Keeps `activity_attendance_rollups` in step with `activity_attendance`: after an activity write, the rollups of
 * the touched deputies for the touched years are recomputed from their attendance rows (idempotent, so a retry or
 * a later write repairs anything an interrupted refresh left).
 */
import { Types } from 'mongoose';
import { Attendance, AttendanceRollup, type AttendanceDoc, type AttendanceRollupDoc } from './models';
import { parsePeriod, periodKeysOf } from './periods';

type RollupRow = Pick<AttendanceDoc, 'deputyId' | 'groupId' | 'level' | 'status' | 'date' | 'city' | 'county' | 'township'>;

/** Month and year rollups of a set of attendance rows (pure; the seed uses it for bulk loads too). */
export function computeRollups(rows: Iterable<RollupRow>): AttendanceRollupDoc[] {
  const out = new Map<string, AttendanceRollupDoc>();
  for (const r of rows) {
    const keys = periodKeysOf(r.date);
    for (const period of [keys.month, keys.year]) {
      const id = `${period}|${String(r.deputyId)}|${String(r.groupId)}`;
      let row = out.get(id);
      if (!row) {
        row = { _id: id, period, deputyId: r.deputyId, groupId: r.groupId, level: r.level, held: 0, present: 0, excused: 0, absent: 0 };
        if (r.city) row.city = r.city;
        if (r.county) row.county = r.county;
        if (r.township) row.township = r.township;
        out.set(id, row);
      }
      row.held += 1;
      row[r.status] += 1;
    }
  }
  return [...out.values()];
}

/** Recomputes the rollups of these deputies for these years (e.g. ['2026']). */
export async function refreshRollups(deputyIds: Types.ObjectId[], years: Iterable<string>): Promise<void> {
  for (const year of new Set(years)) {
    const period = parsePeriod(year)!;
    const rows = await Attendance.find({ deputyId: { $in: deputyIds }, date: { $gte: period.start, $lt: period.end } })
      .select('deputyId groupId level status date city county township')
      .lean();
    const rollups = computeRollups(rows);
    const keep = rollups.map((r) => r._id);
    if (rollups.length) {
      await AttendanceRollup.bulkWrite(rollups.map((r) => ({ replaceOne: { filter: { _id: r._id }, replacement: r, upsert: true } })), { ordered: false });
    }
    await AttendanceRollup.deleteMany({ deputyId: { $in: deputyIds }, period: { $in: [year, ...period.months] }, _id: { $nin: keep } });
  }
}
