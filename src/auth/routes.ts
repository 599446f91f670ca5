import { z } from 'zod';
import { ApiRouter } from '../http/api-router';
import { idParams, objectId } from '../http/schemas';
import type { Services } from '../module';
import { ROLES } from './roles';
import { createUser, listUsers, login, revokeSession, updateUser } from './service';

/** Deputy groups a liaison officer (联络员) records activities for. */
const groupIds = z.array(objectId).max(50);
const username = z.string().trim().min(2).max(40).regex(/^[a-zA-Z0-9_.-]+$/, 'letters, digits, _ . -');

export function authRoutes({ config, clock }: Services): ApiRouter {
  const api = new ApiRouter();

  api.add({
    method: 'post',
    path: '/api/auth/login',
    summary: 'Log in; returns a bearer token',
    tags: ['auth'],
    access: 'public',
    body: z.object({ username: z.string().min(1).max(100), password: z.string().min(1).max(200) }).strict(),
    handler: (ctx, { body }) =>
      login(body.username, body.password, ctx.ip, clock.now(), {
        maxFailures: config.auth.loginMaxFailures,
        lockMs: config.auth.loginLockMs,
        tokenTtlMs: config.auth.tokenTtlMs,
      }),
  });

  api.add({
    method: 'post',
    path: '/api/auth/logout',
    summary: 'Revoke the token used for this request',
    tags: ['auth'],
    access: 'authenticated',
    responses: { 204: 'Logged out' },
    handler: async (ctx) => {
      await revokeSession(ctx.state.user!.sessionId, clock.now());
      ctx.status = 204;
    },
  });

  api.add({
    method: 'get',
    path: '/api/auth/me',
    summary: 'The signed-in user',
    tags: ['auth'],
    access: 'authenticated',
    handler: (ctx) => {
      const { sessionId: _session, ...user } = ctx.state.user!;
      return user;
    },
  });

  api.add({
    method: 'get',
    path: '/api/admin/users',
    summary: 'List users',
    tags: ['users'],
    access: ['admin'],
    handler: async () => ({ items: await listUsers() }),
  });

  api.add({
    method: 'post',
    path: '/api/admin/users',
    summary: 'Create a user',
    tags: ['users'],
    access: ['admin'],
    responses: { 201: 'Created' },
    body: z
      .object({ username, password: z.string().min(1).max(200), role: z.enum(ROLES), displayName: z.string().trim().min(1).max(60).optional(), groupIds: groupIds.optional() })
      .strict(),
    handler: async (ctx, { body }) => {
      ctx.status = 201;
      return createUser(body, clock.now());
    },
  });

  api.add({
    method: 'patch',
    path: '/api/admin/users/:id',
    summary: 'Change a user: role, display name, groups a liaison looks after, disable, reset password (ends their sessions)',
    tags: ['users'],
    access: ['admin'],
    params: idParams,
    body: z
      .object({
        role: z.enum(ROLES).optional(),
        displayName: z.string().trim().min(1).max(60).optional(),
        disabled: z.boolean().optional(),
        password: z.string().min(1).max(200).optional(),
        groupIds: groupIds.optional(),
      })
      .strict(),
    handler: (_ctx, { params, body }) => updateUser(params.id, body, clock.now()),
  });

  return api;
}
