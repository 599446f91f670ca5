/** Admin API of the five full coverages (五个全覆盖) and supervision visits. */
import { z } from 'zod';
import { stringify } from 'csv-stringify/sync';
import { ApiRouter } from '../http/api-router';
import { idParams, pagination } from '../http/schemas';
import { NotFoundError } from '../errors';
import type { AppContext } from '../http/context';
import type { Services } from '../module';
import { type Scope } from '../activities';
import { parsePeriod, periodContaining, PERIOD_PATTERN, type Period } from '../calendar/periods';
import { chartByMonth, chartByRegion, coverage, type CoverageReport } from './service';
import { FIGURES, FIGURE_LABELS, type Figure } from './figures';
import { deleteVisit, listVisits, recordVisit, visitBody } from './supervision';

const READERS = ['editor', 'reviewer', 'organizer', 'liaison'] as const;
const SUPERVISORS = ['organizer'] as const;
const tags = ['coverage'];

const scopeQuery = {
  level: z.enum(['city', 'county', 'township']),
  name: z.string().trim().min(1, 'required').max(50),
  /** 2030, 2030-H1, 2030-Q2 or 2030-06 (Beijing time); default: this year. */
  period: z.string().regex(PERIOD_PATTERN, 'a period: 2030, 2030-H2, 2030-Q4 or 2030-11').optional(),
};
const coverageQuery = z.object(scopeQuery).strict();
const missingQuery = z.object({ ...scopeQuery, figure: z.enum(FIGURES), ...pagination }).strict();
const missingCsvQuery = z.object({ ...scopeQuery, figure: z.enum(FIGURES) }).strict();
const chartQuery = z.object({ ...scopeQuery, by: z.enum(['region', 'month']).default('region') }).strict();

type ScopeInput = { level: Scope['level']; name: string; period?: string };

function csvDownload(ctx: AppContext, rows: unknown[][], filename: string, display: string): void {
  ctx.set('Content-Disposition', `attachment; filename="${filename}"; filename*=UTF-8''${encodeURIComponent(display)}`);
  ctx.type = 'text/csv; charset=utf-8';
  ctx.body = stringify(rows, { bom: true, record_delimiter: 'windows' });
}

const summaryOf = (f: Figure) => {
  const { missing: _m, ...rest } = f;
  return rest;
};

const MISSING_COLUMNS: Record<Figure['key'], Array<[string, string]>> = {
  leaders: [['name', '姓名'], ['levelLabel', '层级'], ['county', '县（市、区）'], ['township', '乡镇'], ['groups', '所在小组'], ['held', '小组活动次数'], ['reason', '原因']],
  attendance: [['name', '姓名'], ['levelLabel', '层级'], ['county', '县（市、区）'], ['township', '乡镇'], ['groups', '所在小组'], ['held', '小组活动次数'], ['present', '出席'], ['excused', '请假'], ['absent', '缺席'], ['reason', '原因']],
  supervision: [['county', '县（市、区）'], ['township', '乡镇'], ['reason', '原因']],
  suggestions: [['title', '意见建议'], ['department', '承办单位'], ['status', '状态'], ['raisedAt', '提出时间'], ['reason', '原因']],
  guarantees: [['name', '代表小组'], ['county', '县（市、区）'], ['township', '乡镇'], ['reason', '缺少']],
};

