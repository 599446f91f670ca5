/**
 * The connected Weibo account: its OAuth2 token and expiry, kept in MongoDB so every instance uses the one token
 * (Weibo gives ordinary web apps no refresh token: when it expires an admin connects again), plus the
 * single-use `state` values of authorisations in progress. Expiry is kept and compared on the service clock
 * (connected at now + Weibo's expires_in), so status, posting and the expiry warning agree with each other.
 */
import mongoose, { Schema } from 'mongoose';

export interface WeiboConnectionDoc {
  /** Always "account": one Weibo account per installation. */
  _id: string;
  accessToken?: string;
  uid?: string;
  expiresAt?: Date;
  connectedAt?: Date;
  connectedBy?: string;
  /** Weibo refused the token (expired/revoked) before its expiry: reconnect needed. */
  rejectedAt?: Date;
  /** Set by the expiry job when the token runs out within the warning window; cleared on reconnect. */
  expiryWarnedAt?: Date;
}

const connectionSchema = new Schema<WeiboConnectionDoc>(
  {
    _id: { type: String, required: true },
    accessToken: String,
    uid: String,
    expiresAt: Date,
    connectedAt: Date,
    connectedBy: String,
    rejectedAt: Date,
    expiryWarnedAt: Date,
  },
  { versionKey: false, collection: 'weibo_connection' },
);

export const WeiboConnectionModel =
  (mongoose.models.WeiboConnection as mongoose.Model<WeiboConnectionDoc>) ?? mongoose.model<WeiboConnectionDoc>('WeiboConnection', connectionSchema);

const ACCOUNT = 'account';

interface OAuthStateDoc {
  _id: string;
  createdBy: string;
  expiresAt: Date;
}

const stateSchema = new Schema<OAuthStateDoc>(
  { _id: { type: String, required: true }, createdBy: { type: String, required: true }, expiresAt: { type: Date, required: true } },
  { versionKey: false, collection: 'weibo_oauth_states' },
);
// Expired states are removed by MongoDB; validity is still checked on use (the TTL monitor runs once a minute).
stateSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export const WeiboOAuthStateModel =
  (mongoose.models.WeiboOAuthState as mongoose.Model<OAuthStateDoc>) ?? mongoose.model<OAuthStateDoc>('WeiboOAuthState', stateSchema);

export async function readConnection(): Promise<WeiboConnectionDoc | undefined> {
  return (await WeiboConnectionModel.findById(ACCOUNT).lean()) ?? undefined;
}

export async function saveConnection(c: { accessToken: string; uid: string; expiresAt: Date; connectedAt: Date; connectedBy: string }): Promise<void> {
  await WeiboConnectionModel.updateOne({ _id: ACCOUNT }, { $set: c, $unset: { rejectedAt: 1, expiryWarnedAt: 1 } }, { upsert: true });
}

/** Weibo refused this token: remember it so status shows "reconnect" (only if it is still the stored one). */
export async function markTokenRejected(accessToken: string, at: Date): Promise<void> {
  await WeiboConnectionModel.updateOne({ _id: ACCOUNT, accessToken }, { $set: { rejectedAt: at } });
}

export async function markExpiryWarned(at: Date): Promise<void> {
  await WeiboConnectionModel.updateOne({ _id: ACCOUNT }, { $set: { expiryWarnedAt: at } });
}

/** The token to post with, or undefined when none is usable (never connected, expired by wall clock, rejected). */
export async function usableToken(now: Date): Promise<string | undefined> {
  const c = await readConnection();
  if (!c?.accessToken || c.rejectedAt || !c.expiresAt || c.expiresAt.getTime() <= now.getTime()) return undefined;
  return c.accessToken;
}

export async function createOAuthState(state: string, createdBy: string, expiresAt: Date): Promise<void> {
  await WeiboOAuthStateModel.create({ _id: state, createdBy, expiresAt });
}

/** Consumes a state: true once, for an unexpired state; any later use (or a forged one) is false. */
export async function consumeOAuthState(state: string, now: Date): Promise<{ createdBy: string } | undefined> {
  const doc = await WeiboOAuthStateModel.findOneAndDelete({ _id: state }).lean();
  if (!doc || doc.expiresAt.getTime() <= now.getTime()) return undefined;
  return { createdBy: doc.createdBy };
}

/** Warn this long before the token runs out: an admin needs time to find the account's password. */
export const EXPIRY_WARNING_MS = 7 * 24 * 3_600_000;

export interface WeiboConnectionStatus {
  connected: boolean;
  uid?: string;
  connectedAt?: Date;
  connectedBy?: string;
  expiresAt?: Date;
  /** Runs out within EXPIRY_WARNING_MS: the console shows a warning. */
  expiresSoon: boolean;
  expired: boolean;
  /** Weibo refused the token before its expiry (revoked, password changed…). */
  rejected: boolean;
  reconnectNeeded: boolean;
  expiryWarnedAt?: Date;
}

export function connectionStatus(c: WeiboConnectionDoc | undefined, now: Date): WeiboConnectionStatus {
  const expiresAt = c?.expiresAt;
  const expired = !!expiresAt && expiresAt.getTime() <= now.getTime();
  const rejected = !!c?.rejectedAt;
  const connected = !!c?.accessToken && !expired && !rejected;
  return {
    connected,
    ...(c?.uid ? { uid: c.uid } : {}),
    ...(c?.connectedAt ? { connectedAt: c.connectedAt } : {}),
    ...(c?.connectedBy ? { connectedBy: c.connectedBy } : {}),
    ...(expiresAt ? { expiresAt } : {}),
    expiresSoon: connected && !!expiresAt && expiresAt.getTime() - now.getTime() <= EXPIRY_WARNING_MS,
    expired,
    rejected,
    reconnectNeeded: !connected,
    ...(c?.expiryWarnedAt ? { expiryWarnedAt: c.expiryWarnedAt } : {}),
  };
}
