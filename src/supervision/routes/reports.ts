/** Admin API of the periodic reports: list, read, regenerate a draft, issue, the .docx and HTML documents, news draft. */
import { z } from 'zod';
import { ApiRouter } from '../../http/api-router';
import type { SupervisionContext } from '../context';
import { REPORT_KINDS, reportId } from '../reports/kinds';
import { findReport, issueReport, listReports, periodFor, regenerateDraft, reportDocument, reportPage, reportPdfDocument, summaryOf } from '../reports/service';
import { makeReportNewsDraft } from '../reports/news';
import { READERS, WRITERS, tags } from './access';

const reportParams = z.object({ kind: z.enum(REPORT_KINDS), period: z.string().max(10) }).strict();
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

export function reportRoutes(ctx: SupervisionContext): ApiRouter {
  const api = new ApiRouter();
  const load = (p: z.infer<typeof reportParams>) => findReport(reportId(p.kind, periodFor(p.kind, p.period).key));

  api.add({
    method: 'get', path: '/api/admin/supervision/reports', summary: 'Generated reports (每月一汇总、每季一督查、半年一通报、年度总结), newest period first', tags, access: READERS,
    query: z.object({ kind: z.enum(REPORT_KINDS).optional(), status: z.enum(['draft', 'issued']).optional(), year: z.coerce.number().int().min(2000).max(2100).optional() }).strict(),
    handler: async (_c, { query }) => ({ items: await listReports(query) }),
  });
  api.add({
    method: 'get', path: '/api/admin/supervision/reports/:kind/:period', summary: 'One report: its summary and every figure it was generated from (rankings, coverages, rates, problems, publicity)', tags, access: READERS, params: reportParams,
    responses: { 404: 'Not generated yet' },
    handler: async (_c, { params }) => {
      const r = await load(params);
      return { ...summaryOf(r), data: r.data };
    },
  });
  api.add({
    method: 'post', path: '/api/admin/supervision/reports/:kind/:period/regenerate', summary: 'Generate (or regenerate) the draft of any period from the records now; an issued report is frozen', tags, access: WRITERS, params: reportParams,
    responses: { 400: 'Period does not match the kind, or has not begun', 409: 'Already issued' },
    handler: async (_c, { params }) => {
      const r = await regenerateDraft(ctx, params.kind, params.period, _c.state.user!);
      return { ...summaryOf(r), data: r.data };
    },
  });
  api.add({
    method: 'post', path: '/api/admin/supervision/reports/:kind/:period/issue', summary: 'Issue (印发) the draft with its document number; the period must have ended and the revision be the one read', tags, access: WRITERS, params: reportParams,
    body: z.object({ docNumber: z.string().trim().min(1, '请填写文号').max(60), revision: z.number().int().min(1) }).strict(),
    responses: { 409: 'Already issued, regenerated since, period not ended, or number used' },
    handler: async (c, { params, body }) => summaryOf(await issueReport(ctx, (await load(params))._id, body, c.state.user!)),
  });
  api.add({
    method: 'get', path: '/api/admin/supervision/reports/:kind/:period/document.docx', summary: 'The report as a Word document in the official-document layout (GB/T 9704), with its tables and charts', tags, access: READERS, params: reportParams,
    responseType: DOCX,
    handler: async (c, { params }) => {
      const r = await load(params);
      const buf = await reportDocument(r);
      c.set('Content-Disposition', `attachment; filename="report-${r.kind}-${r.period}.docx"; filename*=UTF-8''${encodeURIComponent(`${r.data.title}.docx`)}`);
      c.type = DOCX;
      c.body = buf;
    },
  });
  api.add({
    method: 'get', path: '/api/admin/supervision/reports/:kind/:period/document.pdf', summary: 'The report as a PDF in the official-document layout (GB/T 9704), fonts embedded as subsets', tags, access: READERS, params: reportParams,
    responseType: 'application/pdf', responses: { 503: 'A configured font file (REPORT_FONT_*) is missing' },
    handler: async (c, { params }) => {
      const r = await load(params);
      const buf = await reportPdfDocument(ctx.config, r);
      c.set('Content-Disposition', `attachment; filename="report-${r.kind}-${r.period}.pdf"; filename*=UTF-8''${encodeURIComponent(`${r.data.title}.pdf`)}`);
      c.type = 'application/pdf';
      c.body = buf;
    },
  });
  api.add({
    method: 'get', path: '/api/admin/supervision/reports/:kind/:period/document.html', summary: 'The same document as one HTML page (charts as inline SVG), for reading and printing', tags, access: READERS, params: reportParams,
    responseType: 'text/html',
    handler: async (c, { params }) => {
      c.type = 'text/html; charset=utf-8';
      c.body = await reportPage(await load(params));
    },
  });
  api.add({
    method: 'post', path: '/api/admin/supervision/reports/:kind/:period/news-draft', summary: 'Turn an issued report into a news draft for the normal review and publishing (its document linked from the microsite)', tags,
    access: WRITERS, params: reportParams, responses: { 201: 'Draft made', 409: 'Not issued, or made already' },
    handler: async (c, { params }) => {
      const out = await makeReportNewsDraft(ctx, await load(params), c.state.user!);
      c.status = 201;
      return out;
    },
  });
  return api;
}
