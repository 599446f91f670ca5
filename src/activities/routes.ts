/** Admin API of deputy-group activities: /api/admin/activities. */
import { z } from 'zod';
import { ApiRouter } from '../http/api-router';
import { idParams, objectId } from '../http/schemas';
import { groupRosters } from '../content/roster';
import type { AppContext } from '../http/context';
import { cancelBody, createBody, listQuery, recordBody, updateBody } from './schemas';
import { cancelActivity, createActivity, deleteActivity, findActivity, getActivity, listActivities, recordPlannedActivity, updateActivity } from './service';
import { sendActivityNotice } from './notice';
import { makeNewsDraft } from './news';
import { assertMayRecord, mayRecordFor } from './access';
import { ValidationError } from '../errors';
import { toAdminView } from './views';
import type { Actor, ActivitiesContext } from './context';

const READERS = ['editor', 'reviewer', 'organizer', 'liaison'] as const;
/** Liaisons for their own groups (checked per group), and admins. */
const RECORDERS = ['liaison'] as const;
const NEWS_WRITERS = ['editor', 'liaison'] as const;
const tags = ['activities'];

const actorOf = (ctx: AppContext): Actor => ctx.state.user!;

export function activityRoutes(ctx: ActivitiesContext): ApiRouter {
  const api = new ApiRouter();
  api.add({
    method: 'get',
    path: '/api/admin/activities',
    summary: 'List activities (newest first), by group, status, kind, county, township and Beijing-time dates; liaisons see their own groups',
    tags,
    access: READERS,
    query: listQuery,
    handler: (c, { query }) => listActivities(query, actorOf(c)),
  });
  api.add({
    method: 'post',
    path: '/api/admin/activities',
    summary: 'Plan an activity (status planned, optional SMS notice) or record one that happened (status held, with the roll call)',
    tags,
    access: RECORDERS,
    body: createBody,
    responses: { 201: 'Created', 400: 'Invalid input, named per field', 403: 'Not your group', 409: 'The same activity is already recorded' },
    handler: async (c, { body }) => {
      const actor = actorOf(c);
      const created = await createActivity(ctx, body, actor);
      c.status = 201;
      const notice = body.status === 'planned' && body.notify ? await sendActivityNotice(ctx, created, actor) : undefined;
      return { ...toAdminView(await findActivity(String(created._id))), ...(notice ? { notice } : {}) };
    },
  });
  api.add({
    method: 'get',
    path: '/api/admin/activity-groups',
    summary: 'Deputy groups with their members (roll-call roster), for planning and recording: a liaison gets the groups they look after; others the groups named by ids',
    tags,
    access: READERS,
    query: z.object({ ids: z.string().trim().max(2_000).optional() }).strict(),
    handler: async (c, { query }) => {
      const actor = actorOf(c);
      const asked = (query.ids ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      const bad = asked.findIndex((id) => !objectId.safeParse(id).success);
      if (bad >= 0) throw new ValidationError('小组编号不正确', [{ field: 'query.ids', message: `not an id: ${asked[bad]}` }]);
      const own = actor.role === 'liaison' ? actor.groupIds : undefined;
      const ids = own ? (asked.length ? asked.filter((id) => own.includes(id)) : own) : asked.slice(0, 50);
      const groups = ids.length ? await groupRosters({ ids }) : [];
      return { items: groups.map((g) => ({ ...g, mayRecord: mayRecordFor(actor, g.id) })) };
    },
  });
  api.add({
    method: 'get',
    path: '/api/admin/activities/:id',
    summary: 'One activity with its roll call',
    tags,
    access: READERS,
    params: idParams,
    handler: (c, { params }) => getActivity(params.id, actorOf(c)),
  });
  api.add({
    method: 'patch',
    path: '/api/admin/activities/:id',
    summary: 'Correct an activity on top of the version loaded (409 when stale); a held one gets its attendance rewritten',
    tags,
    access: RECORDERS,
    params: idParams,
    body: updateBody,
    handler: async (c, { params, body }) => toAdminView(await updateActivity(ctx, params.id, body, actorOf(c))),
  });
  api.add({
    method: 'post',
    path: '/api/admin/activities/:id/record',
    summary: 'The plan happened: record the roll call and what was done (planned → held)',
    tags,
    access: RECORDERS,
    params: idParams,
    body: recordBody,
    handler: async (c, { params, body }) => toAdminView(await recordPlannedActivity(ctx, params.id, body, actorOf(c))),
  });
  api.add({
    method: 'post',
    path: '/api/admin/activities/:id/cancel',
    summary: 'Call off a planned activity (reason required)',
    tags,
    access: RECORDERS,
    params: idParams,
    body: cancelBody,
    handler: async (c, { params, body }) => toAdminView(await cancelActivity(ctx, params.id, body.version, body.reason, actorOf(c))),
  });
  api.add({
    method: 'delete',
    path: '/api/admin/activities/:id',
    summary: 'Delete an activity entered by mistake, with its attendance',
    tags,
    access: RECORDERS,
    params: idParams,
    responses: { 204: 'Deleted' },
    handler: async (c, { params }) => {
      await deleteActivity(ctx, params.id, actorOf(c));
      c.status = 204;
    },
  });
  api.add({
    method: 'post',
    path: '/api/admin/activities/:id/notify',
    summary: 'Send the members invited to a planned activity an SMS notice (template activity_notice); reports members without a mobile',
    tags,
    access: RECORDERS,
    params: idParams,
    handler: async (c, { params }) => {
      const a = await findActivity(params.id);
      assertMayRecord(actorOf(c), String(a.groupId));
      return sendActivityNotice(ctx, a, actorOf(c));
    },
  });
  api.add({
    method: 'post',
    path: '/api/admin/activities/:id/news-draft',
    summary: 'Turn a held activity into a news draft (title, summary, photos, region, deputies present) for review',
    tags,
    access: NEWS_WRITERS,
    params: idParams,
    responses: { 201: 'Draft created', 409: 'Not held, or a draft exists' },
    handler: async (c, { params }) => {
      const actor = actorOf(c);
      const a = await findActivity(params.id);
      if (actor.role === 'liaison') assertMayRecord(actor, String(a.groupId));
      const result = await makeNewsDraft(ctx, a, actor);
      c.status = 201;
      return result;
    },
  });
  return api;
}
