import mongoose, { Schema, type Types } from 'mongoose';
import { ROLES, type Role } from './roles';

export interface UserDoc {
  _id: Types.ObjectId;
  username: string;
  displayName: string;
  role: Role;
  /** Liaison officers (联络员): the deputy groups whose activities they record. */
  groupIds: Types.ObjectId[];
  /** For `department` users: the 承办单位 (src/suggestions) they act for. */
  departmentId?: Types.ObjectId;
  passwordHash: string;
  disabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

const userSchema = new Schema<UserDoc>(
  {
    // Login looks users up by username.
    username: { type: String, required: true, unique: true, trim: true, lowercase: true },
    displayName: { type: String, required: true, trim: true },
    role: { type: String, required: true, enum: ROLES },
    groupIds: { type: [Schema.Types.ObjectId], default: [] },
    departmentId: { type: Schema.Types.ObjectId },
    passwordHash: { type: String, required: true },
    disabled: { type: Boolean, default: false },
    // Set from the service clock, not by mongoose (which would read the wall clock).
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'users' },
);

export const UserModel = (mongoose.models.User as mongoose.Model<UserDoc>) ?? mongoose.model<UserDoc>('User', userSchema);

/** bearer: a token handed to a script; cookie: the console's httpOnly session cookie. */
export type SessionKind = 'bearer' | 'cookie';

/** A login session. Only a hash of the bearer token is stored, so a database leak does not leak sessions. */
export interface SessionDoc {
  _id: Types.ObjectId;
  tokenHash: string;
  kind?: SessionKind;
  userId: Types.ObjectId;
  expiresAt: Date;
  revokedAt?: Date;
  createdAt: Date;
}

const sessionSchema = new Schema<SessionDoc>(
  {
    // Every authenticated request looks its session up by token hash.
    tokenHash: { type: String, required: true, unique: true },
    userId: { type: Schema.Types.ObjectId, required: true, index: true },
    kind: { type: String, enum: ['bearer', 'cookie'] },
    // TTL: expired sessions disappear by themselves. The TTL monitor reads the database's wall clock, so it only
    // tidies up: whether a session has expired is decided by authenticate() against the service clock.
    expiresAt: { type: Date, required: true, index: { expireAfterSeconds: 0 } },
    revokedAt: { type: Date },
    createdAt: { type: Date, required: true },
  },
  { collection: 'sessions' },
);

export const SessionModel = (mongoose.models.Session as mongoose.Model<SessionDoc>) ?? mongoose.model<SessionDoc>('Session', sessionSchema);

/** Failed-login counters per username and per client address; shared by all instances. */
export interface LoginThrottleDoc {
  _id: string;
  failures: number;
  lockedUntil?: Date;
  expiresAt: Date;
}

const throttleSchema = new Schema<LoginThrottleDoc>(
  {
    _id: { type: String, required: true },
    failures: { type: Number, default: 0 },
    lockedUntil: { type: Date },
    // TTL: counters reset themselves after a quiet period (housekeeping by the database's wall clock; the lock
    // itself is judged against the service clock in throttle.ts).
    expiresAt: { type: Date, required: true, index: { expireAfterSeconds: 0 } },
  },
  { versionKey: false, collection: 'login_throttle' },
);

export const LoginThrottleModel =
  (mongoose.models.LoginThrottle as mongoose.Model<LoginThrottleDoc>) ?? mongoose.model<LoginThrottleDoc>('LoginThrottle', throttleSchema);
