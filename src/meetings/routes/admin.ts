/** /api/admin/meetings…: organizers (and admins) plan, announce, change, follow and wrap up meetings. */
import { Types } from 'mongoose';
import { z } from 'zod';
import { adminMeeting, meetingPage, rsvpRow, rsvpSummary } from '../response-schemas';
import { ApiRouter } from '../../http/api-router';
import { idParams, objectId, pagination } from '../../http/schemas';
import type { AppContext } from '../../http/context';
import { MEETING_STATUSES, RSVP_RESPONSES } from '../models';
import { cancelBody, createMeetingBody, rescheduleBody, updateMeetingBody, versionBody } from '../schemas';
import { createMeeting, deleteMeeting, findMeeting, getMeeting, isLive, listMeetings, updateMeeting } from '../service';
import { announceMeeting, inviteNewcomers } from '../announce';
import { cancelMeeting, markHeld, rescheduleMeeting } from '../changes';
import { listRsvps, rsvpCsv, setCheckIn } from '../attendance';
import { listReminders } from '../reminders';
import { resendInvitations } from '../resend';
import { createFollowUpDraft } from '../follow-up';
import { syncMeetingPage } from '../publishable';
import { promoteWaitlist } from '../waitlist';
import type { Actor, MeetingsContext } from '../context';

const ORGANIZERS = ['organizer'] as const;
const TAGS = ['meetings'];

function actor(ctx: AppContext): Actor {
  const u = ctx.state.user!;
  return { id: u.id, displayName: u.displayName };
}

