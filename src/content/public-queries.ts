/**
 * The ONLY way other modules (microsite, WeChat replies, publishing) read content for the public.
 * Everything here returns items that are published and not deleted, as plain objects with public fields only.
 */
import { isValidObjectId, Types } from 'mongoose';
import type { Page } from '../http/schemas';
import './kinds';
import { CONTENT_KINDS, type CaseKind, type ContentKind, type DeputyLevel } from './enums';
import { Article } from './models/article';
import { Deputy } from './models/deputy';
import { DeputyGroup } from './models/deputy-group';
import { CaseStudy } from './models/case-study';
import { PageViewMonth } from './models/page-view-month';
import { contentKinds } from './kinds';
import { detailProjection, imageIdsOf, loadImages, publicItemWith, summaryProjection, toPublicItem, toSummaries, toSummary } from './public-mappers';
import type { PublicArticle, PublicArticleSummary, PublicItemByKind, PublicSummary, PublicSummaryByKind, RelatedItems } from './public-types';
import { beijingMonth } from '../calendar/beijing';

export * from './public-types';
export * from './scoped-queries';

const PUBLIC = { status: 'published', deletedAt: null } as const;
const NEWEST = { publishedAt: -1, _id: -1 } as const;

function model(kind: ContentKind) {
  return contentKinds[kind].model;
}

export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

export async function getPublishedBySlug<K extends ContentKind>(kind: K, slug: string): Promise<PublicItemByKind[K] | null> {
  if (typeof slug !== 'string' || !slug) return null;
  const doc = await model(kind).findOne({ ...PUBLIC, slug }, detailProjection[kind]).lean();
  return doc ? toPublic(kind, doc) : null;
}

export async function getPublishedById<K extends ContentKind>(kind: K, id: string): Promise<PublicItemByKind[K] | null> {
  if (!isValidObjectId(id)) return null;
  const doc = await model(kind).findOne({ ...PUBLIC, _id: new Types.ObjectId(String(id)) }, detailProjection[kind]).lean();
  return doc ? toPublic(kind, doc) : null;
}

async function toPublic<K extends ContentKind>(kind: K, doc: any): Promise<PublicItemByKind[K]> {
  let slugs = new Map<string, string>();
  if (kind === 'group') {
    const memberIds = (doc.members ?? []).map((m: any) => m.deputyId).filter(Boolean);
    if (memberIds.length) {
      const deputies = await Deputy.find({ ...PUBLIC, _id: { $in: memberIds } }, { slug: 1 }).lean();
      slugs = new Map(deputies.map((d) => [String(d._id), d.slug]));
    }
  }
  return toPublicItem(kind, doc, slugs);
}

export interface PublicListOptions {
  page?: number;
  pageSize?: number;
  /** Name of a city, county or township. */
  region?: string;
  topic?: string;
  /** Deputies only. */
  level?: DeputyLevel;
  /** Cases only. */
  caseKind?: CaseKind;
  featured?: boolean;
}

export async function listPublished<K extends ContentKind>(kind: K, options: PublicListOptions = {}): Promise<Page<PublicSummaryByKind[K]>> {
  const page = clampInt(options.page, 1, 1, 10_000);
  const pageSize = clampInt(options.pageSize, 20, 1, 100);
  const filter: Record<string, unknown> = { ...PUBLIC };
  if (typeof options.region === 'string' && options.region) filter.regionKeys = options.region;
  if (typeof options.topic === 'string' && options.topic) filter.topics = options.topic;
  if (kind === 'deputy' && typeof options.level === 'string') filter.level = options.level;
  if (kind === 'case' && typeof options.caseKind === 'string') filter.caseKind = options.caseKind;
  if (typeof options.featured === 'boolean') filter.featured = options.featured;
  const m = model(kind);
  const [docs, total] = await Promise.all([
    m.find(filter, summaryProjection[kind]).sort(NEWEST).skip((page - 1) * pageSize).limit(pageSize).lean(),
    m.countDocuments(filter),
  ]);
  return { items: await toSummaries(kind, docs), page, pageSize, total };
}

export async function latestPublished<K extends ContentKind>(kind: K, limit = 5): Promise<PublicSummaryByKind[K][]> {
  const docs = await model(kind).find(PUBLIC, summaryProjection[kind]).sort(NEWEST).limit(clampInt(limit, 5, 1, 100)).lean();
  return toSummaries(kind, docs);
}

/** Upper bound of matches considered per kind; a campaign site holds hundreds, not millions, of public items. */
const SEARCH_CAP = 500;