export function coverageRoutes(services: Services): ApiRouter {
  const api = new ApiRouter();
  const { config, clock } = services;
  const periodOf = (key?: string): Period => (key ? parsePeriod(key)! : periodContaining('year', clock.now()));
  const report = (q: ScopeInput): Promise<CoverageReport> => coverage(config, { level: q.level, name: q.name }, periodOf(q.period));

  api.add({
    method: 'get',
    path: '/api/admin/coverage',
    summary: 'The five full coverages of a city, county or township in a period: numerator, denominator, rate, how many are missing',
    tags,
    access: READERS,
    query: coverageQuery,
    handler: async (_c, { query }) => {
      const r = await report(query);
      return { ...r, figures: r.figures.map(summaryOf) };
    },
  });
  api.add({
    method: 'get',
    path: '/api/admin/coverage/missing',
    summary: 'Drill-down: exactly who or what is missing from one coverage figure (paged)',
    tags,
    access: READERS,
    query: missingQuery,
    handler: async (_c, { query }) => {
      const f = (await report(query)).figures.find((x) => x.key === query.figure)!;
      const start = (query.page - 1) * query.pageSize;
      return { figure: summaryOf(f), items: f.missing.slice(start, start + query.pageSize), page: query.page, pageSize: query.pageSize, total: f.missing.length };
    },
  });
  api.add({
    method: 'get',
    path: '/api/admin/coverage.csv',
    summary: 'The five figures as CSV',
    tags,
    access: READERS,
    query: coverageQuery,
    responseType: 'text/csv',
    handler: async (c, { query }) => {
      const r = await report(query);
      const rows = r.figures.map((f) => [f.label, f.numerator ?? '未计算', f.denominator ?? '未计算', f.rate === null ? '' : `${(f.rate * 100).toFixed(2)}%`, f.missingCount ?? '', f.note ?? '']);
      csvDownload(c, [['指标', '已覆盖', '应覆盖', '覆盖率', '未覆盖', '说明'], ...rows], `coverage-${r.period.key}.csv`, `${r.scope.name}${r.period.label}五个全覆盖.csv`);
    },
  });
  api.add({
    method: 'get',
    path: '/api/admin/coverage/missing.csv',
    summary: 'The drill-down of one figure as CSV',
    tags,
    access: READERS,
    query: missingCsvQuery,
    responseType: 'text/csv',
    handler: async (c, { query }) => {
      const r = await report(query);
      const f = r.figures.find((x) => x.key === query.figure)!;
      const columns = MISSING_COLUMNS[f.key];
      const cell = (v: unknown) => (Array.isArray(v) ? v.join('、') : v instanceof Date ? v.toISOString() : (v ?? ''));
      const rows = f.missing.map((m) => columns.map(([k]) => cell(m[k])));
      csvDownload(c, [columns.map(([, label]) => label), ...rows], `coverage-${f.key}-${r.period.key}.csv`, `${r.scope.name}${r.period.label}${FIGURE_LABELS[f.key]}未覆盖名单.csv`);
    },
  });
  api.add({
    method: 'get',
    path: '/api/admin/coverage/chart',
    summary: 'Chart data: the five rates per part of the place (by=region: counties of a city, townships of a county) or per month of the period (by=month)',
    tags,
    access: READERS,
    query: chartQuery,
    handler: (_c, { query }) => {
      const scope = { level: query.level, name: query.name };
      return query.by === 'month' ? chartByMonth(config, scope, periodOf(query.period), (k) => parsePeriod(k)!) : chartByRegion(config, scope, periodOf(query.period));
    },
  });

  api.add({
    method: 'post',
    path: '/api/admin/supervision-visits',
    summary: 'Record a supervision visit: date, supervising committee, county, townships reached',
    tags: ['supervision'],
    access: SUPERVISORS,
    body: visitBody,
    responses: { 201: 'Recorded', 400: 'Invalid input, named per field' },
    handler: async (c, { body }) => {
      const v = await recordVisit(clock, body, c.state.user!.id);
      c.status = 201;
      return v;
    },
  });
  api.add({
    method: 'get',
    path: '/api/admin/supervision-visits',
    summary: 'Supervision visits, newest first, by county and period',
    tags: ['supervision'],
    access: READERS,
    query: z.object({ county: z.string().trim().min(1).max(50).optional(), period: scopeQuery.period }).strict(),
    handler: async (_c, { query }) => ({ items: await listVisits({ county: query.county, period: query.period ? parsePeriod(query.period) : undefined }) }),
  });
  api.add({
    method: 'delete',
    path: '/api/admin/supervision-visits/:id',
    summary: 'Delete a visit recorded by mistake',
    tags: ['supervision'],
    access: SUPERVISORS,
    params: idParams,
    responses: { 204: 'Deleted' },
    handler: async (c, { params }) => {
      if (!(await deleteVisit(params.id))) throw new NotFoundError('督导记录不存在');
      c.status = 204;
    },
  });
  return api;
}
