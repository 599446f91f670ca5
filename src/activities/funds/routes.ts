/** Admin API of activity funds (活动保障): /api/admin/activity-funds. */
import { z } from 'zod';
import { ApiRouter } from '../../http/api-router';
import { objectId } from '../../http/schemas';
import type { AppContext } from '../../http/context';
import type { ActivitiesContext, Actor } from '../context';
import { beijingParts } from '../../calendar/beijing';
import { deputyFunds, groupFunds, ledger, recordPayment, ruleFor, setRule } from './service';
import { ledgerCsv, ledgerXlsx } from './export';

const READERS = ['editor', 'reviewer', 'organizer', 'liaison'] as const;
const tags = ['activity-funds'];
const year = z.coerce.number().int().min(2000).max(2100);
const rate = z.object({ perActivity: z.number().int().min(0).max(100_000), cap: z.number().int().min(0).max(1_000_000) }).strict();
const actorOf = (ctx: AppContext): Actor => ctx.state.user!;

export function fundRoutes(ctx: ActivitiesContext): ApiRouter {
  const api = new ApiRouter();
  const thisYear = () => beijingParts(ctx.clock.now()).year;
  api.add({
    method: 'get',
    path: '/api/admin/activity-funds/rules/:year',
    summary: "A year's rule: yuan per activity attended and cap per year, per deputy level (stored at first use)",
    tags,
    access: READERS,
    params: z.object({ year }).strict(),
    handler: (_c, { params }) => ruleFor(ctx, params.year),
  });
  api.add({
    method: 'put',
    path: '/api/admin/activity-funds/rules/:year',
    summary: 'Set the rule of this or a coming year (past years are closed: 409)',
    tags,
    access: ['admin'],
    params: z.object({ year }).strict(),
    body: z.object({ rates: z.object({ city: rate, county: rate, township: rate }).strict() }).strict(),
    handler: (c, { params, body }) => setRule(ctx, params.year, body.rates, actorOf(c)),
  });
  api.add({
    method: 'get',
    path: '/api/admin/activity-funds/deputies/:id',
    summary: "A deputy's allowance of a year: activities attended, allowance, what is left under the cap, payments",
    tags,
    access: READERS,
    params: z.object({ id: objectId }).strict(),
    query: z.object({ year: year.optional() }).strict(),
    handler: (_c, { params, query }) => deputyFunds(ctx, params.id, query.year ?? thisYear()),
  });
  api.add({
    method: 'get',
    path: '/api/admin/activity-funds/groups/:id',
    summary: "A group's allowances of a year, per member and in total",
    tags,
    access: READERS,
    params: z.object({ id: objectId }).strict(),
    query: z.object({ year: year.optional() }).strict(),
    handler: (_c, { params, query }) => groupFunds(ctx, params.id, query.year ?? thisYear()),
  });
  api.add({
    method: 'post',
    path: '/api/admin/activity-funds/payments',
    summary: 'Record a payment to a deputy; refused (400, body.amount) beyond the allowance earned or the cap',
    tags,
    access: ['admin'],
    body: z.object({ deputyId: objectId, year, amount: z.number().int().min(1).max(1_000_000), note: z.string().trim().max(200).optional() }).strict(),
    responses: { 201: 'Recorded', 400: 'Beyond the allowance or the cap' },
    handler: async (c, { body }) => {
      const result = await recordPayment(ctx, body, actorOf(c));
      c.status = 201;
      return result;
    },
  });
  api.add({
    method: 'get',
    path: '/api/admin/activity-funds/ledger',
    summary: "A county's (or township's) ledger of a year: JSON, or format=csv / xlsx for the finance office",
    tags,
    access: READERS,
    query: z
      .object({
        county: z.string().trim().min(1).max(50).optional(),
        township: z.string().trim().min(1).max(50).optional(),
        year: year.optional(),
        format: z.enum(['json', 'csv', 'xlsx']).default('json'),
      })
      .strict()
      .refine((q) => !!q.county !== !!q.township, { message: 'county or township (one of them)', path: ['county'] }),
    handler: async (c, { query }) => {
      const scope = query.county ? { level: 'county' as const, name: query.county } : { level: 'township' as const, name: query.township! };
      const l = await ledger(ctx, scope, query.year ?? thisYear());
      if (query.format === 'json') return l;
      const name = `${scope.name}-${l.year}年活动经费台账.${query.format}`;
      c.set('Content-Disposition', `attachment; filename="activity-funds-${l.year}.${query.format}"; filename*=UTF-8''${encodeURIComponent(name)}`);
      if (query.format === 'csv') {
        c.type = 'text/csv; charset=utf-8';
        c.body = ledgerCsv(l);
      } else {
        c.type = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
        c.body = await ledgerXlsx(l);
      }
    },
  });
  return api;
}