/**
 * Substring search over title, digest and body of every public kind (Chinese has no word boundaries, so no
 * tokenising). Title matches rank first, then the rest; each group newest first.
 */
export async function searchPublished(text: string, options: { page?: number; pageSize?: number } = {}): Promise<Page<PublicSummary>> {
  const page = clampInt(options.page, 1, 1, 1000);
  const pageSize = clampInt(options.pageSize, 20, 1, 100);
  const needle = typeof text === 'string' ? text.trim().slice(0, 100) : '';
  if (!needle) return { items: [], page, pageSize, total: 0 };
  const re = new RegExp(escapeRegex(needle), 'i');
  const hits: { kind: ContentKind; doc: any; inTitle: boolean }[] = [];
  await Promise.all(
    CONTENT_KINDS.map(async (kind) => {
      const spec = contentKinds[kind];
      const fields = [spec.titleField, 'digest', spec.bodyField, ...(kind === 'case' ? ['summary'] : [])];
      const docs = await spec.model
        .find({ ...PUBLIC, $or: fields.map((f) => ({ [f]: re })) }, summaryProjection[kind])
        .sort(NEWEST)
        .limit(SEARCH_CAP)
        .lean();
      for (const doc of docs) hits.push({ kind, doc, inTitle: re.test(String((doc as any)[spec.titleField] ?? '')) });
    }),
  );
  hits.sort((a, b) => Number(b.inTitle) - Number(a.inTitle) || +new Date(b.doc.publishedAt) - +new Date(a.doc.publishedAt));
  const slice = hits.slice((page - 1) * pageSize, page * pageSize);
  const items: PublicSummary[] = [];
  for (const hit of slice) items.push((await toSummaries(hit.kind, [hit.doc]))[0]);
  return { items, page, pageSize, total: hits.length };
}

/** Where the published articles just before and after (at, _id) in publication order are, and in which order to read. */
function neighbours(at: Date, _id: Types.ObjectId) {
  return {
    older: { filter: { $or: [{ publishedAt: { $lt: at } }, { publishedAt: at, _id: { $lt: _id } }] }, sort: { publishedAt: -1, _id: -1 } as Record<string, 1 | -1> },
    newer: { filter: { $or: [{ publishedAt: { $gt: at } }, { publishedAt: at, _id: { $gt: _id } }] }, sort: { publishedAt: 1, _id: 1 } as Record<string, 1 | -1> },
  };
}

/** The published articles just before and after this one in publication order. */
export async function adjacentArticles(id: string): Promise<{ previous?: PublicArticleSummary; next?: PublicArticleSummary }> {
  if (!isValidObjectId(id)) return {};
  const _id = new Types.ObjectId(String(id));
  const current = await Article.findOne({ ...PUBLIC, _id }, { publishedAt: 1 }).lean();
  if (!current?.publishedAt) return {};
  const { older: o, newer: n } = neighbours(current.publishedAt, _id);
  const [older, newer] = await Promise.all(
    [o, n].map((q) => Article.find({ ...PUBLIC, ...q.filter }, summaryProjection.article).sort(q.sort).limit(1).lean()),
  );
  const [previous] = await toSummaries('article', older);
  const [next] = await toSummaries('article', newer);
  return { previous, next };
}

const RELATED_LIMIT = 6;

export interface ArticlePage {
  item: PublicArticle;
  related: RelatedItems;
  adjacent: { previous?: PublicArticleSummary; next?: PublicArticleSummary };
}

/**
 * Everything an article's public page shows — the article, its related items and its neighbours in publication order —
 * in three steps: the article; the related and neighbour queries side by side (each on an index, from the ids and
 * date the article already holds); one query for every image. The same result as `getPublishedBySlug`,
 * `relatedFor` and `adjacentArticles` together, which look the article up again and load images per list.
 */
