/** Accounts and sessions: create users, log in and out, resolve a bearer token to a user. */
import { createHash, randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import { SessionModel, UserModel, type SessionKind, type UserDoc } from './models';
import { dummyVerify, hashPassword, passwordProblem, verifyPassword } from './passwords';
import { countAttempt, normalizeUsername, recordSuccess, type ThrottlePolicy } from './throttle';
import { ROLES_NEEDING_DEPARTMENT, type AuthenticatedUser, type Role } from './roles';
import { ConflictError, NotFoundError, UnauthorizedError, ValidationError } from '../errors';

export interface PublicUser {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  /** Liaison officers: the deputy groups they look after. */
  groupIds: string[];
  departmentId?: string;
  disabled: boolean;
  createdAt: Date;
}

export function toPublicUser(u: UserDoc): PublicUser {
  return {
    id: String(u._id),
    username: u.username,
    displayName: u.displayName,
    role: u.role,
    groupIds: (u.groupIds ?? []).map(String),
    ...(u.departmentId ? { departmentId: String(u.departmentId) } : {}),
    disabled: u.disabled,
    createdAt: u.createdAt,
  };
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A `department` user must name its unit; other roles carry none. */
function assertDepartmentFits(role: Role, departmentId: string | undefined): void {
  const needs = ROLES_NEEDING_DEPARTMENT.includes(role);
  if (needs && !departmentId) throw new ValidationError('承办单位用户必须指定所属单位', [{ field: 'body.departmentId', message: 'required for this role' }]);
  if (!needs && departmentId) throw new ValidationError('只有承办单位用户可以指定所属单位', [{ field: 'body.departmentId', message: 'only for the department role' }]);
}

function assertPasswordStrength(password: string, account: { username?: string; displayName?: string }, field = 'body.password'): void {
  const problem = passwordProblem(password, account);
  if (problem) throw new ValidationError('密码太弱：请用更长、不常见的密码（不要用用户名、重复或连续的字符）', [{ field, message: problem }]);
}

export async function createUser(
  input: { username: string; password: string; role: Role; displayName?: string; groupIds?: string[]; departmentId?: string },
  now: Date,
): Promise<PublicUser> {
  assertPasswordStrength(input.password, input);
  assertDepartmentFits(input.role, input.departmentId);
  try {
    const user = await UserModel.create({
      username: input.username,
      displayName: input.displayName ?? input.username,
      role: input.role,
      groupIds: (input.groupIds ?? []).map((id) => new Types.ObjectId(id)),
      ...(input.departmentId ? { departmentId: new Types.ObjectId(input.departmentId) } : {}),
      passwordHash: await hashPassword(input.password),
      createdAt: now,
      updatedAt: now,
    });
    return toPublicUser(user);
  } catch (err) {
    if ((err as { code?: number }).code === 11000) throw new ConflictError(`用户名 ${input.username} 已存在`, 'username_taken');
    throw err;
  }
}

export async function updateUser(
  id: string,
  changes: { role?: Role; displayName?: string; disabled?: boolean; password?: string; groupIds?: string[]; departmentId?: string | null },
  now: Date,
): Promise<PublicUser> {
  const set: Partial<UserDoc> = { updatedAt: now };
  const unset: Record<string, ''> = {};
  if (changes.role || changes.departmentId !== undefined) {
    const current = await UserModel.findById(id).lean();
    if (!current) throw new NotFoundError('用户不存在');
    const role = changes.role ?? current.role;
    const departmentId = changes.departmentId === undefined ? current.departmentId && String(current.departmentId) : changes.departmentId ?? undefined;
    assertDepartmentFits(role, departmentId);
    if (departmentId) set.departmentId = new Types.ObjectId(departmentId);
    else unset.departmentId = '';
  }
  if (changes.role) set.role = changes.role;
  if (changes.groupIds) set.groupIds = changes.groupIds.map((id) => new Types.ObjectId(id));
  if (changes.displayName) set.displayName = changes.displayName;
  if (changes.disabled !== undefined) set.disabled = changes.disabled;
  if (changes.password) {
    const existing = await UserModel.findById(id).select('username displayName').lean();
    assertPasswordStrength(changes.password, { username: existing?.username, displayName: changes.displayName ?? existing?.displayName });
    set.passwordHash = await hashPassword(changes.password);
  }
  const update = Object.keys(unset).length ? { $set: set, $unset: unset } : { $set: set };
  const user = await UserModel.findByIdAndUpdate(id, update, { returnDocument: 'after' });
  if (!user) throw new NotFoundError('用户不存在');
  // Disabling an account or changing its password ends its sessions.
  if (changes.disabled || changes.password) await revokeAllSessions(id, now);
  return toPublicUser(user);
}

export interface UserFilter {
  /** Substring of the username or display name. */
  q?: string;
  role?: Role;
  disabled?: boolean;
}

function userFilter(f: UserFilter): Record<string, unknown> {
  const filter: Record<string, unknown> = {};
  if (f.role) filter.role = f.role;
  if (f.disabled !== undefined) filter.disabled = f.disabled;
  if (f.q) {
    const re = { $regex: f.q.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), $options: 'i' };
    filter.$or = [{ username: re }, { displayName: re }];
  }
  return filter;
}

export async function listUsers(f: UserFilter = {}): Promise<PublicUser[]> {
  const users = await UserModel.find(userFilter(f)).sort({ username: 1 }).lean();
  return users.map(toPublicUser);
}

/** Who is who, for any signed-in staff member: names for author columns and people pickers; nothing else. */
export async function staffDirectory(f: UserFilter = {}): Promise<{ id: string; username: string; displayName: string; role: Role; disabled: boolean }[]> {
  return (await listUsers(f)).map(({ id, username, displayName, role, disabled }) => ({ id, username, displayName, role, disabled }));
}

/** The role of an active (not disabled) user, or undefined: for other modules that hand work to a person. */
export async function activeUserRole(id: string): Promise<Role | undefined> {
  if (!Types.ObjectId.isValid(id)) return undefined;
  const user = await UserModel.findOne({ _id: id, disabled: { $ne: true } }).select('role').lean();
  return user?.role;
}

export async function countUsers(): Promise<number> {
  return UserModel.estimatedDocumentCount();
}

export interface LoginResult {
  token: string;
  expiresAt: Date;
  user: PublicUser;
}

export async function login(
  username: string,
  password: string,
  ip: string,
  now: Date,
  policy: ThrottlePolicy & { tokenTtlMs: number; kind?: SessionKind },
): Promise<LoginResult> {
  // One spelling for the counters and the lookup, so padding or full-width letters cannot dodge the lock.
  const name = normalizeUsername(username);
  // Counted before the slow verify: parallel attempts each take a place in the count (a failure keeps it).
  const attempt = await countAttempt(name, ip, now, policy);
  const user = await UserModel.findOne({ username: name });
  const ok = user && !user.disabled ? await verifyPassword(user.passwordHash, password) : await dummyVerify(password);
  if (!user || !ok) throw new UnauthorizedError('用户名或密码错误', 'invalid_credentials');
  await recordSuccess(attempt);
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + policy.tokenTtlMs);
  await SessionModel.create({ tokenHash: hashToken(token), userId: user._id, expiresAt, createdAt: now, kind: policy.kind ?? 'bearer' });
  return { token, expiresAt, user: toPublicUser(user) };
}

