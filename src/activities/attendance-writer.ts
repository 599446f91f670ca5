/**
 * Writes the attendance rows of a held activity (replacing any earlier ones) and refreshes the rollups of the
 * deputies it touches. If the rows cannot be written, the previous rows are put back, so a correction never
 * leaves an activity with half a roll call.
 */
import { Types } from 'mongoose';
import { Attendance, type ActivityDoc, type AttendanceDoc } from './models';
import { refreshRollups } from './rollups';
import { periodKeysOf } from './periods';

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

/** Replaces the activity's rows with those of `next` (null: removes them); `previous` names deputies/years to refresh. */
export async function syncAttendance(activityId: Types.ObjectId, next: ActivityDoc | null, previous?: ActivityDoc | null): Promise<void> {
  const old = await Attendance.find({ activityId }).lean();
  const rows = next ? attendanceRowsOf(next) : [];
  await Attendance.deleteMany({ activityId });
  try {
    if (rows.length) await Attendance.insertMany(rows, { ordered: true });
  } catch (err) {
    await Attendance.deleteMany({ activityId });
    if (old.length) await Attendance.insertMany(old, { ordered: false });
    throw err;
  }
  const deputies = new Map<string, Types.ObjectId>();
  for (const r of [...old, ...rows]) deputies.set(String(r.deputyId), r.deputyId);
  for (const p of previous?.participants ?? []) deputies.set(String(p.deputyId), p.deputyId);
  const years = [next, previous].filter((a): a is ActivityDoc => !!a).map((a) => periodKeysOf(a.startsAt).year);
  for (const r of old) years.push(periodKeysOf(r.date).year);
  if (deputies.size && years.length) await refreshRollups([...deputies.values()], years);
}
