/** Reading publications and deliveries for people, and the one change a person makes to a publication: cancelling it. */
import { Types } from 'mongoose';
import { ConflictError, NotFoundError } from '../errors';
import type { Page } from '../http/schemas';
import { maskPhone } from '../audiences/phone';
import { Publication, PUBLICATION_STATUS_LABELS, type PublicationDoc, type PublicationStatus } from './models/publication';
import { Delivery, DELIVERY_STATUS_LABELS, type DeliveryDoc, type DeliveryRecipient } from './models/delivery';
import { publishingRuntime } from './runtime';
import { markItemUnscheduled } from './items';

export interface DeliveryView {
  id: string;
  channel: string;
  batchIndex: number;
  round: number;
  retryOf?: string;
  supersededBy?: string;
  idempotencyKey: string;
  status: DeliveryDoc['status'];
  statusLabel: string;
  attempts: number;
  maxAttempts: number;
  nextAttemptAt?: Date;
  waitingForMicrosite: boolean;
  lastAttemptAt?: Date;
  settledAt?: Date;
  providerIds: Record<string, string>;
  error: DeliveryDoc['error'];
  recipientCount: number;
  /** Recipients per status (queued, sent, delivered, failed, skipped, unknown). */
  recipients: Record<string, number>;
  /** A few failed recipients with the provider's reason; the full list is paged at /api/admin/deliveries/:id/recipients. */
  failedRecipients: Array<{ recipient: string; errorCode?: string; errorMessage?: string }>;
  /** A few recipients in doubt with the evidence (hand-off time, request id, what the provider's records said). */
  unknownRecipients: Array<{ recipient: string; errorCode?: string; errorMessage?: string }>;
  actions: DeliveryDoc['actions'];
}

export interface PublicationView {
  id: string;
  kind: string;
  itemId: string;
  title: string;
  channels: string[];
  status: PublicationStatus;
  statusLabel: string;
  audience: Record<string, unknown>;
  sms?: PublicationDoc['sms'];
  wechat?: PublicationDoc['wechat'];
  scheduledAt?: Date;
  dueAt: Date;
  startedAt?: Date;
  finishedAt?: Date;
  cancelledAt?: Date;
  audienceSummary?: PublicationDoc['audienceSummary'];
  deliveryCounts: Record<string, number>;
  createdBy: string;
  createdAt: Date;
  deliveries?: DeliveryView[];
}

/** Explicit recipient lists can be long and hold private numbers: show their size only. */
function audienceForView(audience: PublicationDoc['audience']): Record<string, unknown> {
  const { recipients, ...rest } = audience ?? {};
  return recipients ? { ...rest, recipients: { count: recipients.length } } : rest;
}

function toPublicationView(p: PublicationDoc): PublicationView {
  return {
    id: String(p._id),
    kind: p.kind,
    itemId: p.itemId,
    title: p.title,
    channels: p.channels,
    status: p.status,
    statusLabel: PUBLICATION_STATUS_LABELS[p.status],
    audience: audienceForView(p.audience),
    sms: p.sms,
    wechat: p.wechat,
    scheduledAt: p.scheduledAt,
    dueAt: p.dueAt,
    startedAt: p.startedAt,
    finishedAt: p.finishedAt,
    cancelledAt: p.cancelledAt,
    audienceSummary: p.audienceSummary,
    deliveryCounts: p.deliveryCounts ?? {},
    createdBy: p.createdBy,
    createdAt: p.createdAt,
  };
}

export function showRecipient(recipient: string, reveal: boolean): string {
  return reveal || !recipient.startsWith('+86') ? recipient : maskPhone(recipient);
}