export async function articlePage(slug: string): Promise<ArticlePage | null> {
  if (typeof slug !== 'string' || !slug) return null;
  // Straight through the driver: every value in these filters is already of its stored type (ObjectIds, strings,
  // dates read from the article), so mongoose's casting and query building — a tenth of a cache miss's CPU — add
  // nothing. No schema here has getters or `select: false` fields the projections do not already leave out.
  const doc: any = await Article.collection.findOne({ ...PUBLIC, slug }, { projection: detailProjection.article });
  if (!doc) return null;
  const _id = doc._id as Types.ObjectId;
  const at = doc.publishedAt as Date | undefined;
  const near = at && neighbours(at, _id);
  const summaries = (k: ContentKind, filter: Record<string, unknown>, sort: Record<string, 1 | -1> = NEWEST, limit = RELATED_LIMIT): Promise<any[]> =>
    model(k).collection.find({ ...PUBLIC, ...filter }, { projection: summaryProjection[k], sort, limit }).toArray();
  const byIds = (k: ContentKind, ids: Types.ObjectId[] | undefined) => (ids?.length ? summaries(k, { _id: { $in: ids } }) : Promise.resolve([]));
  const [deputies, groups, cases, articles, older, newer] = await Promise.all([
    byIds('deputy', doc.relatedDeputyIds),
    byIds('group', doc.relatedGroupIds),
    byIds('case', doc.relatedCaseIds),
    doc.topics?.length ? summaries('article', { topics: { $in: doc.topics }, _id: { $ne: _id } }) : Promise.resolve([]),
    near ? summaries('article', near.older.filter, near.older.sort, 1) : Promise.resolve([]),
    near ? summaries('article', near.newer.filter, near.newer.sort, 1) : Promise.resolve([]),
  ]);
  const images = await loadImages([
    ...imageIdsOf('article', [doc, ...articles, ...older, ...newer]),
    ...imageIdsOf('deputy', deputies),
    ...imageIdsOf('group', groups),
    ...imageIdsOf('case', cases),
  ]);
  const summary = <K extends ContentKind>(k: K) => (d: any) => toSummary(k, d, images);
  return {
    item: publicItemWith('article', doc, images),
    related: { articles: articles.map(summary('article')), deputies: deputies.map(summary('deputy')), groups: groups.map(summary('group')), cases: cases.map(summary('case')) },
    adjacent: { previous: older.map(summary('article'))[0], next: newer.map(summary('article'))[0] },
  };
}

/** Published items linked to this one (both directions), for "related" boxes on item pages. */
export async function relatedFor(kind: ContentKind, id: string): Promise<RelatedItems> {
  const empty: RelatedItems = { articles: [], deputies: [], groups: [], cases: [] };
  if (!isValidObjectId(id)) return empty;
  const _id = new Types.ObjectId(String(id));
  const doc: any = await model(kind).findOne({ ...PUBLIC, _id }, summaryProjection[kind]).lean();
  if (!doc) return empty;
  const byIds = <T extends ContentKind>(k: T, list: Types.ObjectId[] | undefined) =>
    list?.length ? find(k, { _id: { $in: list } }) : Promise.resolve([] as PublicSummaryByKind[T][]);
  const find = async <T extends ContentKind>(k: T, filter: Record<string, unknown>) =>
    toSummaries(k, await model(k).find({ ...PUBLIC, ...filter }, summaryProjection[k]).sort(NEWEST).limit(RELATED_LIMIT).lean());

  switch (kind) {
    case 'article': {
      const [deputies, groups, cases, articles] = await Promise.all([
        byIds('deputy', doc.relatedDeputyIds),
        byIds('group', doc.relatedGroupIds),
        byIds('case', doc.relatedCaseIds),
        doc.topics?.length ? find('article', { topics: { $in: doc.topics }, _id: { $ne: _id } }) : Promise.resolve([]),
      ]);
      return { articles, deputies, groups, cases };
    }
    case 'deputy': {
      const [articles, cases, groups] = await Promise.all([
        find('article', { relatedDeputyIds: _id }),
        find('case', { relatedDeputyIds: _id }),
        doc.groupId ? find('group', { _id: doc.groupId }) : find('group', { 'members.deputyId': _id }),
      ]);
      return { articles, deputies: [], groups, cases };
    }
    case 'group': {
      const memberIds = (doc.members ?? []).map((m: any) => m.deputyId).filter(Boolean);
      const [articles, cases, deputies] = await Promise.all([
        find('article', { relatedGroupIds: _id }),
        find('case', { relatedGroupIds: _id }),
        find('deputy', memberIds.length ? { $or: [{ groupId: _id }, { _id: { $in: memberIds } }] } : { groupId: _id }),
      ]);
      return { articles, deputies, groups: [], cases };
    }
    default: {
      const [articles, deputies, groups] = await Promise.all([
        find('article', { relatedCaseIds: _id }),
        byIds('deputy', doc.relatedDeputyIds),
        byIds('group', doc.relatedGroupIds),
      ]);
      return { articles, deputies, groups, cases: [] };
    }
  }
}

export type RelatedIds = Record<ContentKind, string[]>;

