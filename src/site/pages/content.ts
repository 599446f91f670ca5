/** Lists and item pages of the four content kinds: news, typical deputies, deputy groups, model cases. */
import type Router from '@koa/router';
import type { AppState } from '../../http/context';
import {
  articlePage,
  getPublishedBySlug,
  listPublished,
  relatedFor,
  type ContentKind,
  type PublicArticle,
  type PublicArticleSummary,
  type PublicCase,
  type PublicDeputy,
  type PublicGroup,
  type PublicItemByKind,
  type RelatedItems,
} from '../../content/public-queries';
import { CASE_KINDS, CASE_KIND_LABELS, DEPUTY_LEVELS, DEPUTY_LEVEL_LABELS } from '../../content/enums';
import { cachedPage, renderHtml, siteRuntime } from '../runtime';
import { enumParam, oneOf, pageNumber, pageParam, pager, queryValue, textParam } from '../paging';
import { articleLd, caseLd, deputyLd, groupLd } from '../structured-data';
import { itemTag, listTag } from '../change-tags';
import { recentPublicActivities } from '../../activities';

const PAGE_SIZE = 12;

/**
 * A list page is kept when it shows something, or is the first page without a free-form filter: an empty page for a
 * made-up region or topic, or past the end, is served but not kept (junk must not push popular pages out).
 */
function worthKeeping(shown: number, page: number, freeForm: (string | undefined)[]): boolean {
  return shown > 0 || (page === 1 && freeForm.every((v) => !v));
}

function relatedTags(related: RelatedItems): string[] {
  return [
    ...related.articles.map((a) => itemTag('article', a.id)),
    ...related.deputies.map((d) => itemTag('deputy', d.id)),
    ...related.groups.map((g) => itemTag('group', g.id)),
    ...related.cases.map((c) => itemTag('case', c.id)),
  ];
}

type Adjacent = { previous?: PublicArticleSummary; next?: PublicArticleSummary };
type GroupActivities = Awaited<ReturnType<typeof recentPublicActivities>>;

/**
 * The HTML of one item's page. The routes below and the editors' preview (src/preview/) both render through here,
 * so a preview is exactly the page readers will get.
 */
export function itemPageHtml<K extends ContentKind>(requestPath: string, kind: K, item: PublicItemByKind[K], related: RelatedItems, adjacent: Adjacent = {}, groupActivities: GroupActivities = []): string {
  const base = siteRuntime().publicBaseUrl;
  switch (kind) {
    case 'article': {
      const a = item as PublicArticle;
      return renderHtml(requestPath, 'article.njk', {
        item: a,
        related,
        adjacent,
        meta: { title: a.title, description: a.digest, canonicalPath: a.path, ogType: 'article', image: a.cover?.cover, jsonLd: articleLd(base, a), nav: 'news' },
      });
    }
    case 'deputy': {
      const d = item as PublicDeputy;
      return renderHtml(requestPath, 'deputy.njk', {
        item: d,
        related,
        meta: {
          title: d.name,
          // A share card that says who this is, not just a name.
          shareTitle: [`${d.name}：${d.levelLabel}`, [d.region?.county ?? d.region?.city, d.occupation].filter(Boolean).join(' ')].filter(Boolean).join(' · '),
          description: d.digest || `${d.levelLabel}${d.name}${d.occupation ? `，${d.occupation}` : ''}`,
          canonicalPath: d.path,
          ogType: 'profile',
          image: d.photo?.cover,
          jsonLd: deputyLd(base, d),
          nav: 'deputies',
        },
      });
    }
    case 'group': {
      const g = item as PublicGroup;
      const members = g.members.map((m) => ({ ...m, levelLabel: m.level ? DEPUTY_LEVEL_LABELS[m.level] : undefined }));
      return renderHtml(requestPath, 'group.njk', {
        item: { ...g, members },
        records: groupActivities,
        // Members are listed in full above; the related box keeps news and cases.
        related: { ...related, deputies: [] },
        meta: { title: g.name, description: g.digest, canonicalPath: g.path, image: g.cover?.cover, jsonLd: groupLd(base, g), nav: 'groups' },
      });
    }
    default: {
      const c = item as PublicCase;
      return renderHtml(requestPath, 'case.njk', {
        item: c,
        related,
        meta: {
          title: c.title,
          description: c.summary || c.digest,
          canonicalPath: c.path,
          ogType: 'article',
          image: c.cover?.cover,
          jsonLd: caseLd(base, c),
          nav: 'cases',
        },
      });
    }
  }
}

