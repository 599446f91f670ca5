/** Admin API of the evaluation (考评): the scheme of a year, computing, results with breakdowns, adjustments, candidates. */
import { z } from 'zod';
import { ApiRouter } from '../http/api-router';
import { pagination } from '../http/schemas';
import { periodContaining } from '../calendar/periods';
import type { Services } from '../module';
import { schemeBody, schemeOf, setScheme, SUBJECTS, INPUTS } from './scheme';
import { adjust, adjustmentBody, AWARDS, computeYear, findResults } from './results';

const WRITERS = ['supervisor'] as const;
const READERS = ['supervisor', 'organizer', 'reviewer', 'editor'] as const;
const tags = ['evaluation'];
const yearParams = z.object({ year: z.coerce.number().int().min(2000).max(2100) }).strict();

const placeName = z.string().trim().min(1).max(50);
const resultsQuery = z
  .object({
    subject: z.enum(SUBJECTS).default('group'),
    county: placeName.optional(),
    /** A township's name repeats across counties: it filters only together with its county. */
    township: placeName.optional(),
    level: z.enum(['county', 'township']).optional(),
    q: z.string().trim().min(1).max(50).optional(),
    candidates: z.enum(['true', 'false']).optional(),
    ...pagination,
  })
  .strict()
  .superRefine((q, ctx) => {
    if (q.level && q.subject !== 'unit') ctx.addIssue({ code: 'custom', path: ['level'], message: '只有先进单位（subject=unit）按县、乡镇层级筛选' });
    if (q.township && !q.county) ctx.addIssue({ code: 'custom', path: ['township'], message: '乡镇名称各县可能重复，请同时指定所在县（市、区）' });
    if (q.township && q.level === 'county') ctx.addIssue({ code: 'custom', path: ['township'], message: '县级单位不按乡镇筛选' });
  });

export function evaluationRoutes(services: Services): ApiRouter {
  const api = new ApiRouter();
  const { config, clock } = services;
  const thisYear = () => periodContaining('year', clock.now()).year;

  api.add({
    method: 'get', path: '/api/admin/evaluation/schemes/:year', summary: 'The scoring scheme of a year (stored at first use from the year before, or the defaults), with the inputs each subject may use', tags, access: READERS, params: yearParams,
    handler: async (_c, { params }) => ({ scheme: await schemeOf(params.year, clock.now()), inputs: INPUTS, editable: params.year >= thisYear() }),
  });
  api.add({
    method: 'put', path: '/api/admin/evaluation/schemes/:year', summary: 'Set the scheme of this or a coming year (weights of each subject add up to 100; counts need a target); past years are fixed', tags, access: WRITERS,
    params: yearParams, body: schemeBody, responses: { 400: 'Invalid scheme', 409: 'A past year' },
    handler: (_c, { params, body }) => setScheme(params.year, thisYear(), body, clock.now()),
  });
  api.add({
    method: 'post', path: '/api/admin/evaluation/results/:year/compute', summary: 'Compute (or recompute) the year\'s scores from the records under its scheme; adjustments are kept', tags, access: WRITERS, params: yearParams,
    handler: async (c, { params }) => {
      const r = await computeYear(config, clock, params.year, c.state.user!.displayName);
      return { year: r.year, computedAt: r.computedAt, counts: Object.fromEntries(SUBJECTS.map((s) => [s, r.results[s].length])) };
    },
  });
  api.add({
    method: 'get', path: '/api/admin/evaluation/results/:year',
    summary: 'Scores of one subject (group, deputy, unit: counties and townships, each ranked among its level) ranked, each with its breakdown and any adjustment (paged; filter by county and township, units by level, by name; `counties` lists the counties of the subject (and level) to filter by)',
    tags, access: READERS, params: yearParams,
    query: resultsQuery,
    responses: { 400: 'Invalid filter', 404: 'Not computed yet' },
    handler: async (_c, { params, query }) => {
      const r = await findResults(params.year);
      let rows = r.results[query.subject];
      if (query.level) rows = rows.filter((x) => x.level === query.level);
      const counties = [...new Set(rows.map((x) => x.county).filter((x): x is string => !!x))].sort((x, y) => x.localeCompare(y, 'zh-CN'));
      if (query.county) rows = rows.filter((x) => x.county === query.county);
      if (query.township) rows = rows.filter((x) => x.township === query.township);
      if (query.q) rows = rows.filter((x) => x.name.includes(query.q!));
      if (query.candidates === 'true') rows = rows.filter((x) => x.candidate);
      const start = (query.page - 1) * query.pageSize;
      return { year: r.year, subject: query.subject, award: AWARDS[query.subject], computedAt: r.computedAt, scheme: r.scheme, counties, items: rows.slice(start, start + query.pageSize), page: query.page, pageSize: query.pageSize, total: rows.length };
    },
  });
  api.add({
    method: 'get', path: '/api/admin/evaluation/results/:year/candidates', summary: 'The candidates for 先进代表小组、代表履职先进个人、先进单位 (top of each ranking with at least the least score)', tags, access: READERS, params: yearParams,
    handler: async (_c, { params }) => {
      const r = await findResults(params.year);
      return { year: r.year, computedAt: r.computedAt, awards: SUBJECTS.map((s) => ({ subject: s, award: AWARDS[s], items: r.results[s].filter((x) => x.candidate) })) };
    },
  });
  api.add({
    method: 'post', path: '/api/admin/evaluation/results/:year/adjustments', summary: 'Adjust one score by some points with a reason (shown beside the computed score; 0 removes it); the ranking follows', tags, access: WRITERS,
    params: yearParams, body: adjustmentBody, responses: { 400: 'Invalid input or unknown subject id', 404: 'Not computed yet' },
    handler: (c, { params, body }) => adjust(params.year, body, c.state.user!, clock.now()),
  });
  return api;
}
