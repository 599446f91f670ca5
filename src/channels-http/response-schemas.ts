/** Response shapes of the channel admin API, for the OpenAPI document (typed clients). Not enforced at run time. */
import { z } from 'zod';

const date = z.iso.datetime();

export const massQuotaStatus = z.object({ period: z.string(), periodKind: z.enum(['day', 'month']), limit: z.number().int(), used: z.number().int(), spent: z.boolean() });

export const channelStatusResponse = z.object({
  checkedAt: date,
  microsite: z.object({ configured: z.literal(true), publicBaseUrl: z.string(), https: z.boolean() }),
  wechat: z.object({
    configured: z.boolean(),
    appId: z.string().nullable(),
    accountType: z.enum(['subscription', 'service']),
    verified: z.boolean(),
    callbackToken: z.boolean(),
    safeMode: z.boolean(),
    plainCallbacksAllowed: z.boolean(),
    token: z.object({ cached: z.boolean(), expiresAt: date.nullable(), check: z.object({ ok: z.boolean(), error: z.string().optional() }).nullable() }),
    massQuota: massQuotaStatus.nullable(),
  }),
  sms: z.object({
    provider: z.enum(['outbox', 'tencent', 'aliyun']),
    signName: z.string(),
    credentials: z.boolean(),
    receiptToken: z.boolean(),
    templates: z.enum(['bundled', 'custom']),
    optOuts: z.number().int(),
  }),
  warnings: z.array(z.string()),
});
