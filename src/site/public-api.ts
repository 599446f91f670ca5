/**
 * The public, read-only JSON API for other front ends (/api/public/…): the same visibility rules as the pages —
 * published, not deleted, public fields only — because it reads through the same public queries.
 * One meeting by slug (/api/public/meetings/:slug) belongs to the meetings module.
 */
import { z } from 'zod';
import { ApiRouter } from '../http/api-router';
import { pagination, queryString } from '../http/schemas';
import { NotFoundError } from '../errors';
import { CASE_KINDS, DEPUTY_LEVELS, type ContentKind } from '../content/enums';
import { adjacentArticles, getPublishedBySlug, listPublished, relatedFor, searchPublished } from '../content/public-queries';
import { pastMeetings, upcomingMeetings } from './meetings-source';
import type { Clock } from '../clock';

const slugParams = z.object({ slug: z.string().min(1).max(120) }).strict();
const listQuery = { ...pagination, region: queryString.optional(), topic: queryString.optional() };

const sections: { path: string; kind: ContentKind; label: string; extra: z.ZodRawShape }[] = [
  { path: 'news', kind: 'article', label: 'news articles', extra: {} },
  { path: 'deputies', kind: 'deputy', label: 'typical deputies', extra: { level: z.enum(DEPUTY_LEVELS).optional() } },
  { path: 'groups', kind: 'group', label: 'deputy groups', extra: {} },
  { path: 'cases', kind: 'case', label: 'model cases', extra: { kind: z.enum(CASE_KINDS).optional() } },
];

export function publicApi(clock: Clock): ApiRouter {
  const api = new ApiRouter();
  for (const section of sections) {
    api.add({
      method: 'get',
      path: `/api/public/${section.path}`,
      summary: `Published ${section.label}, newest first`,
      tags: ['public'],
      access: 'public',
      query: z.object({ ...listQuery, ...section.extra }).strict(),
      handler: (_ctx, { query }) => {
        const q = query as { page: number; pageSize: number; region?: string; topic?: string; level?: (typeof DEPUTY_LEVELS)[number]; kind?: (typeof CASE_KINDS)[number] };
        return listPublished(section.kind, { page: q.page, pageSize: q.pageSize, region: q.region || undefined, topic: q.topic || undefined, level: q.level, caseKind: q.kind });
      },
    });
    api.add({
      method: 'get',
      path: `/api/public/${section.path}/:slug`,
      summary: `One published ${section.label.replace(/s$/, '').replace(/ie$/, 'y')} with its related items`,
      tags: ['public'],
      access: 'public',
      params: slugParams,
      responses: { 200: 'OK', 404: 'Not published' },
      handler: async (_ctx, { params }) => {
        const item = await getPublishedBySlug(section.kind, params.slug);
        if (!item) throw new NotFoundError('内容不存在或未发布');
        const [related, adjacent] = await Promise.all([
          relatedFor(section.kind, item.id),
          section.kind === 'article' ? adjacentArticles(item.id) : Promise.resolve(undefined),
        ]);
        return { item, related, ...(adjacent ? { adjacent } : {}) };
      },
    });
  }

  api.add({
    method: 'get',
    path: '/api/public/meetings',
    summary: 'Experience-exchange meetings: upcoming (soonest first) or past (latest first)',
    tags: ['public'],
    access: 'public',
    query: z.object({ when: z.enum(['upcoming', 'past']).default('upcoming'), limit: z.coerce.number().int().min(1).max(100).default(20) }).strict(),
    handler: async (_ctx, { query }) => {
      const now = clock.now();
      const items = query.when === 'upcoming' ? await upcomingMeetings(now, query.limit) : await pastMeetings(now, query.limit);
      return { items };
    },
  });
  api.add({
    method: 'get',
    path: '/api/public/search',
    summary: 'Search published content: title matches first, then newest',
    tags: ['public'],
    access: 'public',
    query: z.object({ q: z.string().trim().min(1, '请输入搜索关键词').max(100), ...pagination }).strict(),
    handler: (_ctx, { query }) => searchPublished(query.q, { page: query.page, pageSize: query.pageSize }),
  });
  return api;
}
