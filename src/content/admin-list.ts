/**
 * Admin list queries. Every filter + sort pair has an index (see the models), so page 1 reads one page of
 * index entries. Deep pages: `page` uses an index-backed skip; `cursor` (keyset on the sort key and _id)
 * reads only the requested page however deep it is — the benchmark (npm run bench:content) compares both.
 */
import { Types, type SortOrder } from 'mongoose';
import { ValidationError } from '../errors';
import type { ContentKind } from './enums';
import { contentKinds } from './kinds';
import { escapeRegex } from './public-queries';
import type { AdminListQuery } from './schemas';

/**
 * Counting every match is linear in the matches; past this many the exact figure helps no one, so the count
 * stops here and `totalCapped` says so ("10,000+").
 */
export const COUNT_CAP = 10_000;

export interface AdminPage<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
  totalCapped: boolean;
  /** Pass as ?cursor= to get the page after this one; null on the last page. */
  nextCursor: string | null;
}

/** Bodies and private fields stay out of list rows. */
const listProjection: Record<ContentKind, Record<string, 0>> = {
  article: { body: 0 },
  deputy: { story: 0, phones: 0 },
  group: { body: 0, activities: 0 },
  case: { body: 0 },
};

/** A MongoDB filter document (mongoose 9 no longer exports a usable FilterQuery type). */
type FilterQuery = Record<string, any>;

export function buildFilter(kind: ContentKind, query: AdminListQuery): FilterQuery {
  const spec = contentKinds[kind];
  const filter: FilterQuery = { deletedAt: query.deleted ? { $ne: null } : null };
  if (query.status) filter.status = query.status;
  if (query.region) filter.regionKeys = query.region;
  const topic = query.topic ?? query.tag;
  if (topic) filter.topics = topic;
  if (query.featured !== undefined) filter.featured = query.featured;
  if (kind === 'deputy' && query.level) filter.level = query.level;
  if (kind === 'case' && query.kind) filter.caseKind = query.kind;
  if (query.createdBy) filter.createdBy = new Types.ObjectId(query.createdBy);
  if (query.q) filter[spec.titleField] = { $regex: escapeRegex(query.q), $options: 'i' };
  return filter;
}

function sortSpec(kind: ContentKind, sort: AdminListQuery['sort']): { field: string; dir: 1 | -1 } {
  const desc = sort.startsWith('-');
  const name = desc ? sort.slice(1) : sort;
  return { field: name === 'title' ? contentKinds[kind].titleField : name, dir: desc ? -1 : 1 };
}

interface CursorValue {
  v: unknown;
  id: string;
}

function encodeCursor(value: unknown, id: Types.ObjectId): string {
  const v = value instanceof Date ? { d: value.toISOString() } : value ?? null;
  return Buffer.from(JSON.stringify({ v, id: String(id) })).toString('base64url');
}

function decodeCursor(cursor: string): CursorValue {
  try {
    const raw = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { v: unknown; id: unknown };
    if (typeof raw.id !== 'string' || !/^[0-9a-f]{24}$/.test(raw.id)) throw new Error('bad id');
    const v = raw.v && typeof raw.v === 'object' && typeof (raw.v as { d?: unknown }).d === 'string' ? new Date((raw.v as { d: string }).d) : raw.v;
    if (v !== null && !(v instanceof Date) && typeof v !== 'string' && typeof v !== 'number') throw new Error('bad value');
    if (v instanceof Date && Number.isNaN(v.getTime())) throw new Error('bad date');
    return { v, id: raw.id };
  } catch {
    throw new ValidationError('请求查询参数无效', [{ field: 'query.cursor', message: 'not a cursor from nextCursor' }]);
  }
}

/** Fields some rows lack (never-published items have no publishedAt); every other sort key is always set. */
const NULLABLE_SORT_FIELDS = new Set(['publishedAt']);

/**
 * The rows after the cursor in (field dir, _id dir) order, as filters to read one after the other. MongoDB sorts
 * null/missing lowest — first when ascending, last when descending — and $lt/$gt on a value never match null, so the
 * keyset spells out the null side: ascending from a null key continues into every non-null row; descending from a
 * non-null key ends in the null rows. That last case is read as two ranges (the dated rows past the cursor, then the
 * undated ones) rather than one $or with a null branch, which no index range can serve: at page 1,000 the $or read
 * 20,000 index keys for 21 rows.
 */
function afterCursor(field: string, dir: 1 | -1, c: CursorValue): FilterQuery[] {
  const op = dir === -1 ? '$lt' : '$gt';
  const id = new Types.ObjectId(c.id);
  const tie = { [field]: c.v, _id: { [op]: id } };
  if (c.v === null) return [dir === 1 ? { $or: [tie, { [field]: { $ne: null } }] } : tie];
  // The plain range on the sort key lets the planner start the index scan at the cursor; the $or settles ties on _id.
  const beyond = { $and: [{ [field]: { [`${op}e`]: c.v } }, { $or: [{ [field]: { [op]: c.v } }, tie] }] };
  return dir === -1 && NULLABLE_SORT_FIELDS.has(field) ? [beyond, { [field]: null }] : [beyond];
}

/** Up to `limit` rows of `filter` past the cursor, reading its ranges in order until the page is full. */
async function rowsAfter(kind: ContentKind, filter: FilterQuery, ranges: FilterQuery[], sort: Record<string, SortOrder>, limit: number) {
  const rows: unknown[] = [];
  for (const range of ranges) {
    if (rows.length >= limit) break;
    rows.push(...(await contentKinds[kind].model.find({ $and: [filter, range] }, listProjection[kind]).sort(sort).limit(limit - rows.length).lean()));
  }
  return rows;
}

export async function listAdmin(kind: ContentKind, query: AdminListQuery): Promise<AdminPage<Record<string, unknown>>> {
  const model = contentKinds[kind].model;
  const filter = buildFilter(kind, query);
  const { field, dir } = sortSpec(kind, query.sort);
  const sort: Record<string, SortOrder> = { [field]: dir, _id: dir };
  const limit = query.pageSize + 1;
  const [docs, total] = await Promise.all([
    query.cursor
      ? rowsAfter(kind, filter, afterCursor(field, dir, decodeCursor(query.cursor)), sort, limit)
      : model.find(filter, listProjection[kind]).sort(sort).skip((query.page - 1) * query.pageSize).limit(limit).lean(),
    model.countDocuments(filter, { limit: COUNT_CAP }),
  ]);
  const more = docs.length > query.pageSize;
  const rows = more ? docs.slice(0, query.pageSize) : docs;
  const last = rows[rows.length - 1] as Record<string, unknown> | undefined;
  return {
    items: rows.map((d) => adminView(d as Record<string, unknown>)),
    page: query.cursor ? 0 : query.page,
    pageSize: query.pageSize,
    total,
    totalCapped: total >= COUNT_CAP,
    nextCursor: more && last ? encodeCursor(last[field], last._id as Types.ObjectId) : null,
  };
}

/** Admin JSON of a stored item: `_id` becomes `id`; everything else as stored (ObjectIds as hex strings). */
export function adminView(doc: Record<string, unknown>): Record<string, unknown> {
  const { _id, ...rest } = doc;
  return JSON.parse(JSON.stringify({ id: String(_id), ...rest }));
}
