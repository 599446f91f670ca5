/** The people who use the admin side, and what each may do. `admin` passes every role check. */
export const ROLES = ['admin', 'editor', 'reviewer', 'organizer', 'liaison', 'department', 'supervisor'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  admin: '管理员',
  editor: '编辑',
  reviewer: '审核',
  organizer: '会议组织者',
  liaison: '联络员',
  department: '承办单位',
  supervisor: '督导考评',
};

/** Roles whose users act for one unit and must name it (a `department` user answers for its 承办单位). */
export const ROLES_NEEDING_DEPARTMENT: readonly Role[] = ['department'];

export interface AuthenticatedUser {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  /** Deputy groups a liaison officer (联络员) looks after, set by an admin; empty for other roles. */
  groupIds: string[];
  /** For `department` users: the 承办单位 they act for. */
  departmentId?: string;
  /** Id of the session token used, so logout can revoke exactly it. */
  sessionId: string;
}

export function hasRole(user: AuthenticatedUser | undefined, allowed: readonly Role[]): boolean {
  return !!user && (user.role === 'admin' || allowed.includes(user.role));
}
