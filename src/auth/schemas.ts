/** Response shapes of the auth and users API, for the OpenAPI document (typed clients). */
import { z } from 'zod';
import { ROLES } from './roles';

export const publicUserSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(ROLES),
  /** Deputy groups a liaison (联络员) records activities for; empty for other roles. */
  groupIds: z.array(z.string()),
  /** The unit (承办单位) a `department` user answers for. */
  departmentId: z.string().optional(),
  disabled: z.boolean(),
  createdAt: z.iso.datetime(),
});

export const loginResponse = z.object({ token: z.string(), expiresAt: z.iso.datetime(), user: publicUserSchema });

export const sessionResponse = z.object({
  user: publicUserSchema,
  expiresAt: z.iso.datetime(),
  csrfToken: z.string().describe('Send as X-CSRF-Token on unsafe requests (also in the lianxin_csrf cookie)'),
});

export const meResponse = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(ROLES),
  permissions: z.array(z.string()).describe('Operations this user may call, as "METHOD /openapi/path"'),
  now: z.iso.datetime().describe("The application's clock"),
  csrfToken: z.string().optional().describe('Present for a console (cookie) session'),
});

export const userList = z.object({ items: z.array(publicUserSchema) });

export const staffList = z.object({
  items: z.array(z.object({ id: z.string(), username: z.string(), displayName: z.string(), role: z.enum(ROLES), disabled: z.boolean() })),
});
