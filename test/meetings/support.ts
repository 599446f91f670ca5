/** Fixtures for the meetings suites: deputies and groups written through the content models, meetings through HTTP. */
import { Types } from 'mongoose';
import { Deputy } from '../../src/content/models/deputy';
import { DeputyGroup } from '../../src/content/models/deputy-group';
import { CaseStudy } from '../../src/content/models/case-study';
import { Publication, type PublicationDoc } from '../../src/publishing/models/publication';
import { Delivery } from '../../src/publishing/models/delivery';
import { OutboxMessageModel } from '../../src/channels/sms/outbox/model';
import { loadSmsTemplates } from '../../src/channels/sms/templates';
import { startFakeTencentSms, type FakeTencentSms } from '../fakes/tencent-sms';
import { startTestApp, type TestApp } from '../support/app';
import type { TestClock } from '../support/clock';
import { waitFor } from '../publishing/support/fixtures';

const SYSTEM_USER = new Types.ObjectId();

export const HOUR = 3_600_000;

export function phoneOf(i: number): string {
  return `139${String(i).padStart(8, '0')}`;
}

function base(at: Date) {
  return { status: 'published', version: 1, createdBy: SYSTEM_USER, updatedBy: SYSTEM_USER, createdAt: at, updatedAt: at, publishedAt: at };
}

/** `count` published deputies with phones 139000000<from+i>; returns their ids. */
export async function seedDeputies(count: number, from = 0): Promise<string[]> {
  const at = new Date();
  const rows = Array.from({ length: count }, (_, i) => ({
      ...base(at),
      name: `代表${from + i}`,
      level: 'county',
      slug: `deputy-${new Types.ObjectId().toHexString()}`,
      phones: [phoneOf(from + i)],
    }));
  const docs = (await Deputy.insertMany(rows as never[])) as unknown as Array<{ _id: Types.ObjectId }>;
  return docs.map((d) => String(d._id));
}

export async function seedGroup(name: string, memberIds: string[], extraMemberWithoutProfile = true): Promise<string> {
  const members = memberIds.map((id, i) => ({ name: `组员${i}`, deputyId: new Types.ObjectId(id) }));
  if (extraMemberWithoutProfile) members.push({ name: '无档案组员' } as never);
  const g = (await DeputyGroup.create({ ...base(new Date()), name, slug: `group-${new Types.ObjectId().toHexString()}`, members } as never)) as unknown as { _id: Types.ObjectId };
  return String(g._id);
}

export async function seedCase(title: string): Promise<string> {
  const c = (await CaseStudy.create({ ...base(new Date()), title, caseKind: 'group_activity', slug: `case-${new Types.ObjectId().toHexString()}` } as never)) as unknown as { _id: Types.ObjectId };
  return String(c._id);
}

export function meetingBody(start: Date, overrides: Record<string, unknown> = {}) {
  return {
    title: '代表小组活动经验交流会',
    theme: '推广代表小组活动模式',
    startsAt: start.toISOString(),
    endsAt: new Date(start.getTime() + 2 * HOUR).toISOString(),
    venue: '区人大常委会三楼会议室',
    address: '东湖区人民路1号',
    agenda: [{ time: '14:30', title: '典型发言', speaker: '代表0' }],
    ...overrides,
  };
}

/** Creates and announces a meeting; returns its id and the announce response. */
export async function announced(app: TestApp, token: string, body: Record<string, unknown>) {
  const created = await app.request('POST', '/api/admin/meetings', { token, body });
  if (created.status !== 201) throw new Error(`create failed: ${created.status} ${created.text}`);
  const res = await app.request('POST', `/api/admin/meetings/${created.body.id}/announce`, { token, body: { version: created.body.version } });
  if (res.status !== 200) throw new Error(`announce failed: ${res.status} ${res.text}`);
  return { id: created.body.id as string, announce: res.body };
}

export interface SentSms {
  phone: string;
  notification: string;
  values: Record<string, string>;
}

/** Where a test reads the texts people received: the outbox provider's records, or a fake provider's. */
export type Inbox = () => Promise<Array<{ deliveryId: string; phone: string; values: Record<string, string> }>>;