function toDeliveryView(d: DeliveryDoc, reveal: boolean): DeliveryView {
  const counts: Record<string, number> = {};
  const failed: DeliveryView['failedRecipients'] = [];
  const unknown: DeliveryView['unknownRecipients'] = [];
  for (const r of d.recipients ?? []) {
    counts[r.status] = (counts[r.status] ?? 0) + 1;
    if (r.status === 'failed' && failed.length < 20) {
      failed.push({ recipient: showRecipient(r.recipient, reveal), errorCode: r.errorCode, errorMessage: r.errorMessage });
    }
    if (r.status === 'unknown' && unknown.length < 20) {
      unknown.push({ recipient: showRecipient(r.recipient, reveal), errorCode: r.errorCode, errorMessage: r.errorMessage });
    }
  }
  const open = d.status === 'queued' || d.status === 'planned';
  return {
    id: String(d._id),
    channel: d.channel,
    batchIndex: d.batchIndex,
    round: d.round ?? 1,
    retryOf: d.retryOf ? String(d.retryOf) : undefined,
    supersededBy: d.supersededBy ? String(d.supersededBy) : undefined,
    idempotencyKey: d.idempotencyKey,
    status: d.status,
    statusLabel: DELIVERY_STATUS_LABELS[d.status],
    attempts: d.attempts,
    maxAttempts: d.maxAttempts,
    nextAttemptAt: open ? d.nextAttemptAt : undefined,
    waitingForMicrosite: d.waitFor === 'microsite',
    lastAttemptAt: d.lastAttemptAt,
    settledAt: d.settledAt,
    providerIds: d.providerIds ?? {},
    error: d.error ?? null,
    recipientCount: d.recipientCount,
    recipients: counts,
    failedRecipients: failed,
    unknownRecipients: unknown,
    actions: d.actions ?? [],
  };
}

export async function getPublicationView(id: string, options: { revealPhones?: boolean } = {}): Promise<PublicationView> {
  if (!Types.ObjectId.isValid(id)) throw new NotFoundError('发布记录不存在');
  const p = await Publication.findById(id).lean();
  if (!p) throw new NotFoundError('发布记录不存在');
  const deliveries = await Delivery.find({ publicationId: p._id })
    .select('-recipients.params -recipients.name')
    .sort({ channel: 1, batchIndex: 1, round: 1 })
    .lean();
  return { ...toPublicationView(p), deliveries: deliveries.map((d) => toDeliveryView(d, !!options.revealPhones)) };
}

export interface PublicationFilter {
  status?: PublicationStatus;
  kind?: string;
  itemId?: string;
  channel?: string;
  from?: Date;
  to?: Date;
  page: number;
  pageSize: number;
}

export async function listPublications(filter: PublicationFilter): Promise<Page<PublicationView>> {
  const query: Record<string, unknown> = {};
  if (filter.status) query.status = filter.status;
  if (filter.kind) query.kind = filter.kind;
  if (filter.itemId) query.itemId = filter.itemId;
  if (filter.channel) query.channels = filter.channel;
  if (filter.from || filter.to) query.createdAt = { ...(filter.from ? { $gte: filter.from } : {}), ...(filter.to ? { $lt: filter.to } : {}) };
  const [rows, total] = await Promise.all([
    Publication.find(query)
      .select('-audience.recipients.params')
      .sort({ createdAt: -1, _id: -1 })
      .skip((filter.page - 1) * filter.pageSize)
      .limit(filter.pageSize)
      .lean(),
    Publication.countDocuments(query),
  ]);
  return { items: rows.map(toPublicationView), page: filter.page, pageSize: filter.pageSize, total };
}

export async function listDeliveryRecipients(
  deliveryId: string,
  filter: { status?: string; page: number; pageSize: number; revealPhones: boolean },
): Promise<Page<Omit<DeliveryRecipient, 'params'>>> {
  if (!Types.ObjectId.isValid(deliveryId)) throw new NotFoundError('投递记录不存在');
  const d = await Delivery.findById(deliveryId).select('recipients').lean();
  if (!d) throw new NotFoundError('投递记录不存在');
  const all = (d.recipients ?? []).filter((r) => !filter.status || r.status === filter.status);
  const items = all.slice((filter.page - 1) * filter.pageSize, filter.page * filter.pageSize).map(({ params: _params, ...r }) => ({
    ...r,
    recipient: showRecipient(r.recipient, filter.revealPhones),
  }));
  return { items, page: filter.page, pageSize: filter.pageSize, total: all.length };
}

