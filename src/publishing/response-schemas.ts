/** Response shapes of the publishing API, for the OpenAPI document (typed clients). Not enforced at run time. */
import { z } from 'zod';
import { PUBLICATION_STATUSES } from './models/publication';
import { DELIVERY_STATUSES } from './models/delivery';

const date = z.iso.datetime();
const channel = z.enum(['microsite', 'wechat', 'sms']);
const deliveryError = z.object({ code: z.string(), providerCode: z.string().optional(), message: z.string() }).nullable();

export const deliveryView = z.object({
  id: z.string(),
  channel,
  batchIndex: z.number().int(),
  round: z.number().int(),
  retryOf: z.string().optional(),
  supersededBy: z.string().optional(),
  idempotencyKey: z.string(),
  status: z.enum(DELIVERY_STATUSES),
  statusLabel: z.string(),
  attempts: z.number().int(),
  maxAttempts: z.number().int(),
  nextAttemptAt: date.optional(),
  waitingForMicrosite: z.boolean(),
  lastAttemptAt: date.optional(),
  settledAt: date.optional(),
  providerIds: z.record(z.string(), z.string()),
  error: deliveryError,
  recipientCount: z.number().int(),
  recipients: z.record(z.string(), z.number().int()).describe('Recipients per status'),
  failedRecipients: z.array(z.object({ recipient: z.string(), errorCode: z.string().optional(), errorMessage: z.string().optional() })),
  /** A few recipients in doubt, with the evidence (hand-off time, request id, what the provider's records said). */
  unknownRecipients: z.array(z.object({ recipient: z.string(), errorCode: z.string().optional(), errorMessage: z.string().optional() })),
  actions: z.array(z.object({ action: z.string(), by: z.string(), at: date, note: z.string().optional() })),
});

export const publicationView = z.object({
  id: z.string(),
  kind: z.string(),
  itemId: z.string(),
  title: z.string(),
  channels: z.array(channel),
  status: z.enum(PUBLICATION_STATUSES),
  statusLabel: z.string(),
  audience: z.record(z.string(), z.unknown()),
  sms: z.object({ notification: z.string(), params: z.record(z.string(), z.string()).optional() }).optional(),
  wechat: z.object({ mode: z.enum(['publish', 'broadcast']), tagId: z.number().int().optional() }).optional(),
  scheduledAt: date.optional(),
  dueAt: date,
  startedAt: date.optional(),
  finishedAt: date.optional(),
  cancelledAt: date.optional(),
  audienceSummary: z.object({ recipients: z.number().int(), excludedOptedOut: z.number().int(), invalid: z.number().int(), duplicates: z.number().int() }).catchall(z.unknown()).optional(),
  deliveryCounts: z.record(z.string(), z.number().int()),
  createdBy: z.string(),
  createdAt: date,
  deliveries: z.array(deliveryView).optional(),
});

export const publicationPage = z.object({ items: z.array(publicationView), page: z.number().int(), pageSize: z.number().int(), total: z.number().int() });

export const deliveryProblem = z.object({
  deliveryId: z.string(),
  publicationId: z.string(),
  kind: z.string(),
  itemId: z.string(),
  title: z.string(),
  channel,
  status: z.enum(['failed', 'unknown']),
  statusLabel: z.string(),
  error: deliveryError,
  recipientCount: z.number().int(),
  settledAt: date.optional(),
  actions: z.array(z.enum(['retry', 'resend', 'mark_sent'])),
});

const quotaStatus = z.object({ period: z.string(), periodKind: z.enum(['day', 'month']), limit: z.number().int(), used: z.number().int(), spent: z.boolean() });

export const dryRunResponse = z.object({
  item: z.object({ kind: z.string(), id: z.string(), title: z.string(), url: z.string() }),
  at: date.nullable().describe('When it would go out; null = now'),
  channels: z.object({
    microsite: z.object({ url: z.string(), reach: z.literal('public') }).optional(),
    wechat: z
      .object({
        mode: z.enum(['publish', 'broadcast']),
        tagId: z.number().int().optional(),
        recipients: z.number().int().nullable().describe('Followers a broadcast reaches; null for free publish (pushed to nobody)'),
        title: z.string(),
        quota: quotaStatus.nullable(),
        quotaLeft: z.number().int().nullable(),
        usesQuota: z.boolean(),
      })
      .optional(),
    sms: z
      .object({
        notification: z.string(),
        provider: z.enum(['outbox', 'tencent', 'aliyun']),
        templateId: z.string().nullable(),
        text: z.string().describe('The exact text with the signature (a personal link token shown as asterisks)'),
        sampleRecipient: z.object({ name: z.string().nullable() }).nullable(),
        length: z.number().int(),
        parts: z.number().int().describe('Billed messages per recipient (70 characters, then parts of 67)'),
        params: z.array(
          z.object({
            name: z.string(),
            label: z.string(),
            value: z.string().nullable(),
            length: z.number().int(),
            max: z.number().int(),
            source: z.enum(['request', 'item', 'recipient', 'missing']),
            ok: z.boolean(),
            note: z.string().optional(),
          }),
        ),
        audience: z.object({
          recipients: z.number().int(),
          excludedOptedOut: z.number().int(),
          invalid: z.number().int(),
          duplicates: z.number().int(),
          invalidSamples: z.array(z.string()),
        }),
        recipients: z.number().int(),
        messages: z.number().int(),
      })
      .optional(),
  }),
  problems: z.array(z.object({ field: z.string(), message: z.string() })),
});
