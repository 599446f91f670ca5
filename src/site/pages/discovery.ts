/** Feeds and discovery: RSS 2.0 of news, sitemap.xml, robots.txt. */
import type Router from '@koa/router';
import { Feed } from 'feed';
import { SitemapStream, streamToPromise } from 'sitemap';
import type { AppState } from '../../http/context';
import { listPublished, type ContentKind, type PublicSummary } from '../../content/public-queries';
import { CONTENT_KINDS } from '../../content/enums';
import { absoluteUrl, sectionPath } from '../../urls';
import { cachedPage, SITE_DESCRIPTION, siteName, siteRuntime } from '../runtime';
import { allPublicMeetings } from '../meetings-source';
import { listTag } from '../change-tags';

const FEED_SIZE = 30;
/** Sitemap files hold at most 50,000 URLs; a campaign site stays far below. */
const SITEMAP_PER_KIND = 5000;

export function registerDiscovery(router: Router<AppState>): void {
  router.get(
    '/feed.xml',
    cachedPage({}, async () => {
      const base = siteRuntime().publicBaseUrl;
      const { items } = await listPublished('article', { pageSize: FEED_SIZE });
      const feed = new Feed({
        id: `${base}/`,
        title: siteName(),
        description: SITE_DESCRIPTION,
        link: `${base}/`,
        language: 'zh-CN',
        generator: false,
        copyright: siteName(),
        updated: items[0]?.publishedAt,
        feedLinks: { rss: `${base}/feed.xml` },
      });
      for (const a of items) {
        feed.addItem({
          title: a.title,
          id: absoluteUrl(base, a.path),
          link: absoluteUrl(base, a.path),
          date: a.publishedAt,
          description: a.digest,
          author: a.byline ? [{ name: a.byline }] : undefined,
          category: a.topics.map((name) => ({ name })),
          image: a.cover ? absoluteUrl(base, a.cover.cover) : undefined,
        });
      }
      return { body: feed.rss2(), contentType: 'application/rss+xml; charset=utf-8', tags: ['feed', listTag('article')] };
    }),
  );

  router.get(
    '/sitemap.xml',
    cachedPage({}, async () => {
      const rt = siteRuntime();
      const stream = new SitemapStream({ hostname: rt.publicBaseUrl });
      const kinds = await Promise.all(CONTENT_KINDS.map((kind) => allOf(kind)));
      const meetings = await allPublicMeetings(rt.now());
      const entries: { url: string; lastmod?: string; changefreq?: string; priority?: number }[] = [
        { url: '/', changefreq: 'daily', priority: 1 },
        ...CONTENT_KINDS.map((k) => ({ url: sectionPath(k), changefreq: 'daily', priority: 0.8 })),
        { url: sectionPath('meeting'), changefreq: 'daily', priority: 0.8 },
        ...kinds.flat().map((item: PublicSummary) => ({ url: item.path, lastmod: new Date(item.updatedAt).toISOString(), priority: 0.6 })),
        ...meetings.map((m) => ({ url: m.path, lastmod: new Date(m.updatedAt).toISOString(), priority: 0.6 })),
      ];
      for (const entry of entries) stream.write(entry);
      stream.end();
      const xml = (await streamToPromise(stream)).toString('utf8');
      return { body: xml, contentType: 'application/xml; charset=utf-8', tags: ['sitemap', ...CONTENT_KINDS.map(listTag), listTag('meeting')] };
    }),
  );

  router.get('/robots.txt', (ctx) => {
    const base = siteRuntime().publicBaseUrl;
    ctx.type = 'text/plain; charset=utf-8';
    ctx.set('Cache-Control', 'public, max-age=3600');
    ctx.body = `User-agent: *\nAllow: /\nDisallow: /api/\nDisallow: /search\n\nSitemap: ${base}/sitemap.xml\n`;
  });
}

async function allOf(kind: ContentKind): Promise<PublicSummary[]> {
  const out: PublicSummary[] = [];
  for (let page = 1; out.length < SITEMAP_PER_KIND; page++) {
    const result = await listPublished(kind, { page, pageSize: 100 });
    out.push(...result.items);
    if (page * 100 >= result.total) break;
  }
  return out;
}
