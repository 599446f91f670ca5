/**
 * Login throttling: every attempt is counted atomically BEFORE the (slow) password check, per username and per
 * address, so parallel attempts cannot all slip past a check-then-count; over the limit is 429 until the lock
 * expires. A success gives back its own count and clears the username's failures (never an active lock).
 * Kept in MongoDB so all instances share it.
 */
import { LoginThrottleModel } from './models';
import { TooManyRequestsError } from '../errors';

export interface ThrottlePolicy {
  maxFailures: number;
  lockMs: number;
}

export interface AttemptKeys {
  user: string;
  ip: string;
}

function keys(username: string, ip: string): AttemptKeys {
  return { user: `user:${username.toLowerCase()}`, ip: `ip:${ip}` };
}

/** Counts one attempt on a key; returns when it is locked until (undefined when the attempt may go ahead). */
async function count(key: string, limit: number, now: Date, policy: ThrottlePolicy): Promise<Date | undefined> {
  // A lock that has run out starts a fresh count (the TTL monitor removes the record only eventually).
  await LoginThrottleModel.updateOne({ _id: key, lockedUntil: { $lte: now } }, { $set: { failures: 0 }, $unset: { lockedUntil: 1 } });
  const doc = await LoginThrottleModel.findOneAndUpdate(
    { _id: key },
    { $inc: { failures: 1 }, $max: { expiresAt: new Date(now.getTime() + policy.lockMs) } },
    { upsert: true, returnDocument: 'after' },
  ).lean();
  if (!doc || doc.failures <= limit) return undefined;
  if (doc.lockedUntil) return doc.lockedUntil;
  const lockedUntil = new Date(now.getTime() + policy.lockMs);
  // The first attempt over the limit sets the lock; concurrent ones read the lock it set.
  const locked = await LoginThrottleModel.findOneAndUpdate(
    { _id: key, lockedUntil: { $exists: false } },
    { $set: { lockedUntil, expiresAt: lockedUntil } },
    { returnDocument: 'after' },
  ).lean();
  return locked?.lockedUntil ?? (await LoginThrottleModel.findById(key).lean())?.lockedUntil ?? lockedUntil;
}

/**
 * Counts this attempt against the username and the address (the address limit is looser: several legitimate users
 * may share one office NAT) and throws 429 when either is over its limit.
 */
export async function countAttempt(username: string, ip: string, now: Date, policy: ThrottlePolicy): Promise<AttemptKeys> {
  const k = keys(username, ip);
  const [userLock, ipLock] = await Promise.all([
    count(k.user, policy.maxFailures, now, policy),
    count(k.ip, policy.maxFailures * 4, now, policy),
  ]);
  const until = [userLock, ipLock].filter((d): d is Date => d !== undefined).sort((a, b) => b.getTime() - a.getTime())[0];
  if (until) {
    throw new TooManyRequestsError('登录失败次数过多，请稍后再试', Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000)));
  }
  return k;
}

/** After a successful login: the username's failures are forgotten (unless locked) and the address gets its count back. */
export async function recordSuccess(k: AttemptKeys): Promise<void> {
  await Promise.all([
    LoginThrottleModel.deleteOne({ _id: k.user, lockedUntil: { $exists: false } }),
    LoginThrottleModel.updateOne({ _id: k.ip, lockedUntil: { $exists: false }, failures: { $gt: 0 } }, { $inc: { failures: -1 } }),
  ]);
}
