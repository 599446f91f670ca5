/** The admin API of the account: keyword rules, default reply, followers and their counts, the menu. */
import { z } from 'zod';
import { ApiRouter } from '../http/api-router';
import { idParams, isoDateTime, objectId, pagination, queryBoolean } from '../http/schemas';
import type { Scheduler } from '../jobs/scheduler';
import type { Clock } from '../clock';
import { ConflictError } from '../errors';
import type { WechatApi } from './api';
import { followerCountsBetween } from './followers/counts';
import type { FollowerService } from './followers/service';
import type { KeywordService } from './keywords/service';
import { MAX_PATTERN_LENGTH } from './keywords/regex-guard';
import { MATCH_TYPES } from './models/keyword-rule';
import type { MenuService } from './menu/service';

const EDITORS = ['editor'] as const;
const ADMINS = ['admin'] as const;
export const FOLLOWER_SYNC_JOB = 'wechat.followerSync';

const ruleBody = z
  .object({
    name: z.string().trim().min(1).max(60),
    match: z.enum(MATCH_TYPES),
    pattern: z.string().min(1).max(MAX_PATTERN_LENGTH),
    priority: z.number().int().min(-1000).max(1000).default(0),
    enabled: z.boolean().default(true),
    reply: z.discriminatedUnion('type', [
      // WeChat cuts passive text at 2048 bytes: 600 characters of Chinese stay under it.
      z.object({ type: z.literal('text'), text: z.string().trim().min(1).max(600) }).strict(),
      z.object({ type: z.literal('article'), kind: z.enum(['article', 'deputy', 'group', 'case', 'meeting']), itemId: objectId }).strict(),
    ]),
  })
  .strict();

export interface AdminRouteDeps {
  keywords: KeywordService;
  followers: FollowerService;
  menu: MenuService;
  scheduler: Scheduler;
  clock: Clock;
  api: () => WechatApi | undefined;
}

export function adminRoutes({ keywords, followers, menu, scheduler, clock, api: getApi }: AdminRouteDeps): ApiRouter {
  const api = new ApiRouter();
  const tags = ['wechat'];

  api.add({
    method: 'get',
    path: '/api/admin/wechat/keywords',
    summary: 'Keyword reply rules, in match order',
    tags,
    access: EDITORS,
    handler: async () => ({ items: await keywords.list() }),
  });
  api.add({
    method: 'post',
    path: '/api/admin/wechat/keywords',
    summary: 'Create a keyword rule (regular expressions are checked for catastrophic backtracking)',
    tags,
    access: EDITORS,
    body: ruleBody,
    responses: { 201: 'Created', 400: 'Invalid rule (unsafe pattern, unpublished item…)' },
    handler: async (ctx, { body }) => {
      ctx.status = 201;
      return keywords.create(body, ctx.state.user!.id);
    },
  });
  api.add({
    method: 'get',
    path: '/api/admin/wechat/keywords/:id',
    summary: 'One keyword rule',
    tags,
    access: EDITORS,
    params: idParams,
    handler: (_ctx, { params }) => keywords.get(params.id),
  });
  api.add({
    method: 'put',
    path: '/api/admin/wechat/keywords/:id',
    summary: 'Replace a keyword rule',
    tags,
    access: EDITORS,
    params: idParams,
    body: ruleBody,
    handler: (ctx, { params, body }) => keywords.update(params.id, body, ctx.state.user!.id),
  });
  api.add({
    method: 'delete',
    path: '/api/admin/wechat/keywords/:id',
    summary: 'Delete a keyword rule',
    tags,
    access: EDITORS,
    params: idParams,
    responses: { 204: 'Deleted' },
    handler: async (ctx, { params }) => {
      await keywords.remove(params.id);
      ctx.status = 204;
    },
  });

  api.add({
    method: 'get',
    path: '/api/admin/wechat/default-reply',
    summary: 'The reply to messages no rule matches',
    tags,
    access: EDITORS,
    handler: () => keywords.defaultReply(),
  });
  api.add({
    method: 'put',
    path: '/api/admin/wechat/default-reply',
    summary: 'Set the default reply (enabled=false: no reply)',
    tags,
    access: EDITORS,
    body: z.object({ enabled: z.boolean(), text: z.string().trim().max(600) }).strict(),
    handler: (ctx, { body }) => keywords.setDefaultReply(body, ctx.state.user!.id),
  });

  api.add({
    method: 'get',
    path: '/api/admin/wechat/followers',
    summary: 'Followers (filter by subscribed or tag)',
    tags,
    access: EDITORS,
    query: z.object({ ...pagination, subscribed: queryBoolean.optional(), tagId: z.coerce.number().int().min(0).optional() }).strict(),
    handler: (_ctx, { query }) => followers.list(query),
  });
  api.add({
    method: 'get',
    path: '/api/admin/wechat/followers/counts',
    summary: 'Follower counts now, per tag, and per day over a period (default: the last 30 days)',
    tags,
    access: EDITORS,
    query: z.object({ from: isoDateTime.optional(), to: isoDateTime.optional() }).strict(),
    handler: async (_ctx, { query }) => {
      const to = query.to ?? clock.now();
      const from = query.from ?? new Date(to.getTime() - 30 * 86_400_000);
      return { ...(await followers.counts()), daily: await followerCountsBetween(from, to) };
    },
  });
  api.add({
    method: 'post',
    path: '/api/admin/wechat/followers/sync',
    summary: 'Run the follower sync now (it also runs nightly)',
    tags,
    access: ADMINS,
    responses: { 200: 'Ran (or another instance is running it)', 409: 'WeChat API not configured' },
    handler: async () => {
      if (!getApi()) throw new ConflictError('未配置公众号 AppID/AppSecret，无法同步粉丝', 'wechat_not_configured');
      const ran = await scheduler.runNow(FOLLOWER_SYNC_JOB);
      return { ran, ...(await followers.counts()) };
    },
  });

  api.add({
    method: 'get',
    path: '/api/admin/wechat/menu',
    summary: 'The account menu (the default one until a menu is saved)',
    tags,
    access: EDITORS,
    handler: () => menu.get(),
  });
  api.add({
    method: 'put',
    path: '/api/admin/wechat/menu',
    summary: "Save the account menu, validated against WeChat's limits; push it with npm run wechat:menu",
    tags,
    access: EDITORS,
    body: z.object({ button: z.array(z.unknown()) }).strict(),
    responses: { 200: 'Saved', 400: 'A button breaks a limit (the path names it)' },
    handler: (ctx, { body }) => menu.save(body, ctx.state.user!.id),
  });
  api.add({
    method: 'post',
    path: '/api/admin/wechat/menu/push',
    summary: 'Push the saved menu to WeChat now (same as npm run wechat:menu)',
    tags,
    access: ADMINS,
    handler: () => menu.push(getApi()),
  });

  return api;
}
