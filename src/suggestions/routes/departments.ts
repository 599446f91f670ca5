/** /api/admin/departments: the 承办单位 registry. Liaisons keep it; department users see their own unit. */
import { ApiRouter } from '../../http/api-router';
import { idParams } from '../../http/schemas';
import { departmentBody, departmentPatch, departmentQuery } from '../schemas';
import { createDepartment, listDepartments, removeDepartment, updateDepartment } from '../departments';
import { actorOf } from './actor';
import type { SuggestionsContext } from '../context';

const TAGS = ['suggestions'];

export function departmentRoutes(sc: SuggestionsContext): ApiRouter {
  const api = new ApiRouter();
  api.add({
    method: 'get',
    path: '/api/admin/departments',
    summary: 'List departments (承办单位), by county; contact phones masked except for admins',
    tags: TAGS,
    access: ['liaison', 'department'],
    query: departmentQuery,
    handler: async (ctx, { query }) => ({ items: await listDepartments(query, actorOf(ctx)) }),
  });
  api.add({
    method: 'post',
    path: '/api/admin/departments',
    summary: 'Add a department to a county registry',
    tags: TAGS,
    access: ['liaison'],
    body: departmentBody,
    responses: { 201: 'Created', 409: 'A department of that name exists in the county' },
    handler: async (ctx, { body }) => {
      ctx.status = 201;
      return createDepartment(body, sc.clock.now(), actorOf(ctx));
    },
  });
  api.add({
    method: 'patch',
    path: '/api/admin/departments/:id',
    summary: 'Change a department',
    tags: TAGS,
    access: ['liaison'],
    params: idParams,
    body: departmentPatch,
    handler: (ctx, { params, body }) => updateDepartment(params.id, body, sc.clock.now(), actorOf(ctx)),
  });
  api.add({
    method: 'delete',
    path: '/api/admin/departments/:id',
    summary: 'Take a department out of the registry (suggestions keep pointing at it)',
    tags: TAGS,
    access: ['liaison'],
    params: idParams,
    responses: { 204: 'Removed' },
    handler: async (ctx, { params }) => {
      await removeDepartment(params.id, sc.clock.now());
      ctx.status = 204;
    },
  });
  return api;
}
