/**
 * /api/admin/suggestions…: liaisons register, sort, assign, transfer, record satisfaction, close, re-handle and
 * escalate; department users list and read what their unit handles and answer what it leads.
 */
import { ApiRouter } from '../../http/api-router';
import { idParams } from '../../http/schemas';
import type { AppContext } from '../../http/context';
import {
  answerBody,
  assignBody,
  coOpinionBody,
  escalationBody,
  escalationParams,
  listQuery,
  noteBody,
  overdueQuery,
  ratesQuery,
  rateBody,
  registerBody,
  remindAllBody,
  sortBody,
  transferBody,
} from '../schemas';
import { getSuggestion, listSuggestions, registerSuggestion } from '../service';
import {
  addCoOpinion,
  answerSuggestion,
  assignSuggestion,
  closeSuggestion,
  escalateOverdue,
  recordEscalation,
  rateSuggestion,
  rehandleSuggestion,
  sortSuggestion,
  transferSuggestion,
} from '../handling';
import { toSuggestionView } from '../views';
import { afterAnswer, afterAssign, resendSatisfactionLinks } from '../notify-steps';
import { remindAllOverdue, remindDepartment } from '../reminders';
import { importSuggestions } from '../import';
import { singleFileUpload, uploadedFile } from '../../http/file-upload';
import { BadRequestError } from '../../errors';
import { z } from 'zod';
import { computeRates } from '../rates';
import type { SuggestionDoc } from '../models';
import { actorOf } from './actor';
import { deputiesByIds } from '../../content/roster';
import { departmentNames } from '../departments';
import type { SuggestionsContext } from '../context';

const TAGS = ['suggestions'];
const LIAISON = ['liaison'] as const;
const READERS = ['liaison', 'department'] as const;
const STEP_RESPONSES = { 404: 'No such suggestion', 409: 'Not allowed from the current state (details.from, details.to), or changed meanwhile' };

