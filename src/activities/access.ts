/** Liaison officers (联络员) record the activities of their own groups only; admins any group. */
import { ForbiddenError } from '../errors';
import type { Actor } from './context';

export function mayRecordFor(actor: Actor, groupId: string): boolean {
  return actor.role === 'admin' || (actor.role === 'liaison' && actor.groupIds.includes(groupId));
}

export function assertMayRecord(actor: Actor, groupId: string): void {
  if (!mayRecordFor(actor, groupId)) {
    throw new ForbiddenError('联络员只能记录自己负责的代表小组的活动', 'not_your_group');
  }
}

/** Groups whose activities a reader sees: liaisons their own, everyone else all (undefined). */
export function visibleGroups(actor: Actor): string[] | undefined {
  return actor.role === 'liaison' ? actor.groupIds : undefined;
}
