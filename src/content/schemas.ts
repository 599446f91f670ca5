/**
 * Request schemas of the admin API. Strict objects: unknown fields are refused and named; strings stay strings,
 * so operator objects such as {"$gt": ""} never reach a query.
 */
import { z } from 'zod';
import { objectId, isoDateTime } from '../http/schemas';
import { CASE_KINDS, DEPUTY_LEVELS, DIGEST_MAX, ITEM_STATUSES, type ContentKind } from './enums';
import { SLUG_PATTERN } from './slug';

const text = (max: number) => z.string().trim().max(max);
const requiredText = (max: number) => z.string().trim().min(1, 'required').max(max);
const dateOrDateTime = z.union([isoDateTime, z.iso.date().transform((d) => new Date(`${d}T00:00:00+08:00`))]);

const region = z
  .object({ city: text(50).optional(), county: text(50).optional(), township: text(50).optional() })
  .strict();
const topics = z.array(requiredText(30)).max(20);
const idList = z.array(objectId).max(50);
const highlight = z.object({ label: requiredText(40), value: requiredText(40) }).strict();
const slug = z.string().max(80).regex(SLUG_PATTERN, 'lower-case letters, digits and single hyphens, e.g. tuo-pin-gong-jian');
const markdown = z.string().max(200_000);
const digest = z.string().trim().max(DIGEST_MAX, `at most ${DIGEST_MAX} characters`);
const phone = z.string().trim().regex(/^\+?[0-9][0-9 -]{5,19}$/, 'a phone number');

/** Field schemas per kind; `required` lists what a create must carry. */
const fieldSets = {
  article: {
    fields: {
      title: requiredText(200),
      slug,
      digest,
      body: markdown,
      coverMediaId: objectId,
      byline: text(100),
      region,
      topics,
      featured: z.boolean(),
      relatedDeputyIds: idList,
      relatedGroupIds: idList,
      relatedCaseIds: idList,
    },
    required: ['title'],
  },
  deputy: {
    fields: {
      name: requiredText(50),
      slug,
      level: z.enum(DEPUTY_LEVELS),
      region,
      groupId: objectId,
      occupation: text(100),
      organisation: text(100),
      photoMediaId: objectId,
      digest,
      story: markdown,
      highlights: z.array(highlight).max(12),
      topics,
      featured: z.boolean(),
      leader: z.boolean(),
      phones: z.array(phone).max(5),
    },
    required: ['name', 'level'],
  },
  group: {
    fields: {
      name: requiredText(100),
      slug,
      region,
      digest,
      body: markdown,
      coverMediaId: objectId,
      roomAddress: text(200),
      members: z
        .array(
          z
            .object({
              name: requiredText(50),
              deputyId: objectId.optional(),
              level: z.enum(DEPUTY_LEVELS).optional(),
              role: text(30).optional(),
              occupation: text(100).optional(),
            })
            .strict(),
        )
        .max(100),
      activities: z
        .array(
          z
            .object({ date: dateOrDateTime, theme: requiredText(200), participants: text(1000).optional(), outcomes: text(5000).optional() })
            .strict(),
        )
        .max(500),
      topics,
      featured: z.boolean(),
    },
    required: ['name'],
  },
  case: {
    fields: {
      title: requiredText(200),
      slug,
      caseKind: z.enum(CASE_KINDS),
      region,
      summary: text(2000),
      digest,
      body: markdown,
      coverMediaId: objectId,
      figures: z.array(highlight).max(12),
      topics,
      featured: z.boolean(),
      relatedDeputyIds: idList,
      relatedGroupIds: idList,
    },
    required: ['title', 'caseKind'],
  },
} satisfies Record<ContentKind, { fields: Record<string, z.ZodType>; required: string[] }>;

export function createSchema(kind: ContentKind): z.ZodType<Record<string, unknown>> {
  const { fields, required } = fieldSets[kind];
  const shape: Record<string, z.ZodType> = {};
  for (const [k, s] of Object.entries(fields)) shape[k] = required.includes(k) ? s : s.optional();
  return z.object(shape).strict() as unknown as z.ZodType<Record<string, unknown>>;
}

/** A partial save: `version` is the version the editor started from; null clears an optional field. */
export function updateSchema(kind: ContentKind): z.ZodType<Record<string, unknown> & { version: number }> {
  const { fields, required } = fieldSets[kind];
  const shape: Record<string, z.ZodType> = { version: z.number().int().min(1) };
  for (const [k, s] of Object.entries(fields)) shape[k] = required.includes(k) || k === 'slug' ? s.optional() : s.nullable().optional();
  return z.object(shape).strict() as unknown as z.ZodType<Record<string, unknown> & { version: number }>;
}

/** Unsaved fields for a preview: like a save, every field optional and null clears one; nothing else is required. */
export function previewFieldsSchema(kind: ContentKind): z.ZodType<Record<string, unknown>> {
  const { fields } = fieldSets[kind];
  const shape: Record<string, z.ZodType> = {};
  for (const [k, s] of Object.entries(fields)) shape[k] = s.nullable().optional();
  return z.object(shape).strict() as unknown as z.ZodType<Record<string, unknown>>;
}

export const SORTS = ['-updatedAt', 'updatedAt', '-publishedAt', 'publishedAt', 'title', '-title'] as const;
export type AdminSort = (typeof SORTS)[number];

const q = z.string().trim().max(100);
const boolString = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

export function listQuerySchema(kind: ContentKind) {
  return z
    .object({
      page: z.coerce.number().int().min(1).max(100_000).default(1),
      pageSize: z.coerce.number().int().min(1).max(100).default(20),
      /** Opaque keyset cursor from a previous page's nextCursor (faster than deep pages). */
      cursor: z.string().max(200).regex(/^[A-Za-z0-9_-]+$/, 'a cursor from nextCursor').optional(),
      status: z.enum(ITEM_STATUSES).optional(),
      region: q.optional(),
      topic: q.optional(),
      tag: q.optional(),
      q: q.optional(),
      /** Items created by this user (the author filter). */
      createdBy: objectId.optional(),
      /** Items created by the signed-in user (shorthand for createdBy=<own id>). */
      mine: boolString.optional(),
      featured: boolString.optional(),
      deleted: boolString.optional(),
      sort: z.enum(SORTS).default('-updatedAt'),
      ...(kind === 'deputy' ? { level: z.enum(DEPUTY_LEVELS).optional() } : {}),
      ...(kind === 'case' ? { kind: z.enum(CASE_KINDS).optional() } : {}),
    })
    .strict();
}

export type AdminListQuery = {
  page: number;
  pageSize: number;
  cursor?: string;
  status?: (typeof ITEM_STATUSES)[number];
  region?: string;
  topic?: string;
  tag?: string;
  q?: string;
  createdBy?: string;
  mine?: boolean;
  featured?: boolean;
  deleted?: boolean;
  sort: AdminSort;
  level?: (typeof DEPUTY_LEVELS)[number];
  kind?: (typeof CASE_KINDS)[number];
};

export const transitionBody = z
  .object({ comment: z.string().trim().max(2000).optional(), version: z.number().int().min(1).optional() })
  .strict();

export const phoneRevealBody = z.object({ reason: z.string().trim().min(2).max(500) }).strict();
export const purgeBody = z.object({ reason: z.string().trim().min(2).max(500) }).strict();
export const reassignBody = z.object({ ownerId: objectId }).strict();

export const restoreRevisionBody = z.object({ version: z.number().int().min(1) }).strict();
export const revisionParams = z.object({ id: objectId, version: z.coerce.number().int().min(1).max(1_000_000) }).strict();
