/**
 * Figures other modules read (coverage, funds, reports), counted by the database from the rollups and the
 * activities collection, never by walking attendance rows in the app.
 */
import { Types } from 'mongoose';
import { Activity, Attendance, AttendanceRollup, type ActivityDoc, type AttendanceRollupDoc } from './models';
import { parsePeriod, type Period } from '../calendar/periods';
import { attendanceRollups } from './rollups';

export type RegionLevel = 'city' | 'county' | 'township';
export interface Scope {
  level: RegionLevel;
  name: string;
}

export interface DeputyAttendance {
  deputyId: string;
  groupId: string;
  level: 'city' | 'county' | 'township';
  held: number;
  present: number;
  excused: number;
  absent: number;
}

/**
 * Attendance per deputy and group in a period within a place, from the rollups: a month or a year is one document
 * per group; a quarter or half-year sums its months' documents.
 */
export async function attendanceByDeputy(scope: Scope, period: Period): Promise<DeputyAttendance[]> {
  await attendanceRollups.fresh();
  const keys = period.kind === 'year' ? [String(period.year)] : period.months;
  // One equality query per period key: both fields of the (period, place) index bound each of them.
  const docs = (
    await Promise.all(
      keys.map((key) => AttendanceRollup.find({ period: key, [scope.level]: scope.name }).select('groupId members').lean<Pick<AttendanceRollupDoc, 'groupId' | 'members'>[]>()),
    )
  ).flat();
  const out = new Map<string, DeputyAttendance>();
  for (const doc of docs) {
    const groupId = String(doc.groupId);
    for (const m of doc.members) {
      const key = `${groupId}|${String(m.deputyId)}`;
      const row = out.get(key) ?? { deputyId: String(m.deputyId), groupId, level: m.level, held: 0, present: 0, excused: 0, absent: 0 };
      row.held += m.held;
      row.present += m.present;
      row.excused += m.excused;
      row.absent += m.absent;
      out.set(key, row);
    }
  }
  return [...out.values()];
}

/** Present count per deputy in a year, for some deputies (funds of one deputy), counted from the attendance rows. */
export async function presentByDeputy(deputyIds: string[], year: number): Promise<Map<string, number>> {
  const period = parsePeriod(String(year))!;
  const rows = await Attendance.aggregate<{ _id: Types.ObjectId; present: number }>([
    { $match: { deputyId: { $in: deputyIds.map((id) => new Types.ObjectId(id)) }, date: { $gte: period.start, $lt: period.end }, status: 'present' } },
    { $group: { _id: '$deputyId', present: { $sum: 1 } } },
  ]);
  return new Map(rows.map((r) => [String(r._id), r.present]));
}

/** Planned (not yet held) activities per group in a period within a place: the groups with a schedule ahead. */
export async function plannedByGroup(scope: Scope, period: Period): Promise<Map<string, number>> {
  const rows = await Activity.aggregate<{ _id: Types.ObjectId; planned: number }>([
    { $match: { status: 'planned', startsAt: { $gte: period.start, $lt: period.end }, [`region.${scope.level}`]: scope.name } },
    { $group: { _id: '$groupId', planned: { $sum: 1 } } },
  ]);
  return new Map(rows.map((r) => [String(r._id), r.planned]));
}

export interface ActivityRef {
  id: string;
  groupId: string;
  groupName: string;
  subject: string;
  startsAt: Date;
  status: ActivityDoc['status'];
  region: ActivityDoc['region'];
}

/** The linking point for suggestions raised at an activity: the activity's identity, or null when there is none. */
export async function getActivityRef(id: string): Promise<ActivityRef | null> {
  if (!/^[0-9a-f]{24}$/i.test(id)) return null;
  const a = await Activity.findById(new Types.ObjectId(id)).select('groupId groupName subject startsAt status region').lean<ActivityDoc>();
  return a
    ? { id: String(a._id), groupId: String(a.groupId), groupName: a.groupName, subject: a.subject, startsAt: a.startsAt, status: a.status, region: a.region ?? {} }
    : null;
}

/** Present count per member in one group's activities of a year. */
export async function presentInGroup(groupId: string, year: number): Promise<Map<string, number>> {
  await attendanceRollups.fresh();
  const doc = await AttendanceRollup.findById(`${year}|${groupId}`).select('members').lean<Pick<AttendanceRollupDoc, 'members'>>();
  return new Map((doc?.members ?? []).map((m) => [String(m.deputyId), m.present]));
}

/**
 * Held activities of each month of a period within a place, per county, township or group (a report's total and
 * its monthly trend together). From the month rollups (one small document per group and month, `held` in each:
 * 3,600 for a city's half year) while they are fresh; else from the activities in one pass, the month found by the
 * database from the months' starts (Beijing time). Months without any activity are there, empty.
 */
export async function heldActivitiesByMonth(scope: Scope, period: Period, by: 'county' | 'township' | 'group'): Promise<Map<string, Map<string, number>>> {
  const out = new Map(period.months.map((m) => [m, new Map<string, number>()]));
  const add = (month: string | undefined, k: unknown, n: number) => {
    if (month !== undefined && k !== null && k !== undefined && n > 0) out.get(month)?.set(String(k), (out.get(month)!.get(String(k)) ?? 0) + n);
  };
  if (await attendanceRollups.fresh()) {
    const rows = await AttendanceRollup.aggregate<{ _id: { k: unknown; m: string }; n: number }>([
      { $match: { period: { $in: period.months }, [scope.level]: scope.name } },
      { $group: { _id: { k: by === 'group' ? '$groupId' : `$${by}`, m: '$period' }, n: { $sum: '$held' } } },
    ]);
    for (const r of rows) add(r._id.m, r._id.k, r.n);
    return out;
  }
  const starts = period.months.map((m) => parsePeriod(m)!.start);
  const monthIndex = starts.length > 1 ? { $add: starts.slice(1).map((d) => ({ $cond: [{ $gte: ['$startsAt', d] }, 1, 0] })) } : 0;
  const rows = await Activity.aggregate<{ _id: { k: unknown; m: number }; n: number }>([
    { $match: { status: 'held', startsAt: { $gte: period.start, $lt: period.end }, [`region.${scope.level}`]: scope.name } },
    { $group: { _id: { k: by === 'group' ? '$groupId' : `$region.${by}`, m: monthIndex }, n: { $sum: 1 } } },
  ]);
  for (const r of rows) add(period.months[r._id.m], r._id.k, r.n);
  return out;
}

/** Held activities in a period within a place, counted per county, township or group (reports, evaluation). */
export async function heldActivitiesBy(scope: Scope, period: Period, by: 'county' | 'township' | 'group'): Promise<Map<string, number>> {
  const key = by === 'group' ? '$groupId' : `$region.${by}`;
  const rows = await Activity.aggregate<{ _id: unknown; n: number }>([
    { $match: { status: 'held', startsAt: { $gte: period.start, $lt: period.end }, [`region.${scope.level}`]: scope.name } },
    { $group: { _id: key, n: { $sum: 1 } } },
  ]);
  return new Map(rows.filter((r) => r._id !== null && r._id !== undefined).map((r) => [String(r._id), r.n]));
}
