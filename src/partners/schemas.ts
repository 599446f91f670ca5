/** Request schemas of the partner routes (messages in Chinese: the console shows them beside the field). */
import { z } from 'zod';
import { CONTENT_KINDS } from '../content/enums';
import { objectId } from '../http/schemas';
import { COLUMN_CADENCES, PARTNER_KINDS } from './models';

const text = (max: number) => z.string().trim().max(max, `最多 ${max} 个字`);
const names = z.array(z.string().trim().min(1).max(50)).max(50).transform((list) => [...new Set(list)]);
const phone = z.string().trim().regex(/^[0-9+\-() ]{5,30}$/, '电话号码格式不正确');
export const calendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式为 YYYY-MM-DD')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), '不是有效的日期');

const contact = z
  .object({
    name: text(50).min(1, '请填写联系人'),
    title: text(50).optional(),
    phone: phone.optional(),
    email: z.email('邮箱格式不正确').max(200).optional(),
  })
  .strict()
  .refine((c) => c.phone || c.email, { message: '联系电话和邮箱至少填一项', path: ['phone'] });

const takes = z
  .object({
    kinds: z.array(z.enum(CONTENT_KINDS)).min(1, '至少选择一种稿件类型').transform((list) => [...new Set(list)]),
    regions: names.default([]),
    topics: names.default([]),
  })
  .strict();

const push = z
  .object({
    enabled: z.boolean(),
    url: z.url({ protocol: /^https?$/, error: '请填写以 http(s):// 开头的接收地址' }).max(500).optional(),
  })
  .strict()
  .refine((p) => !p.enabled || !!p.url, { message: '开启推送需要填写接收地址', path: ['url'] });

export const partnerBody = z
  .object({
    name: text(100).min(1, '请填写媒体名称'),
    kind: z.enum(PARTNER_KINDS),
    contact,
    note: text(1000).optional(),
    takes,
    push: push.optional(),
    active: z.boolean().optional(),
  })
  .strict();
export type PartnerBody = z.infer<typeof partnerBody>;

export const partnerPatch = z
  .object({
    name: text(100).min(1, '请填写媒体名称').optional(),
    kind: z.enum(PARTNER_KINDS).optional(),
    contact: contact.optional(),
    note: text(1000).optional(),
    takes: takes.optional(),
    push: push.optional(),
    active: z.boolean().optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: '没有要修改的内容' });
export type PartnerPatch = z.infer<typeof partnerPatch>;

export const partnerListQuery = z
  .object({
    kind: z.enum(PARTNER_KINDS).optional(),
    q: z.string().trim().max(100).optional(),
  })
  .strict();

export const keyBody = z.object({ label: text(50).optional() }).strict();
export const keyParams = z.object({ id: objectId, keyId: objectId }).strict();
export const rotateBody = z
  .object({
    label: text(50).optional(),
    /** The old key keeps working this long, so the newsroom can switch without a gap. */
    graceHours: z.number().int().min(0).max(168).default(0),
  })
  .strict();

export const columnBody = z
  .object({
    name: text(100).min(1, '请填写栏目名称'),
    slot: text(100).optional(),
    cadence: z.enum(COLUMN_CADENCES),
    startDate: calendarDate,
    endDate: calendarDate.optional(),
    time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, '时间格式为 HH:mm').optional(),
    note: text(500).optional(),
  })
  .strict()
  .refine((c) => !c.endDate || c.endDate >= c.startDate, { message: '结束日期不能早于开始日期', path: ['endDate'] });
export type ColumnBody = z.infer<typeof columnBody>;

export const columnParams = z.object({ id: objectId, columnId: objectId }).strict();

export const runItem = z.object({ kind: z.enum(CONTENT_KINDS), itemId: objectId }).strict();
export const runBody = z
  .object({
    date: calendarDate,
    items: z.array(runItem).min(1, '至少选择一篇稿件').max(50),
    note: text(500).optional(),
  })
  .strict();
export type RunBody = z.infer<typeof runBody>;

export const partnerRunBody = runBody.extend({ columnId: objectId }).strict();

export const upcomingQuery = z.object({ days: z.coerce.number().int().min(1).max(92).default(31) }).strict();
export const coverageQuery = z.object({ month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, '月份格式为 YYYY-MM') }).strict();

export const pressKitParams = z.object({ kind: z.enum(CONTENT_KINDS), id: objectId }).strict();
export const feedQuery = z.object({ key: z.string().max(200).optional() }).strict();
