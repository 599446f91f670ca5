/**
 * Writes the attendance rows of a held activity (replacing any earlier ones) and refreshes the rollups of the
 * deputies it touches. If the rows cannot be written, the previous rows are put back, so a correction never
 * leaves an activity with half a roll call.
 */
import { Types } from 'mongoose';
import { Attendance, type ActivityDoc, type AttendanceDoc } from './models';
import { attendanceRollups, rollupKey } from './rollups';
import { periodKeysOf } from '../calendar/periods';

export function attendanceRowsOf(a: ActivityDoc): AttendanceDoc[] {
  if (a.status !== 'held') return [];
  return a.participants
    .filter((p) => p.status)
    .map((p) => ({
      _id: new Types.ObjectId(),
      activityId: a._id,
      groupId: a.groupId,
      deputyId: p.deputyId,
      level: p.level,
      status: p.status!,
      date: a.startsAt,
      ...(a.region.city ? { city: a.region.city } : {}),
      ...(a.region.county ? { county: a.region.county } : {}),
      ...(a.region.township ? { township: a.region.township } : {}),
    }));
}

/**
 * Replaces the activity's rows with those of `next` (null: removes them); `previous` names the years to refresh too.
 * The rollups of every group and year touched are marked dirty before the rows change and recomputed after.
 */
export async function syncAttendance(activityId: Types.ObjectId, next: ActivityDoc | null, previous?: ActivityDoc | null): Promise<void> {
  const old = await Attendance.find({ activityId }).lean();
  const rows = next ? attendanceRowsOf(next) : [];
  const groups = new Map<string, Types.ObjectId>();
  for (const a of [next, previous]) if (a) groups.set(String(a.groupId), a.groupId);
  for (const r of old) groups.set(String(r.groupId), r.groupId);
  const years = [next, previous].filter((a): a is ActivityDoc => !!a).map((a) => periodKeysOf(a.startsAt).year);
  for (const r of old) years.push(periodKeysOf(r.date).year);
  const keys = [...new Set(years)].flatMap((year) => [...groups.values()].map((g) => rollupKey(year, g)));
  await attendanceRollups.around(keys, async () => {
    await Attendance.deleteMany({ activityId });
    try {
      if (rows.length) await Attendance.insertMany(rows, { ordered: true });
    } catch (err) {
      await Attendance.deleteMany({ activityId });
      if (old.length) await Attendance.insertMany(old, { ordered: false });
      throw err;
    }
  });
}
