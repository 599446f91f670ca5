/** Site search: substring match over every public kind, title matches first, then newest. */
import type Router from '@koa/router';
import type { AppState } from '../../http/context';
import { searchPublished } from '../../content/public-queries';
import { cachedPage, renderHtml } from '../runtime';
import { pageNumber, pageParam, pager, queryValue, textParam } from '../paging';

const PAGE_SIZE = 20;

export function registerSearch(router: Router<AppState>): void {
  router.get(
    '/search',
    cachedPage({ query: { q: textParam(100), page: pageParam } }, async (ctx) => {
      const q = queryValue(ctx, 'q', 100) ?? '';
      const page = pageNumber(ctx);
      const result = q ? await searchPublished(q, { page, pageSize: PAGE_SIZE }) : { items: [], total: 0 };
      const body = renderHtml(ctx.path, 'search.njk', {
        q,
        items: result.items,
        total: result.total,
        pages: pager('/search', { q }, page, PAGE_SIZE, result.total),
        meta: { title: q ? `搜索：${q}` : '搜索', nav: 'search', noindex: true, canonicalPath: '/search' },
      });
      // Searches that find nothing are not kept: made-up queries must not push popular pages out of the cache.
      return { body, tags: ['search'], store: !q || result.items.length > 0 };
    }),
  );
}
