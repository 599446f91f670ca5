import { z } from 'zod';
import { ApiRouter } from '../http/api-router';
import { idParams, objectId, queryBoolean } from '../http/schemas';
import type { Services } from '../module';
import { ROLES } from './roles';
import { changeOwnPassword, createUser, listUsers, login, revokeSession, staffDirectory, updateUser } from './service';
import { clearSessionCookies, csrfTokenFor, setSessionCookies } from './cookie-session';
import type { RouteCatalog } from '../http/route-catalog';
import { isCrossSite } from '../http/same-origin';
import { ForbiddenError } from '../errors';
import { loginResponse, meResponse, publicUserSchema, sessionResponse, staffList, userList } from './schemas';

/** Deputy groups a liaison officer (联络员) records activities for. */
const groupIds = z.array(objectId).max(50);
const username = z.string().trim().min(2).max(40).regex(/^[a-zA-Z0-9_.-]+$/, 'letters, digits, _ . -');

const credentials = z.object({ username: z.string().min(1).max(100), password: z.string().min(1).max(200) }).strict();

export function authRoutes({ config, clock }: Services, catalog: RouteCatalog): ApiRouter {
  const api = new ApiRouter();
  const policy = { maxFailures: config.auth.loginMaxFailures, lockMs: config.auth.loginLockMs, tokenTtlMs: config.auth.tokenTtlMs };
  const secureCookies = config.env === 'production';

  api.add({
    method: 'post',
    path: '/api/auth/login',
    response: loginResponse,
    summary: 'Log in; returns a bearer token (for scripts; the console signs in with POST /api/auth/session)',
    tags: ['auth'],
    access: 'public',
    body: credentials,
    handler: (ctx, { body }) => login(body.username, body.password, ctx.ip, clock.now(), policy),
  });

  api.add({
    method: 'post',
    path: '/api/auth/session',
    response: sessionResponse,
    summary:
      'Console sign-in: sets the httpOnly session cookie and the CSRF cookie; returns the user, never the token. ' +
      'Same throttling and lockout as /api/auth/login. Cross-site requests are refused.',
    tags: ['auth'],
    access: 'public',
    body: credentials,
    handler: async (ctx, { body }) => {
      // Login CSRF: another site must not sign a browser in to an account of its choosing.
      if (isCrossSite(ctx, config.publicBaseUrl)) throw new ForbiddenError('拒绝跨站请求', 'cross_site_request');
      const { token, expiresAt, user } = await login(body.username, body.password, ctx.ip, clock.now(), { ...policy, kind: 'cookie' });
      setSessionCookies(ctx, token, expiresAt, secureCookies);
      return { user, expiresAt, csrfToken: csrfTokenFor(token) };
    },
  });

  api.add({
    method: 'post',
    path: '/api/auth/logout',
    summary: 'End this session: revokes the bearer token used, or the console session (and clears its cookies)',
    tags: ['auth'],
    access: 'authenticated',
    responses: { 204: 'Logged out' },
    handler: async (ctx) => {
      await revokeSession(ctx.state.user!.sessionId, clock.now());
      if (ctx.state.auth?.via === 'cookie') clearSessionCookies(ctx, secureCookies);
      ctx.status = 204;
    },
  });

  api.add({
    method: 'get',
    path: '/api/auth/me',
    response: meResponse,
    summary:
      'The signed-in user, and the operations ("METHOD /path") their role may call; for a console session also its CSRF token',
    tags: ['auth'],
    access: 'authenticated',
    handler: (ctx) => {
      const { sessionId: _session, ...user } = ctx.state.user!;
      const auth = ctx.state.auth;
      ctx.set('Cache-Control', 'no-store');
      return {
        ...user,
        permissions: catalog.operationsFor(ctx.state.user!),
        /** The app's clock: the console's "today" and date-picker defaults come from here, not the browser. */
        now: clock.now(),
        ...(auth?.via === 'cookie' ? { csrfToken: csrfTokenFor(auth.token) } : {}),
      };
    },
  });

  api.add({
    method: 'post',
    path: '/api/auth/password',
    summary: 'Change your own password (checked under the login throttle); your other sessions end, this one stays',
    tags: ['auth'],
    access: 'authenticated',
    body: z.object({ currentPassword: z.string().min(1).max(200), newPassword: z.string().min(1).max(200) }).strict(),
    responses: { 204: 'Password changed' },
    handler: async (ctx, { body }) => {
      await changeOwnPassword(ctx.state.user!, body, ctx.ip, clock.now(), policy);
      ctx.status = 204;
    },
  });

  const userQuery = z
    .object({ q: z.string().trim().max(40).optional(), role: z.enum(ROLES).optional(), disabled: queryBoolean.optional() })
    .strict();

  api.add({
    method: 'get',
    path: '/api/admin/users',
    response: userList,
    summary: 'List users (?q= username or name, ?role=, ?disabled=)',
    tags: ['users'],
    access: ['admin'],
    query: userQuery,
    handler: async (_ctx, { query }) => ({ items: await listUsers(query) }),
  });

  api.add({
    method: 'get',
    path: '/api/admin/people',
    response: staffList,
    summary: 'Staff directory for every signed-in user: id, username, display name, role (author names, people pickers)',
    tags: ['users', 'pick-lists'],
    access: 'authenticated',
    query: userQuery,
    handler: async (_ctx, { query }) => ({ items: await staffDirectory(query) }),
  });

  api.add({
    method: 'post',
    path: '/api/admin/users',
    response: publicUserSchema,
    summary: 'Create a user',
    tags: ['users'],
    access: ['admin'],
    responses: { 201: 'Created' },
    body: z
      .object({
        username,
        password: z.string().min(1).max(200),
        role: z.enum(ROLES),
        displayName: z.string().trim().min(1).max(60).optional(),
        groupIds: groupIds.optional(),
        departmentId: objectId.optional(),
      })
      .strict(),
    handler: async (ctx, { body }) => {
      ctx.status = 201;
      return createUser(body, clock.now());
    },
  });

  api.add({
    method: 'patch',
    path: '/api/admin/users/:id',
    response: publicUserSchema,
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
        departmentId: objectId.nullable().optional(),
      })
      .strict(),
    handler: (_ctx, { params, body }) => updateUser(params.id, body, clock.now()),
  });

  return api;
}
