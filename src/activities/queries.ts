/**
 * Figures other modules read (coverage, funds, reports), counted by the database from the rollups and the
 * activities collection, never by walking attendance rows in the app.
 */
import { Types } from 'mongoose';
import { Activity, AttendanceRollup, type ActivityDoc } from './models';
import type { Period } from './periods';

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

/** Attendance per deputy and group in a period within a place. */
export async function attendanceByDeputy(scope: Scope, period: Period): Promise<DeputyAttendance[]> {
  const where = { [scope.level]: scope.name };
  type Row = { deputyId: Types.ObjectId; groupId: Types.ObjectId; level: DeputyAttendance['level']; held: number; present: number; excused: number; absent: number };
  let rows: Row[];
  if (period.kind === 'year' || period.kind === 'month') {
    rows = await AttendanceRollup.find({ period: period.kind === 'year' ? String(period.year) : period.months[0], ...where })
      .select('deputyId groupId level held present excused absent')
      .lean<Row[]>();
  } else {
    const grouped = await AttendanceRollup.aggregate<{ _id: { d: Types.ObjectId; g: Types.ObjectId }; level: Row['level']; held: number; present: number; excused: number; absent: number }>([
      { $match: { period: { $in: period.months }, ...where } },
      {
        $group: {
          _id: { d: '$deputyId', g: '$groupId' },
          level: { $first: '$level' },
          held: { $sum: '$held' },
          present: { $sum: '$present' },
          excused: { $sum: '$excused' },
          absent: { $sum: '$absent' },
        },
      },
    ]);
    rows = grouped.map((g) => ({ deputyId: g._id.d, groupId: g._id.g, level: g.level, held: g.held, present: g.present, excused: g.excused, absent: g.absent }));
  }
  return rows.map((r) => ({ deputyId: String(r.deputyId), groupId: String(r.groupId), level: r.level, held: r.held, present: r.present, excused: r.excused, absent: r.absent }));
}

/** Present count per deputy in a year, for some deputies (funds of one deputy or group). */
export async function presentByDeputy(deputyIds: string[], year: number): Promise<Map<string, number>> {
  const rows = await AttendanceRollup.aggregate<{ _id: Types.ObjectId; present: number }>([
    { $match: { deputyId: { $in: deputyIds.map((id) => new Types.ObjectId(id)) }, period: String(year) } },
    { $group: { _id: '$deputyId', present: { $sum: '$present' } } },
  ]);
  return new Map(rows.map((r) => [String(r._id), r.present]));
}

export interface GroupActivityCount {
  groupId: string;
  held: number;
  planned: number;
}

/** Held and planned activities per group in a period within a place. */
export async function activitiesByGroup(scope: Scope, period: Period): Promise<GroupActivityCount[]> {
  const rows = await Activity.aggregate<{ _id: Types.ObjectId; held: number; planned: number }>([
    { $match: { [`region.${scope.level}`]: scope.name, startsAt: { $gte: period.start, $lt: period.end } } },
    {
      $group: {
        _id: '$groupId',
        held: { $sum: { $cond: [{ $eq: ['$status', 'held'] }, 1, 0] } },
        planned: { $sum: { $cond: [{ $eq: ['$status', 'planned'] }, 1, 0] } },
      },
    },
  ]);
  return rows.map((r) => ({ groupId: String(r._id), held: r.held, planned: r.planned }));
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
  const rows = await AttendanceRollup.find({ period: String(year), groupId: new Types.ObjectId(groupId) }).select('deputyId present').lean();
  return new Map(rows.map((r) => [String(r.deputyId), r.present]));
}