/** A scheduled or pending publication can be cancelled until a worker starts it; after that, 409. */
export async function cancelPublication(id: string, by: string): Promise<PublicationView> {
  if (!Types.ObjectId.isValid(id)) throw new NotFoundError('发布记录不存在');
  const now = publishingRuntime().clock.now();
  const updated = await Publication.findOneAndUpdate(
    { _id: id, status: { $in: ['scheduled', 'pending'] } },
    { $set: { status: 'cancelled', cancelledAt: now, cancelledBy: by, finishedAt: now, updatedAt: now } },
    { returnDocument: 'after' },
  ).lean();
  if (!updated) {
    const current = await Publication.findById(id).select('status').lean();
    if (!current) throw new NotFoundError('发布记录不存在');
    if (current.status === 'cancelled') return getPublicationView(id);
    throw new ConflictError(`发布已开始（${PUBLICATION_STATUS_LABELS[current.status]}），无法取消`, 'publication_started', { status: current.status });
  }
  if (updated.channels.includes('microsite')) {
    const another = await Publication.exists({
      kind: updated.kind,
      itemId: updated.itemId,
      channels: 'microsite',
      status: { $in: ['scheduled', 'pending', 'planning', 'sending'] },
    });
    if (!another) await markItemUnscheduled(updated.kind, updated.itemId);
  }
  return getPublicationView(id);
}

export interface PublicationOutcome {
  status: PublicationStatus;
  /** A meeting's cancellation or move withdrew it before anything went out. */
  withdrawn: boolean;
  reason?: string;
}

/** For other modules: where each publication stands, and whether a withdrawal stopped it. */
export async function publicationOutcomes(ids: string[]): Promise<Map<string, PublicationOutcome>> {
  const valid = ids.filter((id) => Types.ObjectId.isValid(id));
  if (!valid.length) return new Map();
  const [pubs, withdrawnBatches] = await Promise.all([
    Publication.find({ _id: { $in: valid } }).select('status error').lean(),
    Delivery.find({ publicationId: { $in: valid }, 'error.code': 'withdrawn' }).select('publicationId error').lean(),
  ]);
  const batchReason = new Map(withdrawnBatches.map((d) => [String(d.publicationId), d.error?.message]));
  return new Map(
    pubs.map((p) => {
      const reason = p.error?.code === 'withdrawn' ? p.error.message : batchReason.get(String(p._id));
      const withdrawn = p.status === 'cancelled' && reason !== undefined;
      return [String(p._id), { status: p.status, withdrawn, ...(withdrawn ? { reason } : {}) }];
    }),
  );
}

/** Where one recipient's SMS stands, for other modules (a meeting's invitations). */
export interface RecipientDelivery {
  publicationId: string;
  status: DeliveryRecipient['status'] | 'cancelled';
  errorCode?: string;
  errorMessage?: string;
}

/**
 * Per publication, per SMS recipient (E.164), what the current round says. A batch withdrawn or cancelled
 * before it went out counts as 'cancelled' for those it had not reached.
 */
export async function smsRecipientDeliveries(publicationIds: string[]): Promise<Map<string, Map<string, RecipientDelivery>>> {
  const valid = [...new Set(publicationIds)].filter((id) => Types.ObjectId.isValid(id));
  const out = new Map<string, Map<string, RecipientDelivery>>();
  if (!valid.length) return out;
  const rows = await Delivery.find({ publicationId: { $in: valid }, channel: 'sms', supersededBy: null })
    .select('publicationId status recipients.recipient recipients.status recipients.errorCode recipients.errorMessage')
    .lean();
  for (const d of rows) {
    const byPhone = out.get(String(d.publicationId)) ?? new Map<string, RecipientDelivery>();
    out.set(String(d.publicationId), byPhone);
    for (const r of d.recipients ?? []) {
      const unreached = r.status === 'queued' || r.status === 'deferred';
      byPhone.set(r.recipient, {
        publicationId: String(d.publicationId),
        status: d.status === 'cancelled' && unreached ? 'cancelled' : r.status,
        ...(r.errorCode ? { errorCode: r.errorCode } : {}),
        ...(r.errorMessage ? { errorMessage: r.errorMessage } : {}),
      });
    }
  }
  return out;
}

