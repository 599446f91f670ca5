/** Response shapes of the content admin API, for the OpenAPI document (typed clients). Not enforced at run time. */
import { z } from 'zod';
import { CONTENT_KINDS, ITEM_STATUSES } from './enums';

const date = z.iso.datetime();

/** An item as the admin API shows it: its fields as stored (per kind), with these always present. */
export const adminItem = z
  .object({
    id: z.string(),
    status: z.enum(ITEM_STATUSES),
    version: z.number().int().describe('Send back as version when saving (409 version_conflict when stale)'),
    slug: z.string(),
    createdBy: z.string(),
    updatedBy: z.string(),
    submittedBy: z.string().optional(),
    approvedBy: z.string().optional(),
    publishedAt: date.optional(),
    scheduledAt: date.optional(),
    deletedAt: date.nullable().optional(),
    viewCount: z.number().int(),
    createdAt: date,
    updatedAt: date,
  })
  .catchall(z.unknown());

export const adminPage = z.object({
  items: z.array(adminItem),
  page: z.number().int(),
  pageSize: z.number().int(),
  total: z.number().int(),
  totalCapped: z.boolean(),
  nextCursor: z.string().nullable(),
});

export const workItem = z.object({
  kind: z.enum(CONTENT_KINDS),
  id: z.string(),
  title: z.string(),
  status: z.enum(ITEM_STATUSES),
  statusLabel: z.string(),
  version: z.number().int(),
  updatedAt: date,
  createdBy: z.string(),
  submittedBy: z.string().optional(),
});

export const returnedItem = workItem.extend({
  comment: z.string(),
  returnedBy: z.string().optional(),
  returnedByName: z.string().optional(),
  returnedAt: date,
});

interface RegionNode {
  name: string;
  count: number;
  children: RegionNode[];
}
export const regionNode: z.ZodType<RegionNode> = z.object({
  name: z.string(),
  count: z.number().int(),
  get children() {
    return z.array(regionNode);
  },
});
export const regionList = z.object({ items: z.array(regionNode) });
export const topicList = z.object({ items: z.array(z.object({ name: z.string(), count: z.number().int() })) });

const op = z.enum(['equal', 'insert', 'delete']);
const revisionRef = z.object({ version: z.number().int(), reason: z.string(), by: z.string(), at: date });
export const diffResponse = z.object({
  from: revisionRef,
  to: revisionRef,
  changed: z.array(z.string()).describe('Names of the fields that differ'),
  fields: z.array(
    z.discriminatedUnion('type', [
      z.object({
        field: z.string(),
        type: z.literal('text'),
        changed: z.boolean(),
        added: z.number().int(),
        removed: z.number().int(),
        lines: z.array(z.object({ op, text: z.string(), words: z.array(z.object({ op, text: z.string() })).optional() })),
      }),
      z.object({ field: z.string(), type: z.literal('value'), changed: z.boolean(), before: z.unknown(), after: z.unknown() }),
    ]),
  ),
});

export const previewResponse = z.object({
  microsite: z.object({ html: z.string().describe('The complete microsite page'), path: z.string() }),
  wechat: z.object({
    html: z.string().describe('The complete WeChat article view'),
    title: z.string(),
    author: z.string().optional(),
    digest: z.string(),
    droppedImages: z.array(z.string()),
    warnings: z.array(z.string()),
  }),
});

export const transitionList = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      action: z.string(),
      from: z.enum(ITEM_STATUSES).nullable(),
      to: z.enum(ITEM_STATUSES),
      by: z.string().nullable(),
      byName: z.string().nullable(),
      at: date,
      comment: z.string().nullable(),
      version: z.number().int(),
    }),
  ),
});

export const revisionList = z.object({
  items: z.array(z.object({ version: z.number().int(), reason: z.string(), by: z.string(), at: date, restoredFrom: z.number().int().nullable() })),
});
export const revisionDetail = z.object({
  version: z.number().int(),
  reason: z.string(),
  by: z.string(),
  at: date,
  restoredFrom: z.number().int().nullable(),
  data: z.record(z.string(), z.unknown()),
});