export function suggestionRoutes(sc: SuggestionsContext): ApiRouter {
  const api = new ApiRouter();
  const view = (ctx: AppContext) => (doc: SuggestionDoc) => toSuggestionView(doc, actorOf(ctx));

  api.add({
    method: 'get',
    path: '/api/admin/suggestions',
    summary: 'List suggestions, newest first (department users: only their unit’s)',
    tags: TAGS,
    access: READERS,
    query: listQuery,
    handler: (ctx, { query }) => listSuggestions(query, actorOf(ctx), sc.clock.now()),
  });

  api.add({
    method: 'get',
    path: '/api/admin/suggestions/overdue',
    summary: '督办: suggestions past their answer deadline, most overdue first',
    tags: TAGS,
    access: READERS,
    query: overdueQuery,
    handler: (ctx, { query }) => listSuggestions({ ...query, overdue: true }, actorOf(ctx), sc.clock.now()),
  });

  api.add({
    method: 'post',
    path: '/api/admin/suggestions/overdue/remind',
    summary: '督办 SMS to the lead department contact of every overdue suggestion (of a county, or the given ids) not yet reminded today',
    tags: TAGS,
    access: LIAISON,
    body: remindAllBody,
    handler: (ctx, { body }) => remindAllOverdue(sc, actorOf(ctx), body),
  });

  api.add({
    method: 'post',
    path: '/api/admin/suggestions/import',
    summary:
      'Import existing suggestions from CSV or .xlsx (columns 建议内容, 类别, 区县, 乡镇, 村, 提出代表, 群众姓名, 群众电话, 登记日期, 是否公开). dryRun (default true) only reports every bad row (row, column, why); a real import writes all rows or none',
    tags: TAGS,
    access: LIAISON,
    requestType: 'multipart/form-data',
    before: [singleFileUpload(5 * 1024 * 1024)],
    body: z.object({ dryRun: z.enum(['true', 'false']).default('true') }).strict(),
    responses: { 200: 'The report (dry run, or imported)', 400: 'Bad rows: nothing imported, the report in details', 413: 'File over 5 MB' },
    handler: async (ctx, { body }) => {
      const file = uploadedFile(ctx);
      if (!file) throw new BadRequestError('请选择要导入的文件（字段名 file）', 'file_required');
      return importSuggestions(sc, { bytes: file.buffer, fileName: file.originalname ?? '', dryRun: body.dryRun === 'true', actor: actorOf(ctx) });
    },
  });

  api.add({
    method: 'get',
    path: '/api/admin/suggestions/rates',
    summary: '交办率, 办结率, 满意率 and on-time rate for a Beijing-calendar period, in total and by county, township, department or category',
    tags: TAGS,
    access: LIAISON,
    query: ratesQuery,
    handler: (_ctx, { query }) => computeRates(query, sc.clock.now()),
  });

  api.add({
    method: 'post',
    path: '/api/admin/suggestions',
    summary: 'Register a suggestion raised by deputies (or by a citizen through a deputy)',
    tags: TAGS,
    access: LIAISON,
    body: registerBody,
    responses: { 201: 'Registered' },
    handler: async (ctx, { body }) => {
      ctx.status = 201;
      return registerSuggestion(body, actorOf(ctx), sc.clock.now());
    },
  });

  api.add({
    method: 'get',
    path: '/api/admin/suggestions/:id',
    summary: 'One suggestion with its handling record and audit trail',
    tags: TAGS,
    access: READERS,
    params: idParams,
    handler: async (ctx, { params }) => {
      const view = await getSuggestion(params.id, actorOf(ctx));
      // Names of the deputies who raised it and of the units involved, for people reading it (department users can list
      // neither deputies nor other units).
      const unitIds = [view.leadDepartmentId, ...view.coDepartmentIds, ...view.transfers.flatMap((t) => [t.fromDepartmentId, t.toDepartmentId]), ...view.answers.map((a) => a.departmentId), ...view.coOpinions.map((o) => o.departmentId)];
      const [names, departmentNamesById] = await Promise.all([deputiesByIds(view.deputyIds), departmentNames(unitIds.filter((id): id is string => !!id))]);
      return { ...view, deputies: view.deputyIds.map((id) => ({ id, name: names.get(id)?.name ?? '（已删除的代表）' })), departmentNames: departmentNamesById };
    },
  });

  const step = <B>(path: string, summary: string, access: readonly ('liaison' | 'department')[], body: import('zod').ZodType<B>, run: (ctx: AppContext, id: string, body: B) => Promise<SuggestionDoc>) =>
    api.add({
      method: 'post',
      path: `/api/admin/suggestions/:id/${path}`,
      summary,
      tags: TAGS,
      access,
      params: idParams,
      body,
      responses: STEP_RESPONSES,
      handler: async (ctx, { params, body: b }) => view(ctx)(await run(ctx, params.id, b)),
    });

  step('sort', '梳理: mark sorted, merging the given duplicates into it', LIAISON, sortBody, (ctx, id, b) =>
    sortSuggestion(sc, { id, actor: actorOf(ctx), version: b.version, mergeIds: b.mergeIds, note: b.note }),
  );
  step('assign', '交办: lead department, co-departments, deadline from configuration (hard: the longer one) or a chosen deadline (YYYY-MM-DD Beijing, after today, within a year); the deputies are told by SMS', LIAISON, assignBody, async (ctx, id, b) =>
    afterAssign(sc, await assignSuggestion(sc, { id, actor: actorOf(ctx), ...b }), actorOf(ctx)),
  );
  step('transfer', '转办: pass to another department, with the reason', LIAISON, transferBody, (ctx, id, b) =>
    transferSuggestion(sc, { id, actor: actorOf(ctx), ...b }),
  );
  step('answer', '答复: written answer, answer class A/B/C and the face-to-face meeting (lead department only); each deputy gets an SMS with a personal satisfaction link', ['department'], answerBody, async (ctx, id, b) =>
    afterAnswer(sc, await answerSuggestion(sc, { id, actor: actorOf(ctx), ...b }), actorOf(ctx)),
  );
  step('co-opinion', '协办意见: a co-department sends its view to the lead department', ['department'], coOpinionBody, (ctx, id, b) =>
    addCoOpinion(sc, { id, actor: actorOf(ctx), ...b }),
  );
  step('rate', '满意度 recorded on the deputy’s behalf (代为录入, for deputies without a phone; marked as such): 满意/基本满意/不满意 with comment; a second 不满意 opens an escalation', LIAISON, rateBody, (ctx, id, b) =>
    rateSuggestion(sc, { id, actor: actorOf(ctx), ...b, source: 'liaison' }),
  );
  step('close', '办结', LIAISON, noteBody, (ctx, id, b) => closeSuggestion(sc, { id, actor: actorOf(ctx), ...b }));
  step('rehandle', '重新办理 after 不满意: back to the departments with a fresh deadline', LIAISON, noteBody, (ctx, id, b) =>
    rehandleSuggestion(sc, { id, actor: actorOf(ctx), ...b }),
  );
  step('escalate', '督办: open an escalation for a suggestion past its deadline', LIAISON, noteBody, (ctx, id, b) =>
    escalateOverdue(sc, { id, actor: actorOf(ctx), version: b.version }),
  );

  api.add({
    method: 'post',
    path: '/api/admin/suggestions/:id/remind',
    summary: '督办 SMS to the lead department contact of an overdue suggestion (once a day per suggestion; recorded)',
    tags: TAGS,
    access: LIAISON,
    params: idParams,
    responses: { 404: 'No such suggestion', 409: 'Not overdue, or already reminded today' },
    handler: (ctx, { params }) => remindDepartment(sc, params.id, actorOf(ctx)),
  });

  api.add({
    method: 'post',
    path: '/api/admin/suggestions/:id/satisfaction-links',
    summary: 'Send the deputies fresh satisfaction links for the current answer (the links sent before stop working)',
    tags: TAGS,
    access: LIAISON,
    params: idParams,
    responses: { 404: 'No such suggestion', 409: 'Not waiting for a rating' },
    handler: (ctx, { params }) => resendSatisfactionLinks(sc, params.id, actorOf(ctx)),
  });

  api.add({
    method: 'put',
    path: '/api/admin/suggestions/:id/escalations/:escalationId',
    summary: 'Record the escalation: 约见, 评议 or 询问, its date and outcome',
    tags: TAGS,
    access: LIAISON,
    params: escalationParams,
    body: escalationBody,
    responses: STEP_RESPONSES,
    handler: async (ctx, { params, body }) =>
      view(ctx)(await recordEscalation(sc, { id: params.id, escalationId: params.escalationId, actor: actorOf(ctx), ...body })),
  });

  return api;
}