export function adminRoutes(mc: MeetingsContext): ApiRouter {
  const api = new ApiRouter();

  api.add({
    method: 'get',
    path: '/api/admin/meetings',
    summary: 'List meetings, latest first',
    tags: TAGS,
    access: ORGANIZERS,
    query: z.object({ status: z.enum(MEETING_STATUSES).optional(), ...pagination }).strict(),
    response: meetingPage,
    handler: (_ctx, { query }) => listMeetings(query),
  });

  api.add({
    method: 'post',
    path: '/api/admin/meetings',
    summary: 'Create a meeting (draft). Times: ISO with offset, or local Asia/Shanghai "YYYY-MM-DD HH:mm"',
    tags: TAGS,
    access: ORGANIZERS,
    body: createMeetingBody,
    responses: { 201: 'Created' },
    response: adminMeeting,
    handler: async (ctx, { body }) => {
      ctx.status = 201;
      return createMeeting(mc, body, actor(ctx));
    },
  });

  api.add({
    method: 'get',
    path: '/api/admin/meetings/:id',
    summary: 'One meeting',
    tags: TAGS,
    access: ORGANIZERS,
    params: idParams,
    response: adminMeeting,
    handler: (_ctx, { params }) => getMeeting(params.id),
  });

  api.add({
    method: 'patch',
    path: '/api/admin/meetings/:id',
    summary: 'Edit a meeting (send the version you loaded). Once announced, time and place change through /reschedule; invitees added then are invited at once',
    tags: TAGS,
    access: ORGANIZERS,
    params: idParams,
    body: updateMeetingBody,
    handler: async (ctx, { params, body }) => {
      const view = await updateMeeting(mc, params.id, body, actor(ctx));
      if (!isLive(view.status)) return view;
      // A larger capacity (or none) frees seats for the wait-list.
      if (body.capacity !== undefined) await promoteWaitlist(mc, new Types.ObjectId(params.id));
      const meeting = await findMeeting(params.id);
      await syncMeetingPage(meeting, mc.clock.now());
      mc.events.emit('item.changed', { kind: 'meeting', id: params.id, slug: meeting.slug, reason: 'updated' });
      return body.invitees ? { ...view, invitations: await inviteNewcomers(mc, meeting, actor(ctx)) } : view;
    },
  });

  api.add({
    method: 'delete',
    path: '/api/admin/meetings/:id',
    summary: 'Delete a draft meeting (announced meetings are cancelled instead)',
    tags: TAGS,
    access: ORGANIZERS,
    params: idParams,
    responses: { 204: 'Deleted' },
    handler: async (ctx, { params }) => {
      await deleteMeeting(params.id);
      ctx.status = 204;
    },
  });

  api.add({
    method: 'post',
    path: '/api/admin/meetings/:id/announce',
    summary: 'Announce: page, official account, and an SMS invitation with a personal RSVP link to every invitee',
    tags: TAGS,
    access: ORGANIZERS,
    params: idParams,
    body: versionBody,
    handler: (ctx, { params, body }) => announceMeeting(mc, params.id, body.version, actor(ctx)),
  });

  api.add({
    method: 'post',
    path: '/api/admin/meetings/:id/reschedule',
    summary: 'Move the meeting (time and/or place); those who accepted are told by SMS and the account',
    tags: TAGS,
    access: ORGANIZERS,
    params: idParams,
    body: rescheduleBody,
    handler: (ctx, { params, body }) => rescheduleMeeting(mc, params.id, body, actor(ctx)),
  });

  api.add({
    method: 'post',
    path: '/api/admin/meetings/:id/cancel',
    summary: 'Cancel the meeting; those who accepted are told, RSVP closes, no more reminders',
    tags: TAGS,
    access: ORGANIZERS,
    params: idParams,
    body: cancelBody,
    handler: (ctx, { params, body }) => cancelMeeting(mc, params.id, body, actor(ctx)),
  });

  api.add({
    method: 'post',
    path: '/api/admin/meetings/:id/held',
    summary: 'Mark the meeting as held (after it started)',
    tags: TAGS,
    access: ORGANIZERS,
    params: idParams,
    body: versionBody,
    handler: (ctx, { params, body }) => markHeld(mc, params.id, body.version, actor(ctx)),
  });

  api.add({
    method: 'get',
    path: '/api/admin/meetings/:id/rsvps',
    summary: 'Answers so far: counts and the list (live)',
    tags: TAGS,
    access: ORGANIZERS,
    params: idParams,
    query: z.object({ response: z.enum(RSVP_RESPONSES).optional() }).strict(),
    response: rsvpSummary,
    handler: async (ctx, { params, query }) => {
      ctx.set('Cache-Control', 'no-store');
      return listRsvps(await findMeeting(params.id), query);
    },
  });

  api.add({
    method: 'post',
    path: '/api/admin/meetings/:id/invitations/resend',
    summary: 'Resend the invitation with a new personal link: to the invitations named, or to everyone who has not answered',
    tags: TAGS,
    access: ORGANIZERS,
    params: idParams,
    body: z.object({ invitationIds: z.array(z.string().regex(/^[0-9a-f]{24}$/, 'an invitation id')).min(1).max(2000).optional() }).strict(),
    responses: { 200: 'Queued (resent: how many)', 409: 'The meeting is no longer live' },
    handler: (ctx, { params, body }) => resendInvitations(mc, params.id, body, actor(ctx)),
  });

  api.add({
    method: 'post',
    path: '/api/admin/meetings/:id/check-ins',
    summary: 'Check an invitee in at the meeting (present: true) or undo it (false); the RSVP list shows checkedInAt and counts.checkedIn',
    tags: TAGS,
    access: ORGANIZERS,
    params: idParams,
    body: z.object({ invitationId: objectId, present: z.boolean() }).strict(),
    response: rsvpRow,
    handler: async (ctx, { params, body }) => setCheckIn(await findMeeting(params.id), body.invitationId, body.present, ctx.state.user!.username, mc.clock.now()),
  });

  api.add({
    method: 'get',
    path: '/api/admin/meetings/:id/rsvps.csv',
    summary: 'The answers as CSV (UTF-8 with BOM, opens in Excel/WPS)',
    tags: TAGS,
    access: ORGANIZERS,
    params: idParams,
    query: z.object({ response: z.enum(RSVP_RESPONSES).optional() }).strict(),
    responseType: 'text/csv',
    handler: async (ctx, { params, query }) => {
      const m = await findMeeting(params.id);
      ctx.set('Cache-Control', 'no-store');
      ctx.set('Content-Disposition', `attachment; filename="rsvps-${m.slug}.csv"; filename*=UTF-8''${encodeURIComponent(`${m.title}-报名.csv`)}`);
      ctx.type = 'text/csv; charset=utf-8';
      ctx.body = rsvpCsv(await listRsvps(m, query));
    },
  });

  api.add({
    method: 'get',
    path: '/api/admin/meetings/:id/reminders',
    summary: 'Reminders recorded for this meeting (sent, skipped, or withdrawn by a cancellation or move, and why)',
    tags: TAGS,
    access: ORGANIZERS,
    params: idParams,
    handler: async (_ctx, { params }) => ({ items: await listReminders((await findMeeting(params.id))._id) }),
  });

  api.add({
    method: 'post',
    path: '/api/admin/meetings/:id/follow-up',
    summary: 'Draft the news article about the meeting (returns the existing draft on a second call)',
    tags: TAGS,
    access: ORGANIZERS,
    params: idParams,
    responses: { 201: 'Draft created', 200: 'Existing draft' },
    handler: async (ctx, { params }) => {
      const result = await createFollowUpDraft(mc, params.id, ctx.state.user!);
      ctx.status = result.created ? 201 : 200;
      return result;
    },
  });

  return api;
}
