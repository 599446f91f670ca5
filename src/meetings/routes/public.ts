/** Public JSON: the RSVP API (same rules as the page, for tests and other front ends) and calendar files. */
import { z } from 'zod';
import { ApiRouter } from '../../http/api-router';
import { objectId } from '../../http/schemas';
import { rateLimit } from '../../http/rate-limit';
import { NotFoundError } from '../../errors';
import { Meeting, type MeetingDoc, type MeetingStatus } from '../models';
import { rsvpBody } from '../schemas';
import { respond, viewRsvp } from '../rsvp';
import { icsContentDisposition, meetingIcs } from '../ics';
import { toPublicMeeting } from '../views';
import { assertSameOrigin } from '../same-origin';
import type { MeetingsContext } from '../context';

const TAGS = ['meetings'];
const tokenParams = z.object({ token: z.string().min(1).max(100) }).strict();
/** Meetings the public may see: announced ones, including changed, cancelled and held. */
const PUBLIC_STATUSES: MeetingStatus[] = ['announced', 'changed', 'cancelled', 'held'];

export async function findPublicMeeting(filter: { _id: string } | { slug: string }): Promise<MeetingDoc> {
  const m = await Meeting.findOne({ ...filter, status: { $in: PUBLIC_STATUSES } }).lean<MeetingDoc>();
  if (!m) throw new NotFoundError('会议不存在', 'meeting_not_found');
  return m;
}

export function publicRoutes(mc: MeetingsContext): ApiRouter {
  const api = new ApiRouter();
  // Bursts against one instance: generous for a meeting hall answering at once behind one NAT address.
  const limit = rateLimit({ clock: mc.clock, windowMs: 60_000, max: 600 });

  api.add({
    method: 'get',
    path: '/api/public/rsvp/:token',
    summary: 'The invitation behind a personal RSVP link: meeting, current answer, whether it can still change',
    tags: TAGS,
    access: 'public',
    params: tokenParams,
    before: [limit],
    handler: async (ctx, { params }) => {
      ctx.set('Cache-Control', 'private, no-store');
      return viewRsvp(mc, params.token);
    },
  });

  api.add({
    method: 'post',
    path: '/api/public/rsvp/:token',
    summary: 'Answer (accepted / declined, optional note); changeable until the deadline; 409 meeting_full when no seat is left',
    tags: TAGS,
    access: 'public',
    params: tokenParams,
    body: rsvpBody,
    before: [limit, async (ctx, next) => {
      assertSameOrigin(ctx, mc.config.publicBaseUrl);
      await next();
    }],
    handler: async (ctx, { params, body }) => {
      ctx.set('Cache-Control', 'private, no-store');
      return respond(mc, params.token, body);
    },
  });

  api.add({
    method: 'get',
    path: '/api/public/meetings/:slug',
    summary: 'A public meeting (announced, changed, cancelled or held)',
    tags: TAGS,
    access: 'public',
    params: z.object({ slug: z.string().min(1).max(120) }).strict(),
    handler: async (_ctx, { params }) => toPublicMeeting(await findPublicMeeting({ slug: params.slug })),
  });

  api.add({
    method: 'get',
    path: '/api/public/meetings/:id/ics',
    summary: 'The meeting as an iCalendar file (Asia/Shanghai; SEQUENCE bumped on change; STATUS:CANCELLED when cancelled)',
    tags: TAGS,
    access: 'public',
    params: z.object({ id: objectId }).strict(),
    responseType: 'text/calendar',
    handler: async (ctx, { params }) => {
      const m = await findPublicMeeting({ _id: params.id });
      ctx.type = 'text/calendar; charset=utf-8';
      ctx.set('Content-Disposition', icsContentDisposition(m));
      ctx.set('Cache-Control', 'no-cache');
      ctx.body = meetingIcs(m, mc.config.publicBaseUrl);
    },
  });

  return api;
}
