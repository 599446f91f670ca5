/** The home page: the campaign's theme, headline news, featured deputies, model cases, upcoming meetings. */
import type Router from '@koa/router';
import type { AppState } from '../../http/context';
import { latestPublished, listPublished } from '../../content/public-queries';
import { cachedPage, renderHtml, siteRuntime } from '../runtime';
import { upcomingMeetings } from '../meetings-source';
import { websiteLd } from '../structured-data';
import { itemTag, listTag } from '../change-tags';

export const CAMPAIGN_THEME = '践行全过程人民民主，履职为民，代表就在身边。';

export function registerHome(router: Router<AppState>): void {
  router.get(
    '/',
    cachedPage({}, async (ctx) => {
      const rt = siteRuntime();
      const now = rt.now();
      const [featuredNews, news, featuredDeputies, cases, meetings] = await Promise.all([
        listPublished('article', { featured: true, pageSize: 1 }),
        latestPublished('article', 7),
        listPublished('deputy', { featured: true, pageSize: 6 }),
        latestPublished('case', 4),
        upcomingMeetings(now, 3),
      ]);
      const headline = featuredNews.items[0] ?? news[0];
      const deputies = featuredDeputies.items.length ? featuredDeputies.items : await latestPublished('deputy', 6);
      const body = renderHtml(ctx.path, 'home.njk', {
        theme: CAMPAIGN_THEME,
        headline,
        news: news.filter((a) => a.id !== headline?.id).slice(0, 6),
        deputies,
        cases,
        meetings,
        meta: { nav: 'home', jsonLd: websiteLd(rt.publicBaseUrl), canonicalPath: '/' },
      });
      return {
        body,
        tags: ['home', listTag('article'), listTag('deputy'), listTag('case'), listTag('meeting'), ...meetings.map((m) => itemTag('meeting', m.id))],
        // Meetings leave "upcoming" when they end, with no event to say so.
        ttlMs: 60_000,
      };
    }),
  );
}
