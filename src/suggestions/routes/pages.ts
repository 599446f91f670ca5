/**
 * The microsite's suggestion pages: plain HTML forms, no script, so they work in WeChat's in-app browser. Posts
 * answer with a 303 redirect (a refresh never sends twice); errors re-render the form with what was typed.
 *   /suggestions/new      the citizens' form (?via=wechat from the official account)
 *   /suggestions/track    progress by tracking number
 *   /suggestions          件件有答复: answered public suggestions
 *   /suggestions/rates    交办率 / 办结率 / 满意率 of the city and each county (or a county's townships)
 *   /s/:token             a deputy's personal satisfaction link
 */
import Router from '@koa/router';
import getRawBody from 'raw-body';
import type { AppContext, AppState } from '../../http/context';
import { AppError, BadRequestError, ValidationError } from '../../errors';
import { renderPage } from '../../site';
import { regionsInUse } from '../../content/taxonomy';
import { CATEGORIES } from '../models';
import { publicRatingBody, publicSubmissionBody } from '../schemas';
import { submitPublicSuggestion } from '../public-submission';
import { answeredPublic, publicProgress } from '../public-views';
import { publicRates } from '../public-rates';
import { parsePeriod } from '../periods';
import { PERIOD_PATTERN } from '../../calendar/periods';
import { rateThroughLink, viewSatisfaction, type SatisfactionState } from '../satisfaction';
import { assertSameOrigin, publicLimits } from '../public-limits';
import { beijingDay } from '../../calendar/beijing';
import type { SuggestionsContext } from '../context';

const FORM_LIMIT = '16kb';

async function readForm(ctx: AppContext): Promise<Record<string, string>> {
  if (!ctx.is('application/x-www-form-urlencoded')) throw new BadRequestError('提交的内容格式不正确，请在页面上重新提交');
  const raw = await getRawBody(ctx.req, { limit: FORM_LIMIT, encoding: 'utf-8' });
  return Object.fromEntries(new URLSearchParams(raw));
}

/** Counties and townships in use on the site, for the form's suggestions (free text is still accepted). */
async function placeOptions(): Promise<{ counties: string[]; townships: string[] }> {
  const roots = await regionsInUse();
  const countyNodes = roots.flatMap((r) => (/市$/.test(r.name) ? r.children : [r]));
  return { counties: countyNodes.map((c) => c.name), townships: [...new Set(countyNodes.flatMap((c) => c.children.map((t) => t.name)))] };
}

const fieldLabels: Record<string, string> = {
  name: '姓名', phone: '联系电话', text: '问题和建议', category: '类别', county: '区（县）', township: '乡镇（街道）', village: '村（社区）', deputyName: '代表姓名', website: '网址',
};

