/** Experience-exchange meetings: upcoming and past, and the meeting page (the meetings module adds RSVP). */
import type Router from '@koa/router';
import type { AppState } from '../../http/context';
import { getPublishedById } from '../../content/public-queries';
import { cachedPage, renderHtml, siteRuntime } from '../runtime';
import { getPublicMeeting, pastMeetings, upcomingMeetings } from '../meetings-source';
import { meetingLd } from '../structured-data';
import { itemTag, listTag } from '../change-tags';
import { formatDateTime } from '../views';

export function registerMeetingPages(router: Router<AppState>): void {
  router.get(
    '/meetings',
    cachedPage({}, async (ctx) => {
      const now = siteRuntime().now();
      const [upcoming, past] = await Promise.all([upcomingMeetings(now, 20), pastMeetings(now, 20)]);
      const body = renderHtml(ctx.path, 'meetings.njk', {
        upcoming,
        past,
        meta: { title: '经验交流会', description: '典型模式经验交流会：时间、地点、议程，开放报名的会议可在线报名。', nav: 'meetings' },
      });
      return { body, tags: [listTag('meeting')], ttlMs: 60_000 };
    }),
  );

  router.get(
    '/meetings/:slug',
    cachedPage({}, async (ctx) => {
      const rt = siteRuntime();
      const item = await getPublicMeeting(ctx.params.slug, rt.now());
      if (!item) return null;
      const [cases, deputies] = await Promise.all([
        Promise.all(item.featuredCaseIds.map((id) => getPublishedById('case', id))),
        Promise.all(item.featuredDeputyIds.map((id) => getPublishedById('deputy', id))),
      ]);
      const shownCases = cases.filter((c) => !!c);
      const shownDeputies = deputies.filter((d) => !!d);
      const body = renderHtml(ctx.path, 'meeting.njk', {
        item,
        cases: shownCases,
        deputies: shownDeputies,
        meta: {
          title: item.title,
          description: `${formatDateTime(item.startsAt)} · ${item.venue}${item.theme ? `。${item.theme}` : ''}${item.signup?.open ? '。开放报名中' : ''}`,
          image: shownCases.find((c) => c!.cover)?.cover?.cover,
          canonicalPath: item.path, jsonLd: meetingLd(rt.publicBaseUrl, item), nav: 'meetings' },
      });
      return {
        body,
        tags: [
          itemTag('meeting', item.id),
          // A featured case or deputy published later should appear here.
          ...item.featuredCaseIds.map((id) => itemTag('case', id)),
          ...item.featuredDeputyIds.map((id) => itemTag('deputy', id)),
        ],
        ttlMs: 60_000,
      };
    }),
  );
}
