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
export const assignBody = z
  .object({ leadDepartmentId: objectId, coDepartmentIds: z.array(objectId).max(20).default([]), hard: z.boolean().default(false), ...version })
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
export const rateBody = z.object({ rating: z.enum(RATINGS), comment: z.string().trim().max(1000).default(''), ...version }).strict();
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
