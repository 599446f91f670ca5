/** The people who use the admin side, and what each may do. `admin` passes every role check. */
export const ROLES = ['admin', 'editor', 'reviewer', 'organizer'] as const;
export type Role = (typeof ROLES)[number];

export interface AuthenticatedUser {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  /** Id of the session token used, so logout can revoke exactly it. */
  sessionId: string;
}

export function hasRole(user: AuthenticatedUser | undefined, allowed: readonly Role[]): boolean {
  return !!user && (user.role === 'admin' || allowed.includes(user.role));
}