export function registerContentPages(router: Router<AppState>): void {
  router.get(
    '/news',
    cachedPage({ query: { region: textParam(50), topic: textParam(50), page: pageParam } }, async (ctx) => {
      const page = pageNumber(ctx);
      const region = queryValue(ctx, 'region', 50);
      const topic = queryValue(ctx, 'topic', 50);
      const result = await listPublished('article', { page, pageSize: PAGE_SIZE, region, topic });
      const filters = [region && { label: `地区：${region}` }, topic && { label: `专题：${topic}` }].filter(Boolean);
      const body = renderHtml(ctx.path, 'news-list.njk', {
        items: result.items,
        filters,
        pages: pager('/news', { region, topic }, page, PAGE_SIZE, result.total),
        meta: {
          title: topic ?? region ?? '活动动态',
          description: `“人大代表在行动”${topic ? `“${topic}”` : region ? `${region}` : ''}活动动态：代表履职的新闻报道。`,
          nav: 'news',
          canonicalPath: pageCanonical('/news', { region, topic, page }),
        },
      });
      return { body, tags: [listTag('article')], store: worthKeeping(result.items.length, page, [region, topic]) };
    }),
  );

  router.get(
    '/news/:slug',
    cachedPage({}, async (ctx) => {
      const page = await articlePage(ctx.params.slug);
      if (!page) return null;
      const { item, related, adjacent } = page;
      const body = itemPageHtml(ctx.path, 'article', item, related, adjacent);
      const neighbours = [adjacent.previous, adjacent.next].filter((a) => !!a).map((a) => itemTag('article', a.id));
      return { body, tags: [itemTag('article', item.id), ...relatedTags(related), ...neighbours], view: { kind: 'article', id: item.id } };
    }),
  );

  router.get(
    '/deputies',
    cachedPage({ query: { level: enumParam(DEPUTY_LEVELS), region: textParam(50), page: pageParam } }, async (ctx) => {
      const page = pageNumber(ctx);
      const level = oneOf(queryValue(ctx, 'level'), DEPUTY_LEVELS);
      const region = queryValue(ctx, 'region', 50);
      const result = await listPublished('deputy', { page, pageSize: PAGE_SIZE, level, region });
      const body = renderHtml(ctx.path, 'deputies.njk', {
        items: result.items,
        level,
        region,
        levels: DEPUTY_LEVELS.map((value) => ({ value, label: DEPUTY_LEVEL_LABELS[value] })),
        pages: pager('/deputies', { level, region }, page, PAGE_SIZE, result.total),
        meta: {
          title: level ? DEPUTY_LEVEL_LABELS[level] : '典型代表',
          description: `${level ? DEPUTY_LEVEL_LABELS[level] : '市、县、乡三级'}中的典型代表：扎根基层、履职为民的故事。`,
          nav: 'deputies',
          canonicalPath: pageCanonical('/deputies', { level, region, page }),
        },
      });
      return { body, tags: [listTag('deputy')], store: worthKeeping(result.items.length, page, [region]) };
    }),
  );

  router.get(
    '/deputies/:slug',
    cachedPage({}, async (ctx) => {
      const item = await getPublishedBySlug('deputy', ctx.params.slug);
      if (!item) return null;
      const related = await relatedFor('deputy', item.id);
      const body = itemPageHtml(ctx.path, 'deputy', item, related);
      return { body, tags: [itemTag('deputy', item.id), ...relatedTags(related)], view: { kind: 'deputy', id: item.id } };
    }),
  );

  router.get(
    '/groups',
    cachedPage({ query: { region: textParam(50), page: pageParam } }, async (ctx) => {
      const page = pageNumber(ctx);
      const region = queryValue(ctx, 'region', 50);
      const result = await listPublished('group', { page, pageSize: PAGE_SIZE, region });
      const body = renderHtml(ctx.path, 'groups.njk', {
        items: result.items,
        region,
        pages: pager('/groups', { region }, page, PAGE_SIZE, result.total),
        meta: { title: '代表小组', description: '代表小组的成员、活动记录与成效。', nav: 'groups', canonicalPath: pageCanonical('/groups', { region, page }) },
      });
      return { body, tags: [listTag('group')], store: worthKeeping(result.items.length, page, [region]) };
    }),
  );

  router.get(
    '/groups/:slug',
    cachedPage({}, async (ctx) => {
      const item = await getPublishedBySlug('group', ctx.params.slug);
      if (!item) return null;
      const related = await relatedFor('group', item.id);
      const records = await recentPublicActivities(item.id, 10);
      const body = itemPageHtml(ctx.path, 'group', item, related, {}, records);
      // Member links appear only for published deputies: any deputy change may add or remove one.
      return { body, tags: [itemTag('group', item.id), listTag('deputy'), ...relatedTags(related)], view: { kind: 'group', id: item.id } };
    }),
  );

  router.get(
    '/cases',
    cachedPage({ query: { kind: enumParam(CASE_KINDS), region: textParam(50), page: pageParam } }, async (ctx) => {
      const page = pageNumber(ctx);
      const caseKind = oneOf(queryValue(ctx, 'kind'), CASE_KINDS);
      const region = queryValue(ctx, 'region', 50);
      const result = await listPublished('case', { page, pageSize: PAGE_SIZE, caseKind, region });
      const body = renderHtml(ctx.path, 'cases.njk', {
        items: result.items,
        caseKind,
        kinds: CASE_KINDS.map((value) => ({ value, label: CASE_KIND_LABELS[value] })),
        pages: pager('/cases', { kind: caseKind, region }, page, PAGE_SIZE, result.total),
        meta: {
          title: caseKind ? CASE_KIND_LABELS[caseKind] : '典型模式',
          description: '可复制、可推广的典型模式：代表小组活动、乡镇人大主席团工作、常委会组织代表活动。',
          nav: 'cases',
          canonicalPath: pageCanonical('/cases', { kind: caseKind, region, page }),
        },
      });
      return { body, tags: [listTag('case')], store: worthKeeping(result.items.length, page, [region]) };
    }),
  );

  router.get(
    '/cases/:slug',
    cachedPage({}, async (ctx) => {
      const item = await getPublishedBySlug('case', ctx.params.slug);
      if (!item) return null;
      const related = await relatedFor('case', item.id);
      const body = itemPageHtml(ctx.path, 'case', item, related);
      return { body, tags: [itemTag('case', item.id), ...relatedTags(related)], view: { kind: 'case', id: item.id } };
    }),
  );
}

/** Canonical URL of a list page: its own filters and page number, nothing else. */
function pageCanonical(basePath: string, params: Record<string, string | number | undefined>): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '' && !(k === 'page' && v === 1)) qs.set(k, String(v));
  const s = qs.toString();
  return s ? `${basePath}?${s}` : basePath;
}

export type { ContentKind };
