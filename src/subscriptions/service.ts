/**
 * Double opt-in for SMS news: a sign-up texts a 6-digit code to the number; typing it back makes the number a
 * subscriber. Nobody can subscribe someone else's phone, and a stranger can make it receive at most a few codes.
 */
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { Types } from 'mongoose';
import type { Clock } from '../clock';
import { BadRequestError, ConflictError, TooManyRequestsError } from '../errors';
import { createPublication } from '../publishing';
import { registerWorkflowKind } from '../content/workflow/registry';
import { subscribe, requireSubscriberPhone } from '../audiences/subscribers';
import { maskPhone } from '../audiences/phone';
import { optedOutAmong } from '../channels/sms';
import { SubscriptionNotice, SubscriptionRequest } from './models';

export const CODE_TTL_MS = 10 * 60_000;
/** One code per number per minute, five per 24 hours: enough for a typo, too few to pester someone. */
export const RESEND_AFTER_MS = 60_000;
export const SENDS_PER_DAY = 5;
export const MAX_FAILED_ATTEMPTS = 5;
const DAY_MS = 24 * 3_600_000;
const NOTICE_SLUG = 'sms-subscription-code';
const SYSTEM = new Types.ObjectId('000000000000000000000000');

let registered = false;
export function registerSubscriptionNoticeKind(): void {
  if (registered) return;
  registered = true;
  registerWorkflowKind({ kind: 'subscription', model: SubscriptionNotice, titleField: 'title', bodyField: 'body', label: '短信订阅验证码', editableFields: [] });
}

function hashCode(salt: string, code: string): string {
  return createHash('sha256').update(`${salt}:${code}`).digest('hex');
}

/** The one approved item every code is sent as (created on first use). */
async function noticeId(now: Date): Promise<string> {
  const doc = await SubscriptionNotice.findOneAndUpdate(
    { slug: NOTICE_SLUG },
    {
      $setOnInsert: {
        title: '短信订阅验证码',
        digest: '',
        body: '订阅短信资讯时发送的验证码',
        status: 'approved',
        version: 1,
        slug: NOTICE_SLUG,
        createdAt: now,
        updatedAt: now,
        createdBy: SYSTEM,
        updatedBy: SYSTEM,
        viewCount: 0,
        deletedAt: null,
      },
    },
    { upsert: true, returnDocument: 'after', lean: true },
  );
  return String(doc!._id);
}

export interface CodeRequested {
  status: 'pending';
  phone: string;
  expiresInSeconds: number;
  resendAfterSeconds: number;
  message: string;
}

export async function requestCode(clock: Clock, input: { phone: string; name?: string }): Promise<CodeRequested> {
  const phone = requireSubscriberPhone(input.phone);
  const now = clock.now();
  if ((await optedOutAmong([phone])).has(phone)) {
    throw new ConflictError('该号码曾回复 TD 退订全部短信，无法发送验证码。如需重新订阅，请联系本级人大办公室。', 'phone_opted_out');
  }
  const existing = await SubscriptionRequest.findById(phone).lean();
  if (existing && now.getTime() - existing.lastSentAt.getTime() < RESEND_AFTER_MS) {
    const wait = Math.ceil((RESEND_AFTER_MS - (now.getTime() - existing.lastSentAt.getTime())) / 1000);
    throw new TooManyRequestsError(`验证码已发送，请 ${wait} 秒后再试`, wait);
  }
  const windowOpen = existing && now.getTime() - existing.windowStart.getTime() < DAY_MS;
  if (windowOpen && existing.sendsInWindow >= SENDS_PER_DAY) {
    const wait = Math.ceil((existing.windowStart.getTime() + DAY_MS - now.getTime()) / 1000);
    throw new TooManyRequestsError('该号码今天获取验证码的次数已达上限，请明天再试', wait);
  }

  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const salt = randomBytes(16).toString('hex');
  // Claimed with the time it was read at, so two sign-ups at once cannot both pass the limits above.
  const claim = existing ? { _id: phone, lastSentAt: existing.lastSentAt } : { _id: phone };
  const set = {
    codeSalt: salt,
    codeHash: hashCode(salt, code),
    expiresAt: new Date(now.getTime() + CODE_TTL_MS),
    failedAttempts: 0,
    lastSentAt: now,
    sendsInWindow: windowOpen ? existing.sendsInWindow + 1 : 1,
    windowStart: windowOpen ? existing.windowStart : now,
    ...(input.name ? { name: input.name } : {}),
  };
  try {
    const res = await SubscriptionRequest.updateOne(claim, { $set: set, $setOnInsert: { createdAt: now } }, { upsert: !existing });
    if (existing && res.matchedCount === 0) throw new TooManyRequestsError('验证码已发送，请稍后再试', Math.ceil(RESEND_AFTER_MS / 1000));
  } catch (err) {
    if ((err as { code?: number }).code === 11000) throw new TooManyRequestsError('验证码已发送，请稍后再试', Math.ceil(RESEND_AFTER_MS / 1000));
    throw err;
  }

  const { publication } = await createPublication({
    kind: 'subscription',
    itemId: await noticeId(now),
    channels: ['sms'],
    sms: { notification: 'subscription_code', recipients: [{ phone, params: { code }, secret: ['code'] }] },
    createdBy: 'subscriptions',
  });
  await SubscriptionRequest.updateOne({ _id: phone, codeHash: set.codeHash }, { $set: { publicationId: String(publication._id) } });
  return {
    status: 'pending',
    phone: maskPhone(phone),
    expiresInSeconds: CODE_TTL_MS / 1000,
    resendAfterSeconds: RESEND_AFTER_MS / 1000,
    message: `验证码已发送至 ${maskPhone(phone)}，${CODE_TTL_MS / 60_000} 分钟内有效。`,
  };
}

function codeError(message: string, reason: 'wrong' | 'expired', attemptsLeft = 0): BadRequestError {
  return new BadRequestError(message, reason === 'wrong' ? 'invalid_code' : 'code_expired', { field: 'body.code', attemptsLeft });
}

/** Turns a correct code into a subscription (consent recorded now); a wrong one counts against the code. */
export async function confirmCode(clock: Clock, input: { phone: string; code: string }): Promise<{ phone: string; status: 'active' }> {
  const phone = requireSubscriberPhone(input.phone);
  const now = clock.now();
  const pending = await SubscriptionRequest.findById(phone).lean();
  if (!pending || pending.expiresAt.getTime() <= now.getTime() || pending.failedAttempts >= MAX_FAILED_ATTEMPTS) {
    throw codeError('验证码已失效，请重新获取', 'expired');
  }
  const given = Buffer.from(hashCode(pending.codeSalt, input.code), 'hex');
  if (!timingSafeEqual(given, Buffer.from(pending.codeHash, 'hex'))) {
    // Counted against this very code: a concurrent correct answer or a new code is not charged for it.
    await SubscriptionRequest.updateOne({ _id: phone, codeHash: pending.codeHash }, { $inc: { failedAttempts: 1 } });
    const left = MAX_FAILED_ATTEMPTS - pending.failedAttempts - 1;
    throw codeError(left > 0 ? `验证码不正确，还可以再试 ${left} 次` : '验证码不正确，已失效，请重新获取', left > 0 ? 'wrong' : 'expired', Math.max(0, left));
  }
  // Used once: whoever deletes it is the one confirmation.
  const used = await SubscriptionRequest.deleteOne({ _id: phone, codeHash: pending.codeHash });
  if (used.deletedCount !== 1) throw codeError('验证码已失效，请重新获取', 'expired');
  return subscribe(clock, { phone, name: pending.name, source: 'web' });
}
