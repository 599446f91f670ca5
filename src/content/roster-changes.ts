/**
 * Announces every change to deputies and groups that can change a group's roster (who its members are, their
 * name, level and leader flag, the group's name, region and room), so modules that keep their own copy of rosters
 * (coverage) stay in step without this module knowing them.
 *
 * A listener's `before` is awaited before the write (to record durably that the groups are about to change: a
 * dirty mark), its `after` once the write is over, whether it succeeded or not (to refresh and clear the mark).
 * A crash between the two leaves the mark, never a silently stale copy.
 */
import { Types } from 'mongoose';
import { Deputy } from './models/deputy';
import { DeputyGroup } from './models/deputy-group';

export interface RosterChange {
  kind: 'deputy' | 'group';
  id: string;
  reason: 'created' | 'updated' | 'deleted' | 'restored' | 'purged' | 'leader';
  /** Every group whose roster may differ after the write: before and after it. */
  groupIds: string[];
}

export interface RosterChangeListener {
  before(change: RosterChange): Promise<unknown>;
  after(change: RosterChange, marked: unknown): Promise<void>;
}

const listeners = new Set<RosterChangeListener>();

/** Subscribes to roster changes; returns the unsubscribe function. */
export function onRosterChange(listener: RosterChangeListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Fields whose change can change a roster. */
export const ROSTER_FIELDS = {
  deputy: ['name', 'level', 'leader', 'groupId'],
  group: ['name', 'region', 'roomAddress', 'members'],
} as const;

export function touchesRoster(kind: 'deputy' | 'group', patch: Record<string, unknown>): boolean {
  return (ROSTER_FIELDS[kind] as readonly string[]).some((f) => f in patch);
}

/** The groups a deputy belongs to now: the group its profile names and the groups listing it as a member. */
export async function groupIdsOfDeputy(id: string): Promise<string[]> {
  if (!Types.ObjectId.isValid(id)) return [];
  const _id = new Types.ObjectId(id);
  const [deputy, listing] = await Promise.all([
    Deputy.findById(_id).select('groupId').lean(),
    DeputyGroup.find({ 'members.deputyId': _id }).select('_id').lean(),
  ]);
  return [...new Set([...(deputy?.groupId ? [String(deputy.groupId)] : []), ...listing.map((g) => String(g._id))])];
}

/** Runs `write` between the listeners' before and after. */
export async function announceRosterChange<T>(change: RosterChange, write: () => Promise<T>): Promise<T> {
  if (!listeners.size || !change.groupIds.length) return write();
  const subscribed = [...listeners];
  const marks = await Promise.all(subscribed.map((l) => l.before(change)));
  try {
    return await write();
  } finally {
    await Promise.all(subscribed.map((l, i) => l.after(change, marks[i])));
  }
}

/** The change a deputy write makes: its groups now, plus the group it is being moved to. */
export async function deputyChange(id: string, reason: RosterChange['reason'], movingTo?: unknown): Promise<RosterChange> {
  const groupIds = await groupIdsOfDeputy(id);
  if (typeof movingTo === 'string' && Types.ObjectId.isValid(movingTo)) groupIds.push(movingTo);
  return { kind: 'deputy', id, reason, groupIds: [...new Set(groupIds)] };
}

export function groupChange(id: string, reason: RosterChange['reason']): RosterChange {
  return { kind: 'group', id, reason, groupIds: [id] };
}