export function pageRoutes(sc: SuggestionsContext): Router<AppState> {
  const router = new Router<AppState>();
  const limits = publicLimits(sc);
  const year = () => beijingDay(sc.clock.now()).slice(0, 4);

  async function showForm(ctx: AppContext, extra: { error?: string; problems?: string[]; draft?: Record<string, unknown>; status?: number } = {}) {
    const via = ctx.query.via === 'wechat' ? 'wechat' : 'web';
    renderPage(
      ctx,
      'suggestions/form.njk',
      { ...(await placeOptions()), categories: CATEGORIES, via, draft: extra.draft ?? {}, error: extra.error, problems: extra.problems ?? [], meta: { title: '向人大代表提建议', nav: 'suggestions' } },
      extra.status ?? 200,
    );
  }

  router.get('/suggestions/new', limits.burst, async (ctx) => showForm(ctx));

  router.post('/suggestions/new', limits.burst, limits.submissions, async (ctx) => {
    let draft: Record<string, string> = {};
    try {
      assertSameOrigin(ctx, sc.config.publicBaseUrl);
      draft = await readForm(ctx);
      const parsed = publicSubmissionBody.safeParse(draft);
      if (!parsed.success) {
        const problems = parsed.error.issues.map((i) => `${fieldLabels[String(i.path[0])] ?? String(i.path[0])}：${i.message}`);
        throw new ValidationError('请检查填写的内容', problems.map((message) => ({ field: 'body', message })));
      }
      const { website: _honeypot, ...input } = parsed.data;
      const received = await submitPublicSuggestion(sc, input, { channel: ctx.query.via === 'wechat' ? 'wechat' : 'web', address: ctx.ip });
      ctx.status = 303;
      ctx.redirect(`/suggestions/track?no=${encodeURIComponent(received.receiptNo)}&received=1`);
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      const problems = err instanceof ValidationError ? ((err.details as Array<{ message: string }> | undefined) ?? []).map((p) => p.message) : [];
      return showForm(ctx, { error: err.message, problems, draft: { ...draft, public: draft.public === 'on' }, status: err.status });
    }
  });

  router.get('/suggestions/track', limits.burst, limits.misses, async (ctx) => {
    const no = typeof ctx.query.no === 'string' ? ctx.query.no.slice(0, 40) : '';
    let progress;
    let error: string | undefined;
    let status = 200;
    if (no) {
      try {
        progress = await publicProgress(no);
      } catch (err) {
        if (!(err instanceof AppError) || err.status >= 500) throw err;
        error = err.message;
        status = err.status;
      }
    }
    renderPage(ctx, 'suggestions/track.njk', { no, progress, error, received: ctx.query.received === '1' && !!progress, meta: { title: '建议办理进度查询', nav: 'suggestions', noindex: true, canonicalPath: '/suggestions/track' } }, status);
  });

  router.get('/suggestions', limits.burst, async (ctx) => {
    const pageNo = Math.max(1, Math.min(10_000, Number.parseInt(String(ctx.query.page ?? '1'), 10) || 1));
    const page = await answeredPublic({ page: pageNo, pageSize: 10 });
    renderPage(ctx, 'suggestions/answered.njk', { page, pages: Math.max(1, Math.ceil(page.total / page.pageSize)), meta: { title: '件件有答复', nav: 'suggestions' } });
  });

  router.get('/suggestions/rates', limits.burst, async (ctx) => {
    const label = typeof ctx.query.period === 'string' ? ctx.query.period.trim() : '';
    const county = typeof ctx.query.county === 'string' && ctx.query.county.trim() ? ctx.query.county.trim().slice(0, 50) : undefined;
    const valid = PERIOD_PATTERN.test(label);
    const rates = await publicRates(sc, { period: valid ? parsePeriod(label) : undefined, county });
    renderPage(
      ctx,
      'suggestions/rates.njk',
      { rates, county, heading: county ?? '全市', year: year(), error: label && !valid ? '统计期间的写法不对，已显示今年的数据' : undefined, meta: { title: `${county ?? '全市'}意见建议办理情况`, nav: 'suggestions' } },
      label && !valid ? 400 : 200,
    );
  });

  async function showLink(ctx: AppContext, token: string, extra: { error?: string; done?: boolean; status?: number; draft?: Record<string, string> } = {}) {
    let state: SatisfactionState;
    try {
      state = await viewSatisfaction(sc, token);
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      return renderPage(ctx, 'suggestions/link-error.njk', { heading: '满意度测评链接', message: err.message, meta: { title: '满意度测评', noindex: true, canonicalPath: '/suggestions' } }, err.status);
    }
    renderPage(
      ctx,
      'suggestions/satisfaction.njk',
      { state, action: `/s/${token}`, done: extra.done && !!state.rating, error: extra.error, draft: extra.draft ?? {}, meta: { title: '满意度测评', noindex: true, canonicalPath: '/suggestions' } },
      extra.status ?? 200,
    );
    // The personal token is in the address: keep it out of Referer headers sent elsewhere.
    ctx.set('Referrer-Policy', 'same-origin');
  }

  router.get('/s/:token', limits.burst, limits.misses, async (ctx) => showLink(ctx, ctx.params.token, { done: ctx.query.done === '1' }));

  router.post('/s/:token', limits.burst, limits.misses, async (ctx) => {
    const token = ctx.params.token;
    let draft: Record<string, string> = {};
    try {
      assertSameOrigin(ctx, sc.config.publicBaseUrl);
      draft = await readForm(ctx);
      const parsed = publicRatingBody.safeParse({ rating: draft.rating, comment: draft.comment ?? '' });
      if (!parsed.success) throw new BadRequestError(parsed.error.issues.some((i) => i.path[0] === 'comment') ? '意见最多 500 字' : '请选择“满意”“基本满意”或“不满意”');
      await rateThroughLink(sc, token, parsed.data);
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      if (err.code === 'satisfaction_link_invalid' || err.code === 'satisfaction_link_expired') return showLink(ctx, token);
      return showLink(ctx, token, { error: err.message, status: err.status, draft });
    }
    ctx.status = 303;
    ctx.redirect(`/s/${encodeURIComponent(token)}?done=1`);
  });

  return router;
}
