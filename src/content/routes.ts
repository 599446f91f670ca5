/** Admin REST API for the four content kinds: /api/admin/{articles,deputies,groups,cases}. */
import { z } from 'zod';
import { ApiRouter } from '../http/api-router';
import { idParams } from '../http/schemas';
import type { AppContext } from '../http/context';
import { CONTENT_KINDS, type ContentKind } from './enums';
import { contentKinds } from './kinds';
import { createSchema, listQuerySchema, phoneRevealBody, purgeBody, reassignBody, restoreRevisionBody, revisionParams, transitionBody, updateSchema, type AdminListQuery } from './schemas';
import type { ContentService } from './service';
import { actorFromUser } from './workflow/actor';
import { setDeputyLeader } from './roster';
import { NotFoundError } from '../errors';
import { PERSON_ACTIONS, TRANSITION_RULES } from './workflow/rules';
import { regionsInUse, topicsInUse } from './taxonomy';
import { adminItem, adminPage, diffResponse, regionList, revisionDetail, revisionList, topicList, transitionList } from './response-schemas';

const READERS = ['editor', 'reviewer', 'organizer'] as const;
const WRITERS = ['editor'] as const;
const EDITORS = ['editor', 'reviewer'] as const;
const REVIEWERS = ['reviewer'] as const;

const version = z.coerce.number().int().min(1).max(1_000_000);
const diffQuery = z
  .object({ from: version.optional(), to: version.optional(), against: z.enum(['approved', 'previous']).optional() })
  .strict()
  .refine((q) => !(q.against === 'approved' && q.from !== undefined), { message: 'from and against=approved exclude each other', path: ['from'] });

const actor = (ctx: AppContext) => actorFromUser(ctx.state.user!);

export function contentRoutes(service: ContentService): ApiRouter {
  const api = new ApiRouter();
  for (const kind of CONTENT_KINDS) addKindRoutes(api, service, kind);
  addPickLists(api);
  api.add({
    method: 'put',
    path: '/api/admin/deputies/:id/leader',
    summary: 'Mark or unmark a deputy as a city/county "four bodies" leader (市县"四大家"领导), counted by coverage; no review needed',
    tags: ['content:deputies'],
    access: ['admin'],
    params: idParams,
    body: z.object({ leader: z.boolean() }).strict(),
    handler: async (_ctx, { params, body }) => {
      if (!(await setDeputyLeader(params.id, body.leader))) throw new NotFoundError('代表不存在');
      return { id: params.id, leader: body.leader };
    },
  });
  return api;
}

/** Lists to pick from rather than type: regions and topics in use (deputies and groups: their own lists, ?q=). */
function addPickLists(api: ApiRouter): void {
  api.add({
    method: 'get',
    path: '/api/admin/regions',
    summary: 'Regions in use across all content, as a city → county → township tree with item counts',
    response: regionList,
    tags: ['pick-lists'],
    access: READERS,
    handler: async () => ({ items: await regionsInUse() }),
  });
  api.add({
    method: 'get',
    path: '/api/admin/topics',
    summary: 'Topics in use across all content, most used first (?q= filters by substring)',
    response: topicList,
    tags: ['pick-lists'],
    access: READERS,
    query: z.object({ q: z.string().trim().max(50).optional() }).strict(),
    handler: async (_ctx, { query }) => ({ items: await topicsInUse(query.q) }),
  });
}

