/** Request schemas of the suggestions API. */
import { z } from 'zod';
import { isoDateTime, objectId, pagination, queryBoolean, queryString } from '../http/schemas';
import { periodSchema } from './periods';
import { RATE_GROUPINGS } from './rates';
import { ANSWER_CLASSES, CATEGORIES, ESCALATION_KINDS, RATINGS, STATUSES } from './models';

const text = (max: number) => z.string().trim().min(1).max(max);
const phone = z
  .string()
  .trim()
  .regex(/^(1\d{10}|0\d{2,3}-?\d{7,8})$/, 'a mainland mobile (11 digits) or landline such as 0712-1234567');

export const departmentBody = z
  .object({ county: text(50), name: text(80), contactName: text(40), contactPhone: phone })
  .strict();
export const departmentPatch = departmentBody.partial().strict();
export const departmentQuery = z.object({ county: queryString.optional() }).strict();

export const region = z
  .object({ city: text(50).optional(), county: text(50), township: text(50).optional(), village: text(50).optional() })
  .strict();

export const registerBody = z
  .object({
    text: text(5000),
    category: z.enum(CATEGORIES),
    region,
    // A citizen's suggestion comes through a deputy: at least one deputy always stands behind it.
    deputyIds: z.array(objectId).min(1).max(50),
    citizen: z.object({ name: text(40), phone: phone.optional() }).strict().optional(),
    activityId: objectId.optional(),
    attachmentIds: z.array(objectId).max(20).default([]),
    public: z.boolean().default(false),
  })
  .strict();

const version = { version: z.number().int().min(0).optional() };

export const sortBody = z.object({ mergeIds: z.array(objectId).max(50).default([]), note: text(500).optional(), ...version }).strict();
/** A Beijing calendar day, YYYY-MM-DD (a real date: 2028-02-30 is refused). */
const calendarDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式为 YYYY-MM-DD')
  .refine((v) => new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), '不是有效的日期');
export const assignBody = z
  .object({
    leadDepartmentId: objectId,
    coDepartmentIds: z.array(objectId).max(20).default([]),
    hard: z.boolean().default(false),
    /** A deadline other than the configured months: the last day to answer (Beijing), after today, within a year. */
    deadline: calendarDay.optional(),
    ...version,
  })
  .strict();
export const transferBody = z.object({ toDepartmentId: objectId, reason: text(500), ...version }).strict();
export const answerBody = z
  .object({
    text: text(10_000),
    answerClass: z.enum(ANSWER_CLASSES),
    meeting: z.object({ at: isoDateTime, participants: text(200), place: text(100).optional() }).strict(),
    ...version,
  })
  .strict();
export const coOpinionBody = z.object({ text: text(5000), ...version }).strict();
/** A liaison records the rating on the deputy's behalf (代为录入); `deputyId` names which of the deputies gave it. */
export const rateBody = z
  .object({ rating: z.enum(RATINGS), comment: z.string().trim().max(1000).default(''), deputyId: objectId.optional(), ...version })
  .strict();
export const noteBody = z.object({ note: text(500).optional(), ...version }).strict();
export const escalationBody = z.object({ kind: z.enum(ESCALATION_KINDS), date: isoDateTime, outcome: text(2000), ...version }).strict();
export const escalationParams = z.object({ id: objectId, escalationId: objectId }).strict();

export const listQuery = z
  .object({
    status: z.enum(STATUSES).optional(),
    county: queryString.optional(),
    category: z.enum(CATEGORIES).optional(),
    departmentId: objectId.optional(),
    overdue: queryBoolean.optional(),
    ...pagination,
  })
  .strict();
export const overdueQuery = z.object({ county: queryString.optional(), departmentId: objectId.optional(), ...pagination }).strict();

export const ratesQuery = z
  .object({ period: periodSchema, by: z.enum(RATE_GROUPINGS).optional(), county: queryString.optional(), category: z.enum(CATEGORIES).optional() })
  .strict();

export const remindAllBody = z.object({ county: text(50).optional(), ids: z.array(objectId).min(1).max(500).optional() }).strict();

/** The public form (and its JSON twin): the citizen's name and mobile are private; `website` is a honeypot left empty by people. */
export const publicSubmissionBody = z
  .object({
    name: text(40),
    phone: z
      .string()
      .trim()
      .transform((v) => v.replace(/[\s-]/g, ''))
      .pipe(z.string().regex(/^1[3-9]\d{9}$/, '请填写 11 位手机号')),
    text: z.string().trim().min(10, '请至少写 10 个字，说清问题和建议').max(2000, '最多 2000 字'),
    category: z.enum(CATEGORIES),
    county: text(50),
    township: text(50),
    village: z.string().trim().max(50).optional().transform((v) => v || undefined),
    deputyName: z.string().trim().max(20).optional().transform((v) => v || undefined),
    public: z.union([z.boolean(), z.enum(['on', 'true', 'false'])]).default(false).transform((v) => v === true || v === 'on' || v === 'true'),
    website: z.string().max(0, 'spam').optional(),
  })
  .strict();
export type PublicSubmissionBody = z.infer<typeof publicSubmissionBody>;

export const publicRatingBody = z.object({ rating: z.enum(RATINGS), comment: z.string().trim().max(500).default('') }).strict();
export const publicRatesQuery = z.object({ period: periodSchema.optional(), county: queryString.optional() }).strict();
export const answeredQuery = z.object({ county: queryString.optional(), ...pagination }).strict();