export async function authenticate(token: string, now: Date): Promise<AuthenticatedUser | undefined> {
  const session = await SessionModel.findOne({ tokenHash: hashToken(token) }).lean();
  if (!session || session.revokedAt || session.expiresAt <= now) return undefined;
  const user = await UserModel.findById(session.userId).lean();
  if (!user || user.disabled) return undefined;
  return {
    id: String(user._id),
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    groupIds: (user.groupIds ?? []).map(String),
    ...(user.departmentId ? { departmentId: String(user.departmentId) } : {}),
    sessionId: String(session._id),
  };
}

export async function revokeSession(sessionId: string, now: Date): Promise<void> {
  await SessionModel.updateOne({ _id: new Types.ObjectId(sessionId) }, { $set: { revokedAt: now } });
}

export async function revokeAllSessions(userId: string, now: Date, options: { except?: string } = {}): Promise<void> {
  const filter: Record<string, unknown> = { userId: new Types.ObjectId(userId), revokedAt: { $exists: false } };
  if (options.except) filter._id = { $ne: new Types.ObjectId(options.except) };
  await SessionModel.updateMany(filter, { $set: { revokedAt: now } });
}

/**
 * A signed-in user changes their own password. The current password is checked under the same throttle as a
 * login (a stolen session must not become a password-guessing oracle); every other session of theirs ends.
 */
export async function changeOwnPassword(
  user: AuthenticatedUser,
  input: { currentPassword: string; newPassword: string },
  ip: string,
  now: Date,
  policy: ThrottlePolicy,
): Promise<void> {
  const attempt = await countAttempt(normalizeUsername(user.username), ip, now, policy);
  const doc = await UserModel.findById(user.id);
  if (!doc || !(await verifyPassword(doc.passwordHash, input.currentPassword))) {
    throw new ValidationError('当前密码不正确', [{ field: 'body.currentPassword', message: '当前密码不正确' }]);
  }
  await recordSuccess(attempt);
  if (input.newPassword === input.currentPassword) {
    throw new ValidationError('新密码不能与当前密码相同', [{ field: 'body.newPassword', message: '新密码不能与当前密码相同' }]);
  }
  assertPasswordStrength(input.newPassword, { username: doc.username, displayName: doc.displayName }, 'body.newPassword');
  await UserModel.updateOne({ _id: doc._id }, { $set: { passwordHash: await hashPassword(input.newPassword) } });
  await revokeAllSessions(user.id, now, { except: user.sessionId });
}
