/** The partner registry: who the media partners are, whom to call, what they take, whether they want pushes. */
import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import { escapeRegex } from '../content/public-queries';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { revokeAllKeys } from './keys';
import { Partner, PARTNER_KIND_LABELS, PartnerKey, type PartnerDoc, type PartnerKind, type PartnerScope } from './models';
import type { PartnerBody, PartnerPatch } from './schemas';

export interface PartnerView {
  id: string;
  name: string;
  kind: PartnerKind;
  kindLabel: string;
  contact: PartnerDoc['contact'];
  note?: string;
  takes: PartnerScope;
  /** Never the secret: only whether one is set and since when. */
  push: { enabled: boolean; url?: string; secretSet: boolean; secretSetAt?: Date };
  active: boolean;
  activeKeys: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface RegistryOptions {
  /** Plain-http endpoints allowed (development, tests). */
  allowHttp: boolean;
}

function view(doc: PartnerDoc, activeKeys: number): PartnerView {
  return {
    id: String(doc._id),
    name: doc.name,
    kind: doc.kind,
    kindLabel: PARTNER_KIND_LABELS[doc.kind],
    contact: doc.contact,
    ...(doc.note ? { note: doc.note } : {}),
    takes: { kinds: doc.takes.kinds ?? [], regions: doc.takes.regions ?? [], topics: doc.takes.topics ?? [] },
    push: { enabled: !!doc.push?.enabled, url: doc.push?.url, secretSet: !!doc.push?.secret, secretSetAt: doc.push?.secretSetAt },
    active: doc.active,
    activeKeys,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}

async function activeKeyCounts(ids: Types.ObjectId[], now: Date): Promise<Map<string, number>> {
  const keys = await PartnerKey.find({ partnerId: { $in: ids }, revokedAt: null }, { partnerId: 1, expiresAt: 1 }).lean();
  const counts = new Map<string, number>();
  for (const k of keys) if (!k.expiresAt || k.expiresAt > now) counts.set(String(k.partnerId), (counts.get(String(k.partnerId)) ?? 0) + 1);
  return counts;
}

function toId(id: string): Types.ObjectId {
  return new Types.ObjectId(id);
}

export async function findPartner(id: string): Promise<PartnerDoc> {
  const doc = await Partner.findOne({ _id: toId(id), deletedAt: null }).lean();
  if (!doc) throw new NotFoundError('未找到该合作媒体');
  return doc;
}

export async function getPartner(id: string, now: Date): Promise<PartnerView> {
  const doc = await findPartner(id);
  return view(doc, (await activeKeyCounts([doc._id], now)).get(String(doc._id)) ?? 0);
}

export async function listPartners(query: { kind?: PartnerKind; q?: string }, now: Date): Promise<PartnerView[]> {
  const filter: Record<string, unknown> = { deletedAt: null };
  if (query.kind) filter.kind = query.kind;
  if (query.q) filter.name = new RegExp(escapeRegex(query.q), 'i');
  const docs = await Partner.find(filter).sort({ name: 1 }).lean();
  const counts = await activeKeyCounts(docs.map((d) => d._id), now);
  return docs.map((d) => view(d, counts.get(String(d._id)) ?? 0));
}

function checkEndpoint(url: string | undefined, options: RegistryOptions): void {
  if (url && !options.allowHttp && !url.startsWith('https://')) {
    throw new ValidationError('推送接收地址必须使用 https', [{ field: 'body.push.url', message: '必须以 https:// 开头' }]);
  }
}

async function checkNameFree(name: string, except?: Types.ObjectId): Promise<void> {
  const clash = await Partner.findOne({ name, deletedAt: null, ...(except ? { _id: { $ne: except } } : {}) }, { _id: 1 }).lean();
  if (clash) throw new ConflictError(`已有名为“${name}”的合作媒体`, 'partner_name_taken');
}

const newSecret = () => `whsec_${randomBytes(32).toString('base64url')}`;

/** Creates a partner; when push is on, a signing secret is made and returned this once. */
export async function createPartner(body: PartnerBody, by: string, now: Date, options: RegistryOptions): Promise<PartnerView & { pushSecret?: string }> {
  checkEndpoint(body.push?.url, options);
  await checkNameFree(body.name);
  const secret = body.push?.enabled ? newSecret() : undefined;
  const doc = await Partner.create({
    name: body.name,
    kind: body.kind,
    contact: body.contact,
    note: body.note,
    takes: body.takes,
    push: { enabled: !!body.push?.enabled, url: body.push?.url, ...(secret ? { secret, secretSetAt: now } : {}) },
    active: body.active ?? true,
    createdAt: now,
    updatedAt: now,
    createdBy: by,
  });
  return { ...view(doc.toObject(), 0), ...(secret ? { pushSecret: secret } : {}) };
}

export async function updatePartner(id: string, patch: PartnerPatch, now: Date, options: RegistryOptions): Promise<PartnerView & { pushSecret?: string }> {
  const doc = await findPartner(id);
  checkEndpoint(patch.push?.url, options);
  if (patch.name && patch.name !== doc.name) await checkNameFree(patch.name, doc._id);
  const set: Record<string, unknown> = { updatedAt: now };
  for (const field of ['name', 'kind', 'contact', 'note', 'takes', 'active'] as const) if (patch[field] !== undefined) set[field] = patch[field];
  let secret: string | undefined;
  if (patch.push) {
    set['push.enabled'] = patch.push.enabled;
    if (patch.push.url !== undefined) set['push.url'] = patch.push.url;
    if (patch.push.enabled && !doc.push?.secret) {
      secret = newSecret();
      set['push.secret'] = secret;
      set['push.secretSetAt'] = now;
    }
  }
  await Partner.updateOne({ _id: doc._id }, { $set: set });
  return { ...(await getPartner(id, now)), ...(secret ? { pushSecret: secret } : {}) };
}

/** A new signing secret (the old one stops signing at once: the partner switches on its side). */
export async function rotatePushSecret(id: string, now: Date): Promise<{ pushSecret: string; secretSetAt: Date }> {
  const doc = await findPartner(id);
  const pushSecret = newSecret();
  await Partner.updateOne({ _id: doc._id }, { $set: { 'push.secret': pushSecret, 'push.secretSetAt': now, updatedAt: now } });
  return { pushSecret, secretSetAt: now };
}

/** Removes a partner from the registry: its keys stop working at once; its column history stays for the reports. */
export async function removePartner(id: string, now: Date): Promise<void> {
  const doc = await findPartner(id);
  await revokeAllKeys(doc._id, now);
  await Partner.updateOne({ _id: doc._id }, { $set: { deletedAt: now, active: false, 'push.enabled': false, updatedAt: now } });
}

/** Whether a partner's scope takes an item with these fields (the same rule as the feed's query). */
export function takesItem(scope: PartnerScope, item: { kind: string; regionKeys: string[]; topics: string[] }): boolean {
  if (!scope.kinds.includes(item.kind as PartnerScope['kinds'][number])) return false;
  if (scope.regions.length && !scope.regions.some((r) => item.regionKeys.includes(r))) return false;
  if (scope.topics.length && !scope.topics.some((t) => item.topics.includes(t))) return false;
  return true;
}
