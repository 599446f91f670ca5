/**
 * Admin API of the publishing pipeline.
 *
 * Who may publish: reviewers and admins (the people who approve content put it out); organizers may publish
 * meetings (their announcements and invitations). Editors write and submit for review, and can follow what went
 * out (read access to publications), but do not send mass messages themselves.
 */
import { z } from 'zod';
import type { ItemKind } from '../channels/types';
import type { Services } from '../module';
import { ApiRouter } from '../http/api-router';
import { idParams, isoDateTime, objectId, pagination, queryString } from '../http/schemas';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors';
import { Types } from 'mongoose';
import { Publication } from './models/publication';
import { Delivery } from './models/delivery';
import type { Role } from '../auth/roles';
import type { AudienceSpec } from '../audiences/types';
import { createPublication } from './create-publication';
import { assertSmsLinksAllowed, largeSendConfirmation } from './sms-guard';
import { allowedLinkHosts } from '../allowed-links';
import { cancelPublication, getPublicationView, listDeliveryRecipients, listPublications } from './queries';
import { actOnDelivery } from './retry';
import { PUBLICATION_STATUSES } from './models/publication';
import { getMonthlyReport, listMonthlyReports } from './monthly-report';
import { dryRunPublication } from './dry-run';
import { dryRunResponse, publicationPage, publicationView } from './response-schemas';
import { publishingRuntime } from './runtime';
import { requirePublishable } from './items';

const KIND_PATHS: Record<string, ItemKind> = { articles: 'article', deputies: 'deputy', groups: 'group', cases: 'case', meetings: 'meeting' };
const PUBLISHERS: readonly Role[] = ['reviewer'];
const MEETING_PUBLISHERS: readonly Role[] = ['reviewer', 'organizer'];
const READERS: readonly Role[] = ['editor', 'reviewer', 'organizer'];

const meetingAudience = z.union([z.literal(true), z.object({ meetingId: objectId }).strict()]);

