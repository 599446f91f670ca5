/**
 * Per-partner feed keys: 32 random bytes shown once, stored as a SHA-256 hash; revocable, rotatable (the old
 * key may keep working for a grace period so a newsroom can switch without a gap). A key is presented in the
 * URL (?key=…) or the X-Partner-Key header.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import { NotFoundError, UnauthorizedError, ForbiddenError } from '../errors';
import { Partner, PartnerKey, type PartnerDoc, type PartnerKeyDoc } from './models';

const KEY_PREFIX = 'lxp_';
/** lastUsedAt is written at most this often per key: a feed polled every minute should not write every minute. */
const LAST_USED_GRANULARITY_MS = 10 * 60_000;

export interface KeyView {
  id: string;
  label: string;
  prefix: string;
  createdAt: Date;
  createdBy: string;
  revokedAt: Date | null;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  /** active | expiring (rotated, in its grace period) | revoked | expired */
  state: 'active' | 'expiring' | 'revoked' | 'expired';
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function keyView(doc: PartnerKeyDoc, now: Date): KeyView {
  const state = doc.revokedAt ? 'revoked' : doc.expiresAt ? (doc.expiresAt <= now ? 'expired' : 'expiring') : 'active';
  return {
    id: String(doc._id),
    label: doc.label,
    prefix: doc.prefix,
    createdAt: doc.createdAt,
    createdBy: doc.createdBy,
    revokedAt: doc.revokedAt ?? null,
    expiresAt: doc.expiresAt ?? null,
    lastUsedAt: doc.lastUsedAt ?? null,
    state,
  };
}

async function requirePartner(partnerId: string): Promise<PartnerDoc> {
  const partner = await Partner.findOne({ _id: new Types.ObjectId(partnerId), deletedAt: null }).lean();
  if (!partner) throw new NotFoundError('未找到该合作媒体');
  return partner;
}

/** A new key for the partner; the only time the key itself is seen. */
export async function issueKey(partnerId: string, label: string | undefined, by: string, now: Date): Promise<{ key: string; view: KeyView }> {
  await requirePartner(partnerId);
  const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  const doc = await PartnerKey.create({
    partnerId: new Types.ObjectId(partnerId),
    label: label ?? '',
    prefix: key.slice(0, KEY_PREFIX.length + 6),
    hash: hashKey(key),
    createdAt: now,
    createdBy: by,
  });
  return { key, view: keyView(doc.toObject(), now) };
}

export async function listKeys(partnerId: string, now: Date): Promise<KeyView[]> {
  await requirePartner(partnerId);
  const docs = await PartnerKey.find({ partnerId: new Types.ObjectId(partnerId) }).sort({ createdAt: -1 }).lean();
  return docs.map((d) => keyView(d, now));
}

export async function revokeKey(partnerId: string, keyId: string, now: Date): Promise<KeyView> {
  const filter = { _id: new Types.ObjectId(keyId), partnerId: new Types.ObjectId(partnerId) };
  // Revoking twice keeps the first time.
  await PartnerKey.updateOne({ ...filter, revokedAt: null }, { $set: { revokedAt: now } });
  const doc = await PartnerKey.findOne(filter).lean();
  if (!doc) throw new NotFoundError('未找到该密钥');
  return keyView(doc, now);
}

/** A new key replacing this one; the old one stops now, or after `graceHours`. */
export async function rotateKey(partnerId: string, keyId: string, label: string | undefined, graceHours: number, by: string, now: Date): Promise<{ key: string; view: KeyView; previous: KeyView }> {
  const old = await PartnerKey.findOne({ _id: new Types.ObjectId(keyId), partnerId: new Types.ObjectId(partnerId) }).lean();
  if (!old) throw new NotFoundError('未找到该密钥');
  if (old.revokedAt || (old.expiresAt && old.expiresAt <= now)) throw new NotFoundError('该密钥已失效，请直接新建密钥', 'key_not_active');
  const issued = await issueKey(partnerId, label ?? old.label, by, now);
  const update = graceHours > 0 ? { expiresAt: new Date(now.getTime() + graceHours * 3_600_000) } : { revokedAt: now };
  const previous = await PartnerKey.findOneAndUpdate({ _id: old._id }, { $set: update }, { returnDocument: 'after' }).lean();
  return { ...issued, previous: keyView(previous!, now) };
}

/** Revokes every key of a partner (the partner was deleted). */
export async function revokeAllKeys(partnerId: Types.ObjectId, now: Date): Promise<void> {
  await PartnerKey.updateMany({ partnerId, revokedAt: null }, { $set: { revokedAt: now } });
}

/**
 * The partner a presented key belongs to. 401 for a missing or unknown key; 403 for a key that was revoked or
 * expired, or whose partner is switched off (the newsroom learns that access ended, not that it typed badly).
 */
export async function partnerForKey(key: string | undefined, now: Date): Promise<{ partner: PartnerDoc; keyId: string }> {
  if (!key) throw new UnauthorizedError('需要合作媒体密钥（URL 参数 key 或 X-Partner-Key 请求头）', 'partner_key_required');
  const doc = await PartnerKey.findOne({ hash: hashKey(key) }).lean();
  if (!doc) throw new UnauthorizedError('合作媒体密钥无效', 'partner_key_invalid');
  if (doc.revokedAt) throw new ForbiddenError('该密钥已被吊销，请联系人大宣传部门获取新密钥', 'partner_key_revoked');
  if (doc.expiresAt && doc.expiresAt <= now) throw new ForbiddenError('该密钥已过期（已轮换），请改用新密钥', 'partner_key_expired');
  const partner = await Partner.findOne({ _id: doc.partnerId, deletedAt: null }).lean();
  if (!partner) throw new ForbiddenError('该合作媒体已删除', 'partner_removed');
  if (!partner.active) throw new ForbiddenError('该合作媒体已停用', 'partner_inactive');
  if (!doc.lastUsedAt || now.getTime() - doc.lastUsedAt.getTime() > LAST_USED_GRANULARITY_MS) {
    await PartnerKey.updateOne({ _id: doc._id }, { $set: { lastUsedAt: now } });
  }
  return { partner, keyId: String(doc._id) };
}
