/** /api/admin/partners/:id/columns…: 专题专栏, their issues and what ran; the upcoming issues with candidates. */
import { ApiRouter } from '../../http/api-router';
import { idParams, objectId } from '../../http/schemas';
import { z } from 'zod';
import type { PartnersContext } from '../context';
import { createColumn, listColumns, listRuns, recordRun, removeColumn, removeRun, upcomingColumns, updateColumn } from '../columns';
import { columnBody, columnParams, runBody, upcomingQuery } from '../schemas';

const TAGS = ['partners'];
const READERS = ['editor', 'reviewer'] as const;
const KEEPERS = ['reviewer'] as const;

export function columnRoutes(pc: PartnersContext): ApiRouter {
  const api = new ApiRouter();
  const now = () => pc.clock.now();

  api.add({
    method: 'get',
    path: '/api/admin/partner-columns/upcoming',
    summary: "Columns with an issue in the next `days` days (Beijing), each with the published items it could take",
    tags: TAGS,
    access: READERS,
    query: upcomingQuery,
    handler: async (_ctx, { query }) => ({ items: await upcomingColumns(now(), query.days) }),
  });
  api.add({
    method: 'get',
    path: '/api/admin/partners/:id/columns',
    summary: "A partner's campaign columns (专题专栏) with their next issue",
    tags: TAGS,
    access: READERS,
    params: idParams,
    handler: async (_ctx, { params }) => ({ items: await listColumns(params.id, now()) }),
  });
  api.add({
    method: 'post',
    path: '/api/admin/partners/:id/columns',
    summary: 'Add a column (weekly, biweekly, monthly or a single issue) with its dates',
    tags: TAGS,
    access: KEEPERS,
    params: idParams,
    body: columnBody,
    responses: { 201: 'Created' },
    handler: async (ctx, { params, body }) => {
      ctx.status = 201;
      return createColumn(params.id, body, now());
    },
  });
  api.add({
    method: 'put',
    path: '/api/admin/partners/:id/columns/:columnId',
    summary: 'Replace a column',
    tags: TAGS,
    access: KEEPERS,
    params: columnParams,
    body: columnBody,
    handler: (_ctx, { params, body }) => updateColumn(params.id, params.columnId, body, now()),
  });
  api.add({
    method: 'delete',
    path: '/api/admin/partners/:id/columns/:columnId',
    summary: 'Remove a column (what it ran still counts in the reports)',
    tags: TAGS,
    access: KEEPERS,
    params: columnParams,
    responses: { 204: 'Removed' },
    handler: async (ctx, { params }) => {
      await removeColumn(params.id, params.columnId, now());
      ctx.status = 204;
    },
  });
  api.add({
    method: 'get',
    path: '/api/admin/partners/:id/columns/:columnId/runs',
    summary: 'Issues of the column that ran our items, newest first',
    tags: TAGS,
    access: READERS,
    params: columnParams,
    handler: async (_ctx, { params }) => ({ items: await listRuns(params.id, params.columnId) }),
  });
  api.add({
    method: 'post',
    path: '/api/admin/partners/:id/columns/:columnId/runs',
    summary: 'Record that an issue ran these published items ("ran on …"); adds to that issue\'s record',
    tags: TAGS,
    access: READERS,
    params: columnParams,
    body: runBody,
    responses: { 201: 'Recorded' },
    handler: async (ctx, { params, body }) => {
      ctx.status = 201;
      return recordRun(params.id, params.columnId, body, `user:${ctx.state.user!.id}`, now(), false);
    },
  });
  api.add({
    method: 'delete',
    path: '/api/admin/partners/:id/columns/:columnId/runs/:runId',
    summary: 'Remove a wrongly recorded issue',
    tags: TAGS,
    access: KEEPERS,
    params: z.object({ id: objectId, columnId: objectId, runId: objectId }).strict(),
    responses: { 204: 'Removed' },
    handler: async (ctx, { params }) => {
      await removeRun(params.id, params.columnId, params.runId);
      ctx.status = 204;
    },
  });
  return api;
}
