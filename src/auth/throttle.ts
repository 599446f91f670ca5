/**
 * Login throttling: every attempt is counted atomically BEFORE the (slow) password check, so parallel attempts
 * cannot all slip past a check-then-count; over a limit is 429 until the lock expires. Three counters:
 * - username × address: the tight limit (LOGIN_MAX_FAILURES). A stranger guessing from one address locks only
 *   themselves out, not the account's owner elsewhere (six requests no longer lock anyone's account);
 * - username, from any address: a slower limit (10×), so guessing spread over many addresses still stops;
 * - address, for any username: 4× (several legitimate users may share one office NAT).
 * A success gives back its own count and clears the username's failures (never an active lock).
 * Kept in MongoDB so all instances share it. The username arrives normalised (normalizeUsername), the one
 * spelling both the counters and the account lookup use.
 */
import { LoginThrottleModel } from './models';
import { TooManyRequestsError } from '../errors';

export interface ThrottlePolicy {
  maxFailures: number;
  lockMs: number;
}

export interface AttemptKeys {
  pair: string;
  user: string;
  ip: string;
}

/** Account-wide failures (from all addresses) allowed per lock period, as a multiple of the per-address limit. */
export const ACCOUNT_WIDE_FACTOR = 10;
/** Failures one address may have across all usernames, as a multiple of the per-username limit. */
export const ADDRESS_FACTOR = 4;

/**
 * The one spelling of a username for throttling and lookup: Unicode-compatibility folded (full-width letters),
 * without surrounding or embedded white space, lower case. " Admin\t" and "ａｄｍｉｎ" are "admin".
 */
export function normalizeUsername(username: string): string {
  return username.normalize('NFKC').replace(/\s+/gu, '').toLowerCase();
}

function keys(username: string, ip: string): AttemptKeys {
  return { pair: `pair:${ip}|${username}`, user: `user:${username}`, ip: `ip:${ip}` };
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

/** Counts this attempt on all three counters and throws 429 when any is over its limit. */
export async function countAttempt(username: string, ip: string, now: Date, policy: ThrottlePolicy): Promise<AttemptKeys> {
  const k = keys(username, ip);
  const locks = await Promise.all([
    count(k.pair, policy.maxFailures, now, policy),
    count(k.user, policy.maxFailures * ACCOUNT_WIDE_FACTOR, now, policy),
    count(k.ip, policy.maxFailures * ADDRESS_FACTOR, now, policy),
  ]);
  const until = locks.filter((d): d is Date => d !== undefined).sort((a, b) => b.getTime() - a.getTime())[0];
  if (until) {
    throw new TooManyRequestsError('登录失败次数过多，请稍后再试', Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000)));
  }
  return k;
}

/** After a successful login: the username's failures are forgotten (unless locked) and the address gets its count back. */
export async function recordSuccess(k: AttemptKeys): Promise<void> {
  await Promise.all([
    LoginThrottleModel.deleteMany({ _id: { $in: [k.pair, k.user] }, lockedUntil: { $exists: false } }),
    LoginThrottleModel.updateOne({ _id: k.ip, lockedUntil: { $exists: false }, failures: { $gt: 0 } }, { $inc: { failures: -1 } }),
  ]);
}