/** Publications waiting for their time, soonest first. */
export async function upcomingPublications(limit: number): Promise<PublicationView[]> {
  const rows = await Publication.find({ status: 'scheduled' }).select('-audience.recipients.params').sort({ dueAt: 1, _id: 1 }).limit(limit).lean();
  return rows.map(toPublicationView);
}

export interface DeliveryProblem {
  deliveryId: string;
  publicationId: string;
  kind: string;
  itemId: string;
  title: string;
  channel: string;
  status: 'failed' | 'unknown';
  statusLabel: string;
  error: DeliveryDoc['error'];
  recipientCount: number;
  settledAt?: Date;
  /** What a person may do next (POST /api/admin/deliveries/:id/retry with one of these). */
  actions: string[];
}

/**
 * Deliveries that failed or whose outcome is in doubt (`unknown`: interrupted, the provider could not say), settled
 * since `since`, that no later round has taken over — the ones a person still has to decide about.
 */
export async function deliveryProblems(since: Date, limit: number): Promise<DeliveryProblem[]> {
  const rows = await Delivery.find({ status: { $in: ['failed', 'unknown'] }, supersededBy: null, settledAt: { $gte: since } })
    .select('publicationId channel status error recipientCount settledAt')
    .sort({ settledAt: -1, _id: -1 })
    .limit(limit)
    .lean();
  const pubs = await Publication.find({ _id: { $in: [...new Set(rows.map((r) => String(r.publicationId)))].map((id) => new Types.ObjectId(id)) } })
    .select('kind itemId title')
    .lean();
  const byId = new Map(pubs.map((p) => [String(p._id), p]));
  return rows.map((d) => {
    const p = byId.get(String(d.publicationId));
    const status = d.status as 'failed' | 'unknown';
    return {
      deliveryId: String(d._id),
      publicationId: String(d.publicationId),
      kind: p?.kind ?? '',
      itemId: p?.itemId ?? '',
      title: p?.title ?? '',
      channel: d.channel,
      status,
      statusLabel: DELIVERY_STATUS_LABELS[status],
      error: d.error ?? null,
      recipientCount: d.recipientCount,
      settledAt: d.settledAt,
      actions: status === 'unknown' ? ['resend', 'mark_sent'] : ['retry'],
    };
  });
}

export interface PartnerDeliveryView {
  deliveryId: string;
  publicationId: string;
  kind: string;
  itemId: string;
  title: string;
  status: DeliveryDoc['status'];
  statusLabel: string;
  attempts: number;
  maxAttempts: number;
  nextAttemptAt?: Date;
  error: DeliveryDoc['error'] | null;
  eventId?: string;
  httpStatus?: number;
  createdAt: Date;
  settledAt?: Date;
}

/** A media partner's webhook deliveries, newest first (the partner's page in the console). */
export async function partnerDeliveries(partnerId: string, limit = 50): Promise<PartnerDeliveryView[]> {
  const docs = await Delivery.find({ channel: 'webhook', 'recipients.recipient': partnerId, supersededBy: null }).sort({ createdAt: -1, _id: -1 }).limit(limit).lean();
  const pubs = await Publication.find({ _id: { $in: docs.map((d) => d.publicationId) } }, { kind: 1, itemId: 1, title: 1 }).lean();
  const byId = new Map(pubs.map((p) => [String(p._id), p]));
  return docs.map((d) => {
    const pub = byId.get(String(d.publicationId));
    return {
      deliveryId: String(d._id),
      publicationId: String(d.publicationId),
      kind: pub?.kind ?? '',
      itemId: pub?.itemId ?? '',
      title: pub?.title ?? '',
      status: d.status,
      statusLabel: DELIVERY_STATUS_LABELS[d.status],
      attempts: d.attempts,
      maxAttempts: d.maxAttempts,
      ...(d.status === 'queued' ? { nextAttemptAt: d.nextAttemptAt } : {}),
      error: d.error ?? null,
      eventId: d.providerIds?.event_id,
      httpStatus: d.providerIds?.http_status ? Number(d.providerIds.http_status) : undefined,
      createdAt: d.createdAt,
      settledAt: d.settledAt,
    };
  });
}
