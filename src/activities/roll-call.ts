/**
 * Checks a roll call against the group's roster: every participant must be a member (linked profile), listed once;
 * a held activity needs every member marked present, excused (with a reason) or absent; a plan lists whom it invites.
 */
import { Types } from 'mongoose';
import { ValidationError, type FieldProblem } from '../errors';
import type { RosterGroup } from '../content/roster';
import type { Participant } from './models';
import type { ParticipantInput } from './schemas';

export function buildRollCall(group: RosterGroup, inputs: ParticipantInput[] | undefined, held: boolean, field = 'body.participants'): Participant[] {
  const members = new Map(group.members.map((m) => [m.id, m]));
  if (!inputs) {
    if (held) throw new ValidationError('已开展的活动需要点名：每位小组成员标明出席、请假或缺席', [{ field, message: 'required for a held activity' }]);
    return group.members.map((m) => ({ deputyId: new Types.ObjectId(m.id), name: m.name, level: m.level }));
  }
  const problems: FieldProblem[] = [];
  const seen = new Set<string>();
  const out: Participant[] = [];
  inputs.forEach((p, i) => {
    const member = members.get(p.deputyId);
    if (!member) problems.push({ field: `${field}.${i}.deputyId`, message: `不是“${group.name}”的成员` });
    else if (seen.has(p.deputyId)) problems.push({ field: `${field}.${i}.deputyId`, message: '重复列出的代表' });
    if (held && !p.status) problems.push({ field: `${field}.${i}.status`, message: '请标明出席、请假或缺席' });
    if (!held && p.status) problems.push({ field: `${field}.${i}.status`, message: '活动尚未开展，不能记录出勤' });
    if (p.status === 'excused' && !p.reason?.trim()) problems.push({ field: `${field}.${i}.reason`, message: '请假需要写明事由' });
    if (p.status !== 'excused' && p.reason) problems.push({ field: `${field}.${i}.reason`, message: '只有请假才填写事由' });
    seen.add(p.deputyId);
    if (member) {
      out.push({
        deputyId: new Types.ObjectId(member.id),
        name: member.name,
        level: member.level,
        ...(p.status ? { status: p.status } : {}),
        ...(p.reason ? { reason: p.reason } : {}),
      });
    }
  });
  if (held) {
    const missing = group.members.filter((m) => !seen.has(m.id));
    if (missing.length) problems.push({ field, message: `以下成员未点名：${missing.map((m) => m.name).join('、')}` });
  }
  if (problems.length) throw new ValidationError('出勤记录有误', problems);
  return out;
}
