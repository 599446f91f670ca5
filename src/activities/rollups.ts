/**
 * Keeps `activity_attendance_rollups` in step with `activity_attendance`: after an activity write, the rollups of
 * the touched groups for the touched years are recomputed from their attendance rows (idempotent, so a retry or
 * a later write repairs anything an interrupted refresh left).
 */
import { Types } from 'mongoose';
import { defineAggregate } from '../aggregates/aggregate';
import { Activity, Attendance, AttendanceRollup, type AttendanceDoc, type AttendanceRollupDoc, type MemberCounts } from './models';
import { parsePeriod, periodKeysOf } from '../calendar/periods';

type RollupRow = Pick<AttendanceDoc, 'activityId' | 'deputyId' | 'groupId' | 'level' | 'status' | 'date' | 'city' | 'county' | 'township'>;

/** Month and year rollups of a set of attendance rows (pure; the seed uses it for bulk loads too). */
export function computeRollups(rows: Iterable<RollupRow>): AttendanceRollupDoc[] {
  const out = new Map<string, { doc: AttendanceRollupDoc; members: Map<string, MemberCounts>; activities: Set<string> }>();
  for (const r of rows) {
    const keys = periodKeysOf(r.date);
    for (const period of [keys.month, keys.year]) {
      const id = `${period}|${String(r.groupId)}`;
      let entry = out.get(id);
      if (!entry) {
        const doc: AttendanceRollupDoc = { _id: id, period, groupId: r.groupId, held: 0, members: [] };
        if (r.city) doc.city = r.city;
        if (r.county) doc.county = r.county;
        if (r.township) doc.township = r.township;
        entry = { doc, members: new Map(), activities: new Set() };
        out.set(id, entry);
      }
      entry.activities.add(String(r.activityId));
      const key = String(r.deputyId);
      let m = entry.members.get(key);
      if (!m) {
        m = { deputyId: r.deputyId, level: r.level, held: 0, present: 0, excused: 0, absent: 0 };
        entry.members.set(key, m);
      }
      m.held += 1;
      m[r.status] += 1;
    }
  }
  return [...out.values()].map(({ doc, members, activities }) => ({ ...doc, held: activities.size, members: [...members.values()] }));
}

/** Recomputes the rollups of these groups for these years (e.g. ['2026']). */
export async function refreshRollups(groupIds: Types.ObjectId[], years: Iterable<string>): Promise<void> {
  for (const year of new Set(years)) {
    const period = parsePeriod(year)!;
    const rows = await Attendance.find({ groupId: { $in: groupIds }, date: { $gte: period.start, $lt: period.end } })
      .select('activityId deputyId groupId level status date city county township')
      .lean();
    const rollups = computeRollups(rows);
    if (rollups.length) {
      await AttendanceRollup.bulkWrite(rollups.map((r) => ({ replaceOne: { filter: { _id: r._id }, replacement: r, upsert: true } })), { ordered: false });
    }
    await AttendanceRollup.deleteMany({ groupId: { $in: groupIds }, period: { $in: [year, ...period.months] }, _id: { $nin: rollups.map((r) => r._id) } });
  }
}

const rollupKey = (year: string, groupId: Types.ObjectId | string) => `${year}|${String(groupId)}`;

/** Recomputes rollups given as `year|groupId` keys (the marks of the attendance writer). */
async function recomputeKeys(keys: string[]): Promise<void> {
  const byYear = new Map<string, Types.ObjectId[]>();
  for (const key of keys) {
    const [year, groupId] = key.split('|');
    if (!/^\d{4}$/.test(year) || !Types.ObjectId.isValid(groupId)) continue;
    byYear.set(year, [...(byYear.get(year) ?? []), new Types.ObjectId(groupId)]);
  }
  for (const [year, groupIds] of byYear) await refreshRollups(groupIds, [year]);
}

/**
 * The rollups as a maintained aggregate: always kept in step by the attendance writer, which marks the group-years
 * it touches before writing rows, so a crash between the rows and their rollups is recomputed at the next read.
 */
export const attendanceRollups = defineAggregate({
  name: 'activities.attendance-rollups',
  version: 1,
  alwaysMaintained: true,
  recompute: recomputeKeys,
  sourceKeys: async () => {
    const rows = await Activity.find({ status: 'held' }).select('groupId startsAt').lean<Array<{ groupId: Types.ObjectId; startsAt: Date }>>();
    return [...new Set(rows.map((a) => rollupKey(periodKeysOf(a.startsAt).year, a.groupId)))];
  },
  cellKeys: async () => {
    const rows = await AttendanceRollup.find({ period: { $regex: '^\\d{4}$' } }).select('period groupId').lean<Array<{ period: string; groupId: Types.ObjectId }>>();
    return rows.map((r) => rollupKey(r.period, r.groupId));
  },
});

export { rollupKey };
