/**
 * Who a meeting invites, resolved to people with a phone: deputies by id, every member of the chosen
 * deputy groups (linked profiles, plus deputies whose profile names the group), and extra people.
 * The same number reached twice is invited once; people without a usable mobile are reported, not dropped silently.
 */
import { Types } from 'mongoose';
import { Deputy, DeputyGroup, CaseStudy } from '../content/models';
import { ValidationError, type FieldProblem } from '../errors';
import type { InviteeSource } from './models';
import type { MeetingInvitees } from './models';
import { normalizeMobile } from './phones';

export interface ResolvedInvitee {
  name: string;
  phone: string;
  source: InviteeSource;
  /** 称谓 of an extra invitee, for greetings. */
  role?: string;
  deputyId?: Types.ObjectId;
  groupId?: Types.ObjectId;
}

export interface Unreachable {
  name: string;
  reason: string;
  deputyId?: string;
  groupId?: string;
}

export interface InviteeIdsInput {
  invitees?: { deputyIds: string[]; groupIds: string[] };
  featuredCaseIds?: string[];
  featuredDeputyIds?: string[];
}

/** Refuses ids that name no (live) deputy, group or case, naming each offending field. */
export async function assertReferencesExist(input: InviteeIdsInput, prefix = 'body'): Promise<void> {
  const problems: FieldProblem[] = [];
  const check = async (ids: string[] | undefined, field: string, model: 'deputy' | 'group' | 'case') => {
    if (!ids?.length) return;
    const unique = [...new Set(ids)];
    const query = { _id: { $in: unique.map((id) => new Types.ObjectId(id)) }, deletedAt: null };
    const found =
      model === 'deputy'
        ? await Deputy.find(query).select('_id').lean()
        : model === 'group'
          ? await DeputyGroup.find(query).select('_id').lean()
          : await CaseStudy.find(query).select('_id').lean();
    const known = new Set(found.map((d) => String(d._id)));
    const label = { deputy: '代表', group: '代表小组', case: '典型模式案例' }[model];
    ids.forEach((id, i) => {
      if (!known.has(id)) problems.push({ field: `${prefix}.${field}.${i}`, message: `未找到该${label}` });
    });
  };
  await check(input.invitees?.deputyIds, 'invitees.deputyIds', 'deputy');
  await check(input.invitees?.groupIds, 'invitees.groupIds', 'group');
  await check(input.featuredCaseIds, 'featuredCaseIds', 'case');
  await check(input.featuredDeputyIds, 'featuredDeputyIds', 'deputy');
  if (problems.length) throw new ValidationError('引用的代表、代表小组或案例不存在', problems);
}

export async function resolveInvitees(spec: MeetingInvitees): Promise<{ people: ResolvedInvitee[]; unreachable: Unreachable[] }> {
  const people = new Map<string, ResolvedInvitee>();
  const unreachable: Unreachable[] = [];
  const add = (p: ResolvedInvitee) => {
    if (!people.has(p.phone)) people.set(p.phone, p);
  };

  const groups = spec.groupIds.length
    ? await DeputyGroup.find({ _id: { $in: spec.groupIds }, deletedAt: null }).select('name members').lean()
    : [];
  const groupOfDeputy = new Map<string, Types.ObjectId>();
  const wanted = new Set(spec.deputyIds.map(String));
  for (const g of groups) {
    for (const m of g.members) {
      if (m.deputyId) {
        wanted.add(String(m.deputyId));
        groupOfDeputy.set(String(m.deputyId), g._id);
      } else {
        unreachable.push({ name: m.name, reason: '小组成员未关联代表档案，无手机号', groupId: String(g._id) });
      }
    }
  }
  const deputyFilter = {
    deletedAt: null,
    $or: [
      { _id: { $in: [...wanted].map((id) => new Types.ObjectId(id)) } },
      ...(groups.length ? [{ groupId: { $in: groups.map((g) => g._id) } }] : []),
    ],
  };
  const deputies = await Deputy.find(deputyFilter).select('+phones name groupId').lean();
  const direct = new Set(spec.deputyIds.map(String));
  for (const d of deputies) {
    const id = String(d._id);
    const phone = (d.phones ?? []).map(normalizeMobile).find((p): p is string => !!p);
    if (!phone) {
      unreachable.push({ name: d.name, reason: '代表档案中没有可用的手机号', deputyId: id });
      continue;
    }
    const groupId = groupOfDeputy.get(id) ?? (d.groupId && groups.some((g) => g._id.equals(d.groupId!)) ? d.groupId : undefined);
    add({ name: d.name, phone, source: direct.has(id) ? 'deputy' : 'group', deputyId: d._id, groupId: direct.has(id) ? undefined : groupId });
  }
  for (const e of spec.extras) add({ name: e.name, phone: e.phone, source: 'extra', ...(e.role ? { role: e.role } : {}) });
  return { people: [...people.values()], unreachable };
}