function addKindRoutes(api: ApiRouter, service: ContentService, kind: ContentKind): void {
  const spec = contentKinds[kind];
  const base = `/api/admin/${spec.pathFamily}`;
  const tags = [`content:${spec.pathFamily}`];
  const label = spec.label;

  api.add({
    method: 'get',
    path: base,
    summary: `List ${spec.pathFamily} (filters, sort, page or cursor)`,
    response: adminPage,
    tags,
    access: READERS,
    query: listQuerySchema(kind) as unknown as z.ZodType<AdminListQuery>,
    handler: (ctx, { query }) => {
      const { mine, ...rest } = query;
      return service.list(kind, mine ? { ...rest, createdBy: ctx.state.user!.id } : rest);
    },
  });
  api.add({
    method: 'post',
    path: base,
    summary: `Create a ${kind} (as a draft)`,
    response: adminItem,
    tags,
    access: WRITERS,
    body: createSchema(kind),
    responses: { 201: `${label} created` },
    handler: async (ctx, { body }) => {
      ctx.status = 201;
      return service.create(kind, body, actor(ctx));
    },
  });
  api.add({
    method: 'get',
    path: `${base}/:id`,
    summary: `Read one ${kind} (private fields and viewCount included)`,
    response: adminItem,
    tags,
    access: READERS,
    params: idParams,
    handler: (ctx, { params }) => service.get(kind, params.id, actor(ctx)),
  });
  api.add({
    method: 'patch',
    path: `${base}/:id`,
    summary: `Save changes to a ${kind} on top of the version it was loaded at (409 when stale)`,
    response: adminItem,
    tags,
    access: EDITORS,
    params: idParams,
    body: updateSchema(kind),
    handler: (ctx, { params, body }) => service.update(kind, params.id, body, actor(ctx)),
  });
  api.add({
    method: 'delete',
    path: `${base}/:id`,
    summary: `Delete a ${kind} (soft: restorable, history kept). Editors: only their own, never-published items`,
    tags,
    access: EDITORS,
    params: idParams,
    handler: (ctx, { params }) => service.remove(kind, params.id, actor(ctx)),
  });
  api.add({
    method: 'post',
    path: `${base}/:id/purge`,
    summary: `Erase a deleted ${kind} and its versions for good (admin; the transitions and this purge stay recorded)`,
    tags,
    access: ['admin'],
    params: idParams,
    body: purgeBody,
    handler: (ctx, { params, body }) => service.purge(kind, params.id, actor(ctx), body.reason),
  });
  api.add({
    method: 'post',
    path: `${base}/:id/owner`,
    summary: `Hand a ${kind} to another editor (reviewer or admin; recorded)`,
    tags,
    access: REVIEWERS,
    params: idParams,
    body: reassignBody,
    handler: (ctx, { params, body }) => service.reassign(kind, params.id, body.ownerId, actor(ctx)),
  });
  api.add({
    method: 'post',
    path: `${base}/:id/restore`,
    summary: `Restore a soft-deleted ${kind}`,
    response: adminItem,
    tags,
    access: REVIEWERS,
    params: idParams,
    handler: (ctx, { params }) => service.undelete(kind, params.id, actor(ctx)),
  });
  for (const action of PERSON_ACTIONS) {
    const rule = TRANSITION_RULES[action];
    api.add({
      method: 'post',
      path: `${base}/:id/${action}`,
      summary: `${rule.label}: ${rule.from.join('|')} → ${rule.to}${rule.commentRequired ? ' (comment required)' : ''}`,
      tags,
      access: rule.roles as readonly ('editor' | 'reviewer')[],
      response: adminItem,
      params: idParams,
      body: transitionBody.optional().transform((b) => b ?? {}),
      handler: (ctx, { params, body }) => service.act(kind, params.id, action, actor(ctx), body),
    });
  }
  if (kind === 'deputy') {
    api.add({
      method: 'post',
      path: `${base}/:id/phones/reveal`,
      summary: "A deputy's whole phone numbers (shown masked to all but admins), for a stated reason; every reveal is recorded",
      tags,
      access: ['reviewer', 'organizer'],
      params: idParams,
      body: phoneRevealBody,
      handler: (ctx, { params, body }) => service.revealPhones(kind, params.id, actor(ctx), body.reason),
    });
    api.add({
      method: 'get',
      path: `${base}/:id/phones/reveals`,
      summary: "Who revealed a deputy's phone numbers, when and why (admin)",
      tags,
      access: ['admin'],
      params: idParams,
      handler: (_ctx, { params }) => service.listPhoneReveals(kind, params.id),
    });
  }
  api.add({
    method: 'get',
    path: `${base}/:id/transitions`,
    summary: `Workflow history of a ${kind} (who, when, from, to, comment)`,
    response: transitionList,
    tags,
    access: READERS,
    params: idParams,
    handler: async (_ctx, { params }) => ({ items: await service.transitions(kind, params.id) }),
  });
  api.add({
    method: 'get',
    path: `${base}/:id/revisions`,
    summary: `Saved versions of a ${kind}, newest first`,
    response: revisionList,
    tags,
    access: READERS,
    params: idParams,
    handler: async (_ctx, { params }) => ({ items: await service.revisions(kind, params.id) }),
  });
  api.add({
    method: 'get',
    path: `${base}/:id/revisions/:version`,
    summary: `One saved version of a ${kind}`,
    response: revisionDetail,
    tags,
    access: READERS,
    params: revisionParams,
    handler: (ctx, { params }) => service.revision(kind, params.id, params.version, actor(ctx)),
  });
  api.add({
    method: 'post',
    path: `${base}/:id/revisions/:version/restore`,
    summary: `Make an old version the newest (body.version = the version you are looking at now)`,
    response: adminItem,
    tags,
    access: EDITORS,
    params: revisionParams,
    body: restoreRevisionBody,
    handler: (ctx, { params, body }) => service.restoreRevision(kind, params.id, params.version, body.version, actor(ctx)),
  });
  api.add({
    method: 'get',
    path: `${base}/:id/diff`,
    summary:
      `What changed in a ${kind} between two versions, field by field (text: line diff with word diff inside changed lines; ` +
      'other fields: before/after). Default: the current version against the previous one; ?against=approved: against the last approved version',
    tags,
    response: diffResponse,
    access: READERS,
    params: idParams,
    query: diffQuery,
    handler: (_ctx, { params, query }) => service.diff(kind, params.id, query),
  });
  api.add({
    method: 'get',
    path: `${base}/:id/views`,
    summary: `Page views of a ${kind}`,
    tags,
    access: READERS,
    params: idParams,
    handler: (_ctx, { params }) => service.views(kind, params.id),
  });
}
