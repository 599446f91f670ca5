/**
 * Who belongs to which deputy group, for the operations modules (activities, coverage, funds): a group's members
 * are its linked member profiles plus the deputies whose profile names the group (as meeting invitations count
 * them). Read-only query functions; the operations modules never read the content models themselves.
 */
import { Types } from 'mongoose';
import { Deputy } from './models/deputy';
import { DeputyGroup } from './models/deputy-group';
import type { DeputyLevel, Region } from './enums';
import { announceRosterChange, deputyChange } from './roster-changes';

export interface RosterDeputy {
  id: string;
  name: string;
  level: DeputyLevel;
  leader: boolean;
}

export interface RosterGroup {
  id: string;
  name: string;
  region: Region;
  roomAddress: string;
  members: RosterDeputy[];
}

type GroupFilter = { ids?: string[]; region?: { level: 'city' | 'county' | 'township'; name: string } };

const CHUNK = 25;

async function inChunks<I, T>(ids: I[], query: (chunk: I[]) => Promise<T[]>): Promise<T[]> {
  const chunks: I[][] = [];
  for (let i = 0; i < ids.length; i += CHUNK) chunks.push(ids.slice(i, i + CHUNK));
  return (await Promise.all(chunks.map(query))).flat();
}

/**
 * Groups (not deleted) with their members, by id or by region; members sorted by name. Read from the profiles
 * themselves: modules that read many rosters keep their own copy, refreshed through roster-changes.ts.
 */
export async function groupRosters(filter: GroupFilter): Promise<RosterGroup[]> {
  const query: Record<string, unknown> = { deletedAt: null };
  if (filter.ids) query._id = { $in: filter.ids.map((id) => new Types.ObjectId(id)) };
  // regionKeys is indexed (any level); the level's own field is re-checked on the rows found.
  if (filter.region) Object.assign(query, { regionKeys: filter.region.name, [`region.${filter.region.level}`]: filter.region.name });
  const groups = await DeputyGroup.find(query).select('name region roomAddress members.deputyId').lean();
  if (!groups.length) return [];
  const linked = groups.flatMap((g) => g.members.map((m) => m.deputyId).filter((id): id is Types.ObjectId => !!id));
  // Index-served queries rather than one $or: the deputies naming the groups (groupId index), then by _id only the
  // linked members not among them. Large $in lists go in chunks: the engine re-checks every fetched row against the
  // whole list, so one list of 600 groups costs far more than 24 lists of 25.
  const fields = 'name level leader groupId deletedAt';
  const found = await inChunks(groups.map((g) => g._id), (ids) => Deputy.find({ groupId: { $in: ids } }).select(fields).lean());
  const known = new Set(found.map((d) => String(d._id)));
  const others = linked.filter((id) => !known.has(String(id)));
  const rest = await inChunks(others, (ids) => Deputy.find({ _id: { $in: ids } }).select(fields).lean());
  const deputies = [...new Map([...found, ...rest].filter((d) => !d.deletedAt).map((d) => [String(d._id), d])).values()];
  const byId = new Map(deputies.map((d) => [String(d._id), d]));
  const named = new Map<string, string[]>();
  for (const d of deputies) if (d.groupId) named.set(String(d.groupId), [...(named.get(String(d.groupId)) ?? []), String(d._id)]);
  return groups.map((g) => {
    const ids = new Set([...g.members.map((m) => (m.deputyId ? String(m.deputyId) : '')).filter(Boolean), ...(named.get(String(g._id)) ?? [])]);
    const members = [...ids]
      .map((id) => byId.get(id))
      .filter((d): d is NonNullable<typeof d> => !!d)
      .map((d) => ({ id: String(d._id), name: d.name, level: d.level, leader: !!d.leader }))
      .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN') || a.id.localeCompare(b.id));
    return { id: String(g._id), name: g.name, region: g.region ?? {}, roomAddress: g.roomAddress ?? '', members };
  });
}

/** Deputies by id (not deleted): name, level, leader flag. */
export async function deputiesByIds(ids: string[]): Promise<Map<string, RosterDeputy>> {
  const rows = await Deputy.find({ _id: { $in: ids.map((id) => new Types.ObjectId(id)) }, deletedAt: null }).select('name level leader').lean();
  return new Map(rows.map((d) => [String(d._id), { id: String(d._id), name: d.name, level: d.level, leader: !!d.leader }]));
}

/** Phones of deputies (private: for notices only), first number each. */
export async function deputyPhones(ids: string[]): Promise<Map<string, string[]>> {
  const rows = await Deputy.find({ _id: { $in: ids.map((id) => new Types.ObjectId(id)) }, deletedAt: null }).select('+phones').lean();
  return new Map(rows.map((d) => [String(d._id), d.phones ?? []]));
}

/** Sets or clears the leader flag (市县"四大家"领导) directly: an operations attribute, not reviewed publicity. */
export async function setDeputyLeader(id: string, leader: boolean): Promise<boolean> {
  const change = await deputyChange(id, 'leader');
  const res = await announceRosterChange(change, () => Deputy.updateOne({ _id: new Types.ObjectId(id), deletedAt: null }, { $set: { leader } }));
  return res.matchedCount === 1;
}

/** Townships that have deputy groups, with their county, within a place (the townships supervision must reach). */
export async function townshipsWithGroups(region: { level: 'city' | 'county' | 'township'; name: string }): Promise<Array<{ county: string; township: string }>> {
  const rows = await DeputyGroup.aggregate<{ _id: { county?: string; township?: string } }>([
    { $match: { regionKeys: region.name, [`region.${region.level}`]: region.name, deletedAt: null } },
    { $group: { _id: { county: '$region.county', township: '$region.township' } } },
  ]);
  return rows
    .filter((r) => r._id.township)
    .map((r) => ({ county: r._id.county ?? '', township: r._id.township! }))
    .sort((a, b) => a.county.localeCompare(b.county, 'zh-CN') || a.township.localeCompare(b.township, 'zh-CN'));
}

/** The cities that have deputy groups, most groups first (the city a report speaks for). */
export async function citiesWithGroups(): Promise<string[]> {
  const rows = await DeputyGroup.aggregate<{ _id: string | null; n: number }>([{ $match: { deletedAt: null } }, { $group: { _id: '$region.city', n: { $sum: 1 } } }]);
  return rows.filter((r) => r._id).sort((a, b) => b.n - a.n).map((r) => r._id!);
}

/** Ids of the groups not deleted (the rosters a copy must hold). */
export async function liveGroupIds(): Promise<string[]> {
  return (await DeputyGroup.find({ deletedAt: null }).select('_id').lean()).map((g) => String(g._id));
}

export { onRosterChange, type RosterChange, type RosterChangeListener } from './roster-changes';
