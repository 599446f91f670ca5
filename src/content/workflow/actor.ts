import type { Role } from '../../auth/roles';

/** Who performs a workflow step: a signed-in user, or the system (a scheduled publication going live). */
export interface Actor {
  /** User id; undefined for the system. */
  id?: string;
  name?: string;
  role: Role | 'system';
}

export const SYSTEM_ACTOR: Actor = { role: 'system', name: '系统' };

export function actorFromUser(user: { id: string; displayName?: string; username?: string; role: Role }): Actor {
  return { id: user.id, name: user.displayName || user.username, role: user.role };
}

/** Admin passes every role check; the system passes the checks of system steps only (see rules). */
export function actorHasRole(actor: Actor, roles: readonly Role[]): boolean {
  return actor.role === 'admin' || (actor.role !== 'system' && roles.includes(actor.role));
}
