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

/** The editor responsible for an item (legacy items: whoever created it). */
export function ownerOf(doc: { ownerId?: unknown; createdBy?: unknown }): string {
  return String(doc.ownerId ?? doc.createdBy ?? '');
}

/**
 * Editors change (save, submit, restore, delete) only items they own; reviewers, admins and the system any item.
 */
export function mayChange(actor: Actor, doc: { ownerId?: unknown; createdBy?: unknown }): boolean {
  // ownerId null: an unassigned draft (e.g. an organizer's meeting follow-up) that any editor may work on.
  return actor.role !== 'editor' || doc.ownerId === null || ownerOf(doc) === actor.id;
}

/** Admin passes every role check; the system passes the checks of system steps only (see rules). */
export function actorHasRole(actor: Actor, roles: readonly Role[]): boolean {
  return actor.role === 'admin' || (actor.role !== 'system' && roles.includes(actor.role));
}