export const outboxInbox: Inbox = async () =>
  (await OutboxMessageModel.find().lean()).map((m) => ({ deliveryId: m.deliveryId, phone: m.phone, values: m.values }));

/** Tencent sends template values in template order; the delivery id rides in SessionContext. */
export function tencentInbox(fake: FakeTencentSms): Inbox {
  const templates = loadSmsTemplates();
  const byId = new Map(Object.values(templates).map((t) => [t.tencent, t.params.map((p) => p.name)]));
  return async () =>
    fake.state.sends.map((s) => ({
      deliveryId: s.sessionContext ?? '',
      phone: s.phone,
      values: Object.fromEntries((byId.get(s.templateId) ?? []).map((name, i) => [name, s.params[i]])),
    }));
}

/**
 * The texts about a meeting, personal links included, once its publications are planned and no batch is mid-send:
 * what reached the provider is read from the provider (our records drop a personal link once it has gone out);
 * what has not gone yet (a batch held back by a frequency limit, a failed number) from the delivery records.
 */
export async function requestedSms(meetingId: string, notification?: string, inbox: Inbox = outboxInbox): Promise<SentSms[]> {
  const filter: Record<string, unknown> = { kind: 'meeting', itemId: meetingId, ...(notification ? { 'sms.notification': notification } : {}) };
  const { pubs, deliveries } = await waitFor(`the meeting's texts (${notification ?? 'all'}) planned and not mid-send`, async () => {
    const pubs = await Publication.find(filter as never).lean<PublicationDoc[]>();
    if (!pubs.length || pubs.some((p) => ['pending', 'planning'].includes(p.status))) return false;
    const deliveries = await Delivery.find({ publicationId: { $in: pubs.map((p) => p._id) }, channel: 'sms' }).lean();
    if (deliveries.some((d) => ['planned', 'sending'].includes(d.status))) return false;
    return { pubs, deliveries };
  }, 60_000);
  const notificationOf = new Map(deliveries.map((d) => [String(d._id), pubs.find((p) => String(p._id) === String(d.publicationId))!.sms!]));
  const national = (phone: string) => phone.replace(/^\+86/, '');
  const reached = (await inbox())
    .filter((m) => notificationOf.has(m.deliveryId))
    .map((m) => ({ phone: national(m.phone), notification: notificationOf.get(m.deliveryId)!.notification, values: m.values }));
  const pendingOnes = deliveries.flatMap((d) =>
    d.recipients
      .filter((r) => !['sent', 'delivered'].includes(r.status))
      .map((r) => ({ phone: national(r.recipient), notification: notificationOf.get(String(d._id))!.notification, values: { ...notificationOf.get(String(d._id))!.params, ...r.params } })),
  );
  return [...reached, ...pendingOnes];
}

export async function meetingPublications(app: TestApp, token: string, meetingId: string) {
  const res = await app.request('GET', `/api/admin/publications?kind=meeting&itemId=${meetingId}&pageSize=100`, { token });
  if (res.status !== 200) throw new Error(`publications: ${res.status} ${res.text}`);
  return res.body.items as Array<{ id: string; channels: string[]; sms?: { notification: string; params: Record<string, string> }; audience: Record<string, unknown> }>;
}

export function tokenOf(link: string): string {
  return link.split('/r/')[1];
}

/** The provider-side id of each SMS template (what the fake Tencent server records), from the template mapping. */
export const TENCENT_TEMPLATE = Object.fromEntries(Object.entries(loadSmsTemplates()).map(([kind, t]) => [kind, t.tencent])) as Record<keyof ReturnType<typeof loadSmsTemplates>, string>;

/** The app on `clock` with the fake Tencent SMS server as its provider, and an organizer's token. */
export async function startMeetingsAppWithTencent(clock: TestClock, name: string): Promise<{ app: TestApp; sms: FakeTencentSms; organizer: string }> {
  const sms = await startFakeTencentSms();
  const app = await startTestApp({
    clock,
    name,
    env: { SMS_PROVIDER: 'tencent', SMS_ENDPOINT: sms.url, TENCENT_SECRET_ID: 'AKIDfake', TENCENT_SECRET_KEY: 'k', TENCENT_SMS_APP_ID: '1400000000' },
  });
  const organizer = (await app.loginAs('organizer')).token;
  return { app, sms, organizer };
}
