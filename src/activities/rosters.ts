/**
 * A maintained copy of every group's roster (members with name, level and leader flag; the group's name, region
 * and room), one small document per group, so the coverage of a city reads 600 documents instead of 600 groups
 * and 9,000 profiles. The content module announces every change that can alter a roster (content/roster-changes.ts):
 * the groups are marked dirty before the write and recomputed after it (src/aggregates). Reads recompute marked
 * groups first; until the copy is built (an existing database), they read the profiles directly.
 */
import mongoose, { Schema } from 'mongoose';
import { defineAggregate } from '../aggregates/aggregate';
import { groupRosters, liveGroupIds, onRosterChange, type RosterDeputy, type RosterGroup } from '../content/roster';
import type { Region } from '../content/enums';
import type { Scope } from './queries';

interface RosterDoc {
  _id: string;
  name: string;
  region: Region;
  /** [city, county, township] present: one multikey index answers a place at any level. */
  regionKeys: string[];
  roomAddress: string;
  members: RosterDeputy[];
}

const rosterSchema = new Schema<RosterDoc>(
  {
    _id: String,
    name: String,
    region: { _id: false, city: String, county: String, township: String },
    regionKeys: [String],
    roomAddress: String,
    members: [{ _id: false, id: String, name: String, level: String, leader: Boolean }],
  },
  { versionKey: false, collection: 'group_rosters' },
);
rosterSchema.index({ regionKeys: 1 });

export const GroupRoster = (mongoose.models.GroupRoster as mongoose.Model<RosterDoc>) ?? mongoose.model<RosterDoc>('GroupRoster', rosterSchema);

const toDoc = (g: RosterGroup): RosterDoc => ({
  _id: g.id,
  name: g.name,
  region: g.region,
  regionKeys: [g.region.city, g.region.county, g.region.township].filter((v): v is string => !!v),
  roomAddress: g.roomAddress,
  members: g.members,
});

const toGroup = (d: RosterDoc): RosterGroup => ({
  id: d._id,
  name: d.name,
  region: d.region ?? {},
  roomAddress: d.roomAddress ?? '',
  members: (d.members ?? []).map((m) => ({ id: m.id, name: m.name, level: m.level, leader: !!m.leader })),
});

/** Recomputes the rosters of these groups from the profiles; a group gone (deleted, purged) loses its copy. */
async function recompute(ids: string[]): Promise<void> {
  const valid = ids.filter((id) => /^[0-9a-f]{24}$/i.test(id));
  const groups = valid.length ? await groupRosters({ ids: valid }) : [];
  if (groups.length) {
    await GroupRoster.bulkWrite(groups.map((g) => ({ replaceOne: { filter: { _id: g.id }, replacement: toDoc(g), upsert: true } })), { ordered: false });
  }
  const found = new Set(groups.map((g) => g.id));
  const gone = ids.filter((id) => !found.has(id));
  if (gone.length) await GroupRoster.deleteMany({ _id: { $in: gone } });
}

export const groupRosterCopy = defineAggregate({
  name: 'activities.group-rosters',
  version: 1,
  recompute,
  sourceKeys: liveGroupIds,
  cellKeys: async () => (await GroupRoster.find().select('_id').lean()).map((d) => d._id),
});

let subscribed = false;

/** Keeps the copy in step with content (once per process, whatever the number of app instances in it). */
export function followRosterChanges(): void {
  if (subscribed) return;
  subscribed = true;
  onRosterChange({
    before: (change) => groupRosterCopy.mark(change.groupIds),
    after: (change, token) => groupRosterCopy.settleQuietly(change.groupIds, token as Awaited<ReturnType<typeof groupRosterCopy.mark>>),
  });
}

/** The groups of a place with their members, from the maintained copy (or the profiles while it is not built). */
export async function rostersOf(scope: Scope): Promise<RosterGroup[]> {
  const groups = (await groupRosterCopy.fresh())
    ? (await GroupRoster.find({ regionKeys: scope.name, [`region.${scope.level}`]: scope.name }).lean<RosterDoc[]>()).map(toGroup)
    : await groupRosters({ region: scope });
  // One order whichever way they were read (drill-downs list members group by group).
  return groups.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The counties (or townships) that have groups within a place, each once, unsorted: the parts a place's chart is cut into. */
export async function regionsOf(scope: Scope, level: 'county' | 'township'): Promise<string[]> {
  const names = (await groupRosterCopy.fresh())
    ? await GroupRoster.distinct(`region.${level}`, { regionKeys: scope.name, [`region.${scope.level}`]: scope.name })
    : (await groupRosters({ region: scope })).map((g) => g.region[level]);
  return [...new Set(names.filter((n): n is string => typeof n === 'string' && !!n))];
}