const publishBody = z
  .object({
    channels: z.array(z.enum(['microsite', 'wechat', 'sms', 'weibo', 'webhook'])).min(1).max(5),
    audience: z
      .object({
        deputies: z
          .object({
            levels: z.array(z.enum(['city', 'county', 'township'])).max(3).optional(),
            regions: z.array(z.string().trim().min(1).max(50)).max(50).optional(),
            groupIds: z.array(objectId).max(200).optional(),
          })
          .strict()
          .optional(),
        subscribers: z.literal(true).optional(),
        followers: z.union([z.object({ all: z.literal(true) }).strict(), z.object({ tagId: z.number().int().min(0) }).strict()]).optional(),
        meetingInvitees: meetingAudience.optional(),
        meetingAttendees: meetingAudience.optional(),
      })
      .strict()
      .default({}),
    at: isoDateTime.optional(),
    wechat: z.object({ mode: z.enum(['publish', 'broadcast']) }).strict().optional(),
    sms: z
      .object({
        notification: z.enum(['news', 'invitation', 'reminder', 'change', 'cancellation']),
        params: z.record(z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,29}$/), z.string().max(200)).optional(),
        /** An admin confirms a send to more than SMS_CONFIRM_ABOVE recipients. */
        confirmLargeSend: z.boolean().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

type PublishBody = z.infer<typeof publishBody>;

/** Organizers act on meeting publications only; reviewers and admins on all. */
async function requireMayAct(user: { role: Role }, publicationId: unknown): Promise<void> {
  if (user.role !== 'organizer') return;
  const pub = Types.ObjectId.isValid(String(publicationId)) ? await Publication.findById(publicationId).select('kind').lean() : null;
  if (!pub) throw new NotFoundError('发布记录不存在');
  if (pub.kind !== 'meeting') throw new ForbiddenError('会议组织者只能处理会议的发布');
}

async function publicationOfDelivery(deliveryId: string): Promise<unknown> {
  const d = await Delivery.findById(deliveryId).select('publicationId').lean();
  if (!d) throw new NotFoundError('投递记录不存在');
  return d.publicationId;
}

function toAudience(kind: ItemKind, itemId: string, body: PublishBody): AudienceSpec {
  const { meetingInvitees, meetingAttendees, ...rest } = body.audience;
  const audience: AudienceSpec = { ...rest };
  const resolvers: Record<string, unknown> = {};
  for (const [name, value] of [['meetingInvitees', meetingInvitees], ['meetingAttendees', meetingAttendees]] as const) {
    if (value === undefined) continue;
    if (value === true && kind !== 'meeting') {
      throw new ValidationError('只有会议可以省略 meetingId', [{ field: `body.audience.${name}`, message: 'meetingId required' }]);
    }
    resolvers[name] = value === true ? { meetingId: itemId } : value;
  }
  if (Object.keys(resolvers).length) audience.resolvers = resolvers;
  return audience;
}

/** The request checks publish and its dry run share (the rest is createPublication's). */
function checkPublishRequest(body: PublishBody, nowDate: Date): void {
  const now = nowDate.getTime();
  if (body.at && body.at.getTime() < now - 60_000) {
    throw new ValidationError('发布时间已过', [{ field: 'body.at', message: 'in the past' }]);
  }
  if (body.at && body.at.getTime() > now + 366 * 86_400_000) {
    throw new ValidationError('发布时间不能超过一年以后', [{ field: 'body.at', message: 'too far ahead' }]);
  }
  if (body.wechat?.mode === 'broadcast' && !body.channels.includes('wechat')) {
    throw new ValidationError('群发设置需要选择微信渠道', [{ field: 'body.channels', message: 'wechat missing' }]);
  }
}

function requestParts(kind: ItemKind, itemId: string, body: PublishBody) {
  return {
    channels: body.channels,
    audience: toAudience(kind, itemId, body),
    at: body.at,
    sms: body.sms ? { notification: body.sms.notification, params: body.sms.params } : undefined,
    wechat: body.wechat ? { mode: body.wechat.mode, tagId: body.audience.followers && 'tagId' in body.audience.followers ? body.audience.followers.tagId : undefined } : undefined,
  };
}

export function publishingRoutes({ clock, config }: Services): ApiRouter {
  const api = new ApiRouter();

  for (const [segment, kind] of Object.entries(KIND_PATHS)) {
    api.add({
      method: 'post',
      path: `/api/admin/${segment}/:id/publish`,
      summary: `Publish one approved ${kind} to channels (now or at a time)`,
      tags: ['publishing'],
      access: kind === 'meeting' ? MEETING_PUBLISHERS : PUBLISHERS,
      params: idParams,
      body: publishBody,
      responses: { 201: 'Publication created', 400: 'Invalid request', 404: 'No such item', 409: 'Item not approved' },
      response: publicationView,
      handler: async (ctx, { params, body }) => {
        checkPublishRequest(body, clock.now());
        const parts = requestParts(kind, params.id, body);
        let confirmation;
        if (body.channels.includes('sms')) {
          assertSmsLinksAllowed(body.sms?.params ?? {}, allowedLinkHosts(config));
          const user = ctx.state.user!;
          confirmation = await largeSendConfirmation(parts.audience, config.sms.confirmAbove, { confirmed: body.sms?.confirmLargeSend === true, user, now: clock.now() });
        }
        const { publication } = await createPublication({
          kind,
          itemId: params.id,
          ...parts,
          sms: parts.sms ? { ...parts.sms, largeSendConfirmation: confirmation } : undefined,
          createdBy: ctx.state.user!.id,
        });
        ctx.status = 201;
        return getPublicationView(String(publication._id), { revealPhones: ctx.state.user!.role === 'admin' });
      },
    });
    api.add({
      method: 'post',
      path: `/api/admin/${segment}/:id/publish/dry-run`,
      summary:
        `What publishing this ${kind} would do, sending nothing: per channel whom it reaches (SMS: after opt-outs, invalid numbers ` +
        'and duplicates; WeChat broadcast: subscribed followers), the exact SMS text with its length and parts against the ' +
        "template's limits, the WeChat mass-send quota left, and the problems that would stop it. Same body as publish.",
      tags: ['publishing'],
      access: kind === 'meeting' ? MEETING_PUBLISHERS : PUBLISHERS,
      params: idParams,
      body: publishBody,
      response: dryRunResponse,
      handler: async (_ctx, { params, body }) => {
        checkPublishRequest(body, clock.now());
        const report = await dryRunPublication({ kind, itemId: params.id, ...requestParts(kind, params.id, body) }, { config, clock, wechatConfigured: publishingRuntime().channels.has('wechat') });
        await requirePublishable(kind, params.id).catch((err: Error) => report.problems.unshift({ field: 'item', message: err.message }));
        return report;
      },
    });
  }

  api.add({
    method: 'get',
    path: '/api/admin/publications',
    summary: 'Publications, newest first, with filters',
    tags: ['publishing'],
    access: READERS,
    query: z
      .object({
        ...pagination,
        status: z.enum(PUBLICATION_STATUSES).optional(),
        kind: z.enum(['article', 'deputy', 'group', 'case', 'meeting']).optional(),
        itemId: objectId.optional(),
        channel: z.enum(['microsite', 'wechat', 'sms', 'weibo', 'webhook']).optional(),
        from: isoDateTime.optional(),
        to: isoDateTime.optional(),
      })
      .strict(),
    response: publicationPage,
    handler: (_ctx, { query }) => listPublications(query),
  });

  api.add({
    method: 'get',
    path: '/api/admin/publications/:id',
    summary: "A publication with each channel's deliveries (status, attempts, provider ids and errors, recipients)",
    tags: ['publishing'],
    access: READERS,
    params: idParams,
    response: publicationView,
    handler: (ctx, { params }) => getPublicationView(params.id, { revealPhones: ctx.state.user!.role === 'admin' }),
  });

  api.add({
    method: 'post',
    path: '/api/admin/publications/:id/cancel',
    summary: 'Cancel a scheduled publication (409 once it has started)',
    tags: ['publishing'],
    access: MEETING_PUBLISHERS,
    params: idParams,
    responses: { 200: 'Cancelled', 409: 'Already started' },
    handler: async (ctx, { params }) => {
      await requireMayAct(ctx.state.user!, params.id);
      return cancelPublication(params.id, ctx.state.user!.id);
    },
  });

  api.add({
    method: 'get',
    path: '/api/admin/deliveries/:id/recipients',
    summary: "One delivery's recipients with their status and the provider's reason, paged",
    tags: ['publishing'],
    access: READERS,
    params: idParams,
    query: z.object({ ...pagination, status: queryString.optional() }).strict(),
    handler: (ctx, { params, query }) => listDeliveryRecipients(params.id, { ...query, revealPhones: ctx.state.user!.role === 'admin' }),
  });

  api.add({
    method: 'post',
    path: '/api/admin/deliveries/:id/retry',
    summary: 'Retry a failed delivery, or decide an unknown one (resend or mark_sent)',
    tags: ['publishing'],
    access: MEETING_PUBLISHERS,
    params: idParams,
    body: z
      .object({ action: z.enum(['retry', 'resend', 'mark_sent']).optional(), note: z.string().trim().max(500).optional() })
      .strict()
      .default({}),
    responses: { 200: 'Queued again or marked sent', 400: 'Action not valid for this delivery', 409: 'Delivery is not failed or unknown' },
    handler: async (ctx, { params, body }) => {
      if (ctx.state.user!.role === 'organizer') await requireMayAct(ctx.state.user!, await publicationOfDelivery(params.id));
      const d = await actOnDelivery(clock, params.id, body.action, ctx.state.user!.id, body.note);
      return getPublicationView(String(d.publicationId), { revealPhones: ctx.state.user!.role === 'admin' });
    },
  });

  api.add({
    method: 'get',
    path: '/api/admin/reports/monthly',
    summary: 'Monthly publicity summaries (newest first)',
    tags: ['publishing'],
    access: READERS,
    handler: async () => ({ items: await listMonthlyReports() }),
  });

  api.add({
    method: 'get',
    path: '/api/admin/reports/monthly/:month',
    summary: "One month's publicity summary",
    tags: ['publishing'],
    access: READERS,
    params: z.object({ month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM') }).strict(),
    handler: (_ctx, { params }) => getMonthlyReport(params.month),
  });

  return api;
}
