/** Public JSON: the RSVP API (same rules as the page, for tests and other front ends) and calendar files. */
import { z } from 'zod';
import { ApiRouter } from '../../http/api-router';
import { objectId } from '../../http/schemas';
import { rateLimit } from '../../http/rate-limit';
import { NotFoundError } from '../../errors';
import { Meeting, type MeetingDoc, type MeetingStatus } from '../models';
import { rsvpBody, signupBody } from '../schemas';
import { signUp } from '../signup';
import type { AppContext } from '../../http/context';
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

/** `signupLimit`: the per-address limiter the sign-up page shares (one count across both doors). */
export function publicRoutes(mc: MeetingsContext, signupLimit: (ctx: AppContext, next: () => Promise<unknown>) => Promise<unknown>): ApiRouter {
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
    summary: 'Answer (accepted / declined, optional note); changeable until the deadline. "accepted" when every seat is taken puts the person on the wait-list (response waitlisted, waitlistPosition); a freed seat goes to the wait-list in order, with an SMS',
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
    method: 'post',
    path: '/api/public/meetings/:slug/signup',
    summary:
      'Sign up for an open meeting (name, mobile kept private, unit). 201 with `response` accepted, or waitlisted when every seat is taken, and the personal RSVP path; the confirmation SMS carries the same link. 409 signup_closed / already_registered; 429 when one address signs up too often',
    tags: TAGS,
    access: 'public',
    params: z.object({ slug: z.string().min(1).max(120) }).strict(),
    body: signupBody,
    responses: { 201: 'Signed up (or on the wait-list)' },
    before: [signupLimit, async (ctx, next) => {
      assertSameOrigin(ctx, mc.config.publicBaseUrl);
      await next();
    }],
    handler: async (ctx, { params, body }) => {
      ctx.set('Cache-Control', 'private, no-store');
      const result = await signUp(mc, await findPublicMeeting({ slug: params.slug }), body);
      ctx.status = 201;
      return { response: result.response, rsvpPath: `/r/${result.token}` };
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