/**
 * Ids of the published items whose "related" boxes may show this one (and that it shows), for cache invalidation:
 * ids only and without the box limit — every page naming the item must be refreshed, not just the newest six.
 * Articles sharing a topic are the exception: the box shows the newest six of the topic, and every other
 * article of the topic carries those six's tags, so refreshing the six reaches them all.
 */
export async function relatedIdsFor(kind: ContentKind, id: string): Promise<RelatedIds> {
  const out: RelatedIds = { article: [], deputy: [], group: [], case: [] };
  if (!isValidObjectId(id)) return out;
  const _id = new Types.ObjectId(String(id));
  const doc: any = await model(kind).findOne({ ...PUBLIC, _id }, { relatedDeputyIds: 1, relatedGroupIds: 1, relatedCaseIds: 1, groupId: 1, members: 1, topics: 1 }).lean();
  if (!doc) return out;
  const ids = async (k: ContentKind, filter: Record<string, unknown>, limit = 0) =>
    (await model(k).find({ ...PUBLIC, ...filter }, { _id: 1 }).sort(NEWEST).limit(limit).lean()).map((d: any) => String(d._id));
  const byIds = (k: ContentKind, list: Types.ObjectId[] | undefined) => (list?.length ? ids(k, { _id: { $in: list } }) : Promise.resolve([]));
  const pointingHere = (field: string) => ({ [field]: _id });
  switch (kind) {
    case 'article':
      [out.deputy, out.group, out.case, out.article] = await Promise.all([
        byIds('deputy', doc.relatedDeputyIds),
        byIds('group', doc.relatedGroupIds),
        byIds('case', doc.relatedCaseIds),
        doc.topics?.length ? ids('article', { topics: { $in: doc.topics }, _id: { $ne: _id } }, RELATED_LIMIT) : Promise.resolve([]),
      ]);
      break;
    case 'deputy':
      [out.article, out.case, out.group] = await Promise.all([
        ids('article', pointingHere('relatedDeputyIds')),
        ids('case', pointingHere('relatedDeputyIds')),
        ids('group', doc.groupId ? { $or: [{ _id: doc.groupId }, { 'members.deputyId': _id }] } : { 'members.deputyId': _id }),
      ]);
      break;
    case 'group': {
      const memberIds = (doc.members ?? []).map((m: any) => m.deputyId).filter(Boolean);
      [out.article, out.case, out.deputy] = await Promise.all([
        ids('article', pointingHere('relatedGroupIds')),
        ids('case', pointingHere('relatedGroupIds')),
        ids('deputy', memberIds.length ? { $or: [{ groupId: _id }, { _id: { $in: memberIds } }] } : { groupId: _id }),
      ]);
      break;
    }
    default:
      [out.article, out.deputy, out.group] = await Promise.all([
        ids('article', pointingHere('relatedCaseIds')),
        byIds('deputy', doc.relatedDeputyIds),
        byIds('group', doc.relatedGroupIds),
      ]);
  }
  return out;
}

/** Adds page views counted by the microsite (one write per item per batch). Ids that are not valid are ignored. */
export async function recordViews(kind: ContentKind, counts: Record<string, number> | Map<string, number>, at: Date): Promise<void> {
  const entries = (counts instanceof Map ? [...counts] : Object.entries(counts)).filter(([id, n]) => isValidObjectId(id) && Number.isInteger(n) && n > 0);
  const ops = entries.map(([id, n]) => ({ updateOne: { filter: { _id: new Types.ObjectId(id) }, update: { $inc: { viewCount: n } } } }));
  if (!ops.length) return;
  await (model(kind) as any).bulkWrite(ops, { ordered: false });
  // The month's tally comes second: if it fails, the items' counts are not written twice by the caller's retry.
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  await PageViewMonth.updateOne({ _id: beijingMonth(at) }, { $inc: { total, [`byKind.${kind}`]: total } }, { upsert: true }).catch(() => undefined);
}

/** Page views recorded in one Asia/Shanghai month ("YYYY-MM"), by kind. */
export async function monthlyViews(month: string): Promise<{ total: number; byKind: Record<string, number> }> {
  const doc = await PageViewMonth.findById(month).lean();
  return { total: doc?.total ?? 0, byKind: doc?.byKind ?? {} };
}

function clampInt(value: unknown, fallback: number, min: number, max: number): number {
  const n = typeof value === 'number' && Number.isInteger(value) ? value : fallback;
  return Math.min(max, Math.max(min, n));
}

// Re-exported so consumers need one import for models they may reference by type.
export { Article, Deputy, DeputyGroup, CaseStudy };
