/** Admin API of committees, problem categories, inspection rounds and problems. */
import { z } from 'zod';
import { ApiRouter } from '../../http/api-router';
import { idParams } from '../../http/schemas';
import type { SupervisionContext } from '../context';
import { committeeBody, committeePatch, committeeView, createCommittee, deleteCommittee, findCommittee, listCommittees, updateCommittee } from '../committees';
import { categoryBody, categoryPatch, createCategory, listCategories, updateCategory } from '../categories';
import { createRound, deleteRound, findRound, listRounds, roundBody, roundPatch, roundQuery, roundView, updateRound } from '../rounds';
import { addProblem, deleteProblem, getProblem, listProblems, problemBody, problemPatch, problemQuery, progressBody, recordProgress, recordRevisit, revisitBody, updateProblem } from '../problems';
import { READERS, WRITERS, tags } from './access';

const categoryParams = z.object({ id: z.string().regex(/^[a-z][a-z0-9_-]{1,39}$/, '问题类别编号') }).strict();

export function recordRoutes(ctx: SupervisionContext): ApiRouter {
  const api = new ApiRouter();
  api.add({ method: 'get', path: '/api/admin/supervision/committees', summary: 'Committees (委室) with their members, the counties they supervise now and the dated history', tags, access: READERS, handler: async () => ({ items: await listCommittees() }) });
  api.add({
    method: 'post', path: '/api/admin/supervision/committees', summary: 'Create a committee with member users (督导考评 role) and the counties it supervises', tags, access: WRITERS, body: committeeBody,
    responses: { 201: 'Created', 400: 'Invalid input, named per field', 409: 'Same name, or a county another committee supervises' },
    handler: async (c, { body }) => { const v = await createCommittee(ctx, body, c.state.user!); c.status = 201; return v; },
  });
  api.add({ method: 'get', path: '/api/admin/supervision/committees/:id', summary: 'One committee', tags, access: READERS, params: idParams, handler: async (_c, { params }) => committeeView(await findCommittee(params.id)) });
  api.add({
    method: 'patch', path: '/api/admin/supervision/committees/:id', summary: 'Rename, change members, or change the counties from a date (the history keeps the old assignment; transfer=true takes a county from another committee)', tags, access: WRITERS,
    params: idParams, body: committeePatch, responses: { 400: 'Invalid input', 409: 'Version conflict or county held by another committee' },
    handler: (c, { params, body }) => updateCommittee(ctx, params.id, body, c.state.user!),
  });
  api.add({
    method: 'delete', path: '/api/admin/supervision/committees/:id', summary: 'Delete a committee that has no inspection rounds', tags, access: WRITERS, params: idParams, responses: { 204: 'Deleted', 409: 'Has inspection rounds' },
    handler: async (c, { params }) => { await deleteCommittee(params.id); c.status = 204; },
  });

  api.add({ method: 'get', path: '/api/admin/supervision/problem-categories', summary: 'Problem categories (the seed\'s eight as defaults), in order', tags, access: READERS, handler: async () => ({ items: await listCategories() }) });
  api.add({
    method: 'post', path: '/api/admin/supervision/problem-categories', summary: 'Add a problem category', tags, access: WRITERS, body: categoryBody, responses: { 201: 'Created', 409: 'Same id or label' },
    handler: async (c, { body }) => { const v = await createCategory(body); c.status = 201; return v; },
  });
  api.add({ method: 'patch', path: '/api/admin/supervision/problem-categories/:id', summary: 'Rename, describe, reorder or retire a category', tags, access: WRITERS, params: categoryParams, body: categoryPatch, handler: (_c, { params, body }) => updateCategory(params.id, body) });

  api.add({ method: 'get', path: '/api/admin/supervision/rounds', summary: 'Inspection rounds and revisits (回头看), newest first, by county, period, kind, committee', tags, access: READERS, query: roundQuery, handler: async (_c, { query }) => ({ items: await listRounds(query) }) });
  api.add({
    method: 'post', path: '/api/admin/supervision/rounds', summary: 'Record an inspection round: county, date, townships visited (committee: the one supervising the county that day unless named)', tags, access: WRITERS, body: roundBody,
    responses: { 201: 'Recorded', 400: 'Invalid input, named per field' },
    handler: async (c, { body }) => { const v = await createRound(ctx, body, c.state.user!); c.status = 201; return v; },
  });
  api.add({
    method: 'get', path: '/api/admin/supervision/rounds/:id', summary: 'One round with its problem list', tags, access: READERS, params: idParams,
    handler: async (_c, { params }) => {
      const r = await findRound(params.id);
      const problems = await listProblems(ctx, { roundId: params.id, page: 1, pageSize: 100 });
      return { ...roundView(r), problemCount: problems.total, problems: problems.items };
    },
  });
  api.add({ method: 'patch', path: '/api/admin/supervision/rounds/:id', summary: 'Correct a round (date within its period, townships, note)', tags, access: WRITERS, params: idParams, body: roundPatch, handler: (_c, { params, body }) => updateRound(ctx, params.id, body) });
  api.add({
    method: 'delete', path: '/api/admin/supervision/rounds/:id', summary: 'Delete a round recorded by mistake (only without problems)', tags, access: WRITERS, params: idParams, responses: { 204: 'Deleted', 409: 'Has problems' },
    handler: async (c, { params }) => { await deleteRound(params.id); c.status = 204; },
  });
  api.add({
    method: 'post', path: '/api/admin/supervision/rounds/:id/problems', summary: 'Add a problem found: category, township or group, description, rectification deadline, 立行立改 or 整改中', tags, access: WRITERS,
    params: idParams, body: problemBody, responses: { 201: 'Added', 400: 'Invalid input' },
    handler: async (c, { params, body }) => { const v = await addProblem(ctx, params.id, body, c.state.user!); c.status = 201; return v; },
  });

  api.add({ method: 'get', path: '/api/admin/supervision/problems', summary: 'The problem list across rounds, by county, state, category, period found, overdue (paged, earliest deadline first)', tags, access: READERS, query: problemQuery, handler: (_c, { query }) => listProblems(ctx, query) });
  api.add({ method: 'get', path: '/api/admin/supervision/problems/:id', summary: 'One problem with its evidence, revisits and history', tags, access: READERS, params: idParams, handler: (_c, { params }) => getProblem(ctx, params.id) });
  api.add({ method: 'patch', path: '/api/admin/supervision/problems/:id', summary: 'Correct a problem (category, description, deadline)', tags, access: WRITERS, params: idParams, body: problemPatch, handler: (_c, { params, body }) => updateProblem(ctx, params.id, body) });
  api.add({
    method: 'delete', path: '/api/admin/supervision/problems/:id', summary: 'Delete a problem recorded by mistake (only before any rectification)', tags, access: WRITERS, params: idParams, responses: { 204: 'Deleted', 409: 'Has rectification records' },
    handler: async (c, { params }) => { await deleteProblem(params.id); c.status = 204; },
  });
  api.add({
    method: 'post', path: '/api/admin/supervision/problems/:id/progress', summary: 'Rectification step with evidence (text and photos): 立行立改 → 整改中 → 已整改, or evidence alone (same state)', tags, access: WRITERS,
    params: idParams, body: progressBody, responses: { 400: 'Invalid input', 409: 'Not allowed from the current state, or version conflict' },
    handler: (c, { params, body }) => recordProgress(ctx, params.id, body, c.state.user!),
  });
  api.add({
    method: 'post', path: '/api/admin/supervision/problems/:id/revisits', summary: 'Re-inspection (回头看) of a rectified problem: confirmed, or reopened with a new deadline', tags, access: WRITERS,
    params: idParams, body: revisitBody, responses: { 400: 'Invalid input', 409: 'Not rectified, or version conflict' },
    handler: (c, { params, body }) => recordRevisit(ctx, params.id, body, c.state.user!),
  });
  return api;
}
