/**
 * Login throttling: after N failures for a username (or from one address) further attempts are refused
 * with 429 until the lock expires. Kept in MongoDB so all instances share it.
 */
import { LoginThrottleModel } from './models';
import { TooManyRequestsError } from '../errors';

export interface ThrottlePolicy {
  maxFailures: number;
  lockMs: number;
}

function keys(username: string, ip: string): string[] {
  // The address limit is looser: several legitimate users may share one office NAT.
  return [`user:${username.toLowerCase()}`, `ip:${ip}`];
}

export async function assertNotThrottled(username: string, ip: string, now: Date): Promise<void> {
  const locked = await LoginThrottleModel.findOne({ _id: { $in: keys(username, ip) }, lockedUntil: { $gt: now } }).lean();
  if (locked?.lockedUntil) {
    throw new TooManyRequestsError('登录失败次数过多，请稍后再试', Math.ceil((locked.lockedUntil.getTime() - now.getTime()) / 1000));
  }
}

export async function recordFailure(username: string, ip: string, now: Date, policy: ThrottlePolicy): Promise<void> {
  const [userKey, ipKey] = keys(username, ip);
  for (const [key, limit] of [[userKey, policy.maxFailures], [ipKey, policy.maxFailures * 4]] as const) {
    const doc = await LoginThrottleModel.findOneAndUpdate(
      { _id: key },
      { $inc: { failures: 1 }, $set: { expiresAt: new Date(now.getTime() + policy.lockMs) } },
      { upsert: true, returnDocument: 'after' },
    );
    if (doc && doc.failures >= limit) {
      await LoginThrottleModel.updateOne({ _id: key }, { $set: { lockedUntil: new Date(now.getTime() + policy.lockMs), failures: 0 } });
    }
  }
}

export async function clearFailures(username: string): Promise<void> {
  await LoginThrottleModel.deleteOne({ _id: `user:${username.toLowerCase()}` });
}
