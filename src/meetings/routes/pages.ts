/**
 * The RSVP page behind the SMS link: plain HTML forms, no script, so it works in WeChat's in-app browser.
 * GET /r/:token shows the meeting (the site's meeting page, with the form in its actions block) and the current
 * answer; POST answers and redirects back (303) so a refresh never re-sends; errors re-render with a message.
 * POST /meetings/:slug/signup is the public sign-up form of an open meeting: it redirects (303) to the new
 * personal page, or re-renders the meeting page with the message and what was typed.
 * Also GET /meetings/:slug.ics for people who know the page address.
 */
import Router from '@koa/router';
import getRawBody from 'raw-body';
import type { AppContext, AppState } from '../../http/context';
import { AppError, BadRequestError } from '../../errors';
import { rateLimit } from '../../http/rate-limit';
import { renderPage } from '../../site';
import { getPublicMeeting } from '../../site/meetings-source';
import { respond, viewRsvp, type RsvpState } from '../rsvp';
import { rsvpBody, signupBody } from '../schemas';
import { signUp } from '../signup';
import { getPublishedById } from '../../content/public-queries';
import { assertSameOrigin } from '../same-origin';
import { icsContentDisposition, meetingIcs } from '../ics';
import { findPublicMeeting } from './public';
import type { MeetingsContext } from '../context';

const FORM_LIMIT = '8kb';

async function readForm(ctx: AppContext): Promise<URLSearchParams> {
  if (!ctx.is('application/x-www-form-urlencoded')) throw new BadRequestError('提交的内容格式不正确，请在报名页面重新提交');
  const raw = await getRawBody(ctx.req, { limit: FORM_LIMIT, encoding: 'utf-8' });
  return new URLSearchParams(raw);
}

type Limiter = (ctx: AppContext, next: () => Promise<unknown>) => Promise<unknown>;

const SIGNUP_FIELD_MESSAGES: Record<string, string> = {
  name: '请填写姓名（最多 50 个字）',
  phone: '请填写正确的 11 位手机号码',
  unit: '单位最多 100 个字',
  note: '备注最多 200 个字',
};

export function pageRoutes(mc: MeetingsContext, signupLimit: Limiter): Router<AppState> {
  const router = new Router<AppState>();
  // Per address: bursts are generous (a meeting hall answering at once behind one NAT), but links that lead
  // nowhere are few, so guessing tokens stops after a handful of misses.
  const burst = rateLimit({ clock: mc.clock, windowMs: 60_000, max: 600 });
  const misses = rateLimit({ clock: mc.clock, windowMs: 15 * 60_000, max: 20, countIf: (ctx) => ctx.status === 404 });

  async function show(ctx: AppContext, token: string, extra: { error?: string; done?: boolean; status?: number; draft?: { response?: string; note?: string } } = {}) {
    let state: RsvpState;
    try {
      state = await viewRsvp(mc, token);
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      return renderPage(ctx, 'meetings/rsvp-error.njk', { message: err.message, meta: { title: '报名链接', noindex: true, canonicalPath: '/meetings' } }, err.status);
    }
    const item = await getPublicMeeting(state.meeting.slug, mc.clock.now());
    renderPage(
      ctx,
      'meetings/rsvp.njk',
      {
        item,
        cases: [],
        deputies: [],
        rsvp: state,
        token,
        action: `/r/${token}`,
        icsHref: state.meeting.icsPath,
        error: extra.error,
        done: extra.done,
        // On the wait-list the wish is still "参加": keep it chosen.
        draft: extra.draft ?? { response: state.invitee.response === 'waitlisted' ? 'accepted' : state.invitee.response, note: state.invitee.note },
        // The personal token must not travel in canonical or og:url (a share would hand the link on).
        meta: { title: `报名：${state.meeting.title}`, noindex: true, nav: 'meetings', canonicalPath: item?.path ?? '/meetings' },
      },
      extra.status ?? 200,
    );
    // The token is in the address: keep it out of Referer headers sent to other sites, while our own form
    // post still carries a real Origin (with no-referrer, Chromium sends Origin: null).
    ctx.set('Referrer-Policy', 'same-origin');
  }

  router.get('/r/:token', burst, misses, async (ctx) => {
    await show(ctx, ctx.params.token, { done: ctx.query.done === '1' });
  });

  router.post('/r/:token', burst, misses, async (ctx) => {
    const token = ctx.params.token;
    let draft: { response?: string; note?: string } | undefined;
    try {
      assertSameOrigin(ctx, mc.config.publicBaseUrl);
      const form = await readForm(ctx);
      draft = { response: form.get('response') ?? undefined, note: form.get('note') ?? undefined };
      const parsed = rsvpBody.safeParse({ response: draft.response, ...(draft.note !== undefined ? { note: draft.note } : {}) });
      if (!parsed.success) {
        const bad = parsed.error.issues.some((i) => i.path[0] === 'note');
        throw new BadRequestError(bad ? '备注最多 200 个字' : '请选择"参加"或"不参加"');
      }
      await respond(mc, token, parsed.data);
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      if (err.code === 'rsvp_link_invalid' || err.code === 'rsvp_link_expired') return show(ctx, token);
      return show(ctx, token, { error: err.message, status: err.status, draft });
    }
    ctx.status = 303;
    ctx.redirect(`/r/${encodeURIComponent(token)}?done=1`);
  });

  /** The meeting page again, with the sign-up message and what was typed (nothing is cached: it is personal). */
  async function showSignup(ctx: AppContext, slug: string, signup: { error: string; draft: Record<string, string> }, status: number) {
    const item = await getPublicMeeting(slug, mc.clock.now());
    if (!item) return renderPage(ctx, 'not-found.njk', { message: '会议不存在', meta: { title: '页面未找到', noindex: true } }, 404);
    const [cases, deputies] = await Promise.all([
      Promise.all(item.featuredCaseIds.map((id) => getPublishedById('case', id))),
      Promise.all(item.featuredDeputyIds.map((id) => getPublishedById('deputy', id))),
    ]);
    renderPage(
      ctx,
      'meeting.njk',
      { item, cases: cases.filter(Boolean), deputies: deputies.filter(Boolean), signup, meta: { title: item.title, noindex: true, nav: 'meetings', canonicalPath: item.path } },
      status,
    );
  }

  router.post('/meetings/:slug/signup', async (ctx) => {
    const slug = ctx.params.slug;
    let draft: Record<string, string> = {};
    try {
      // Inside the try: "too many" is shown on the page like any other refusal.
      await signupLimit(ctx, async () => undefined);
      assertSameOrigin(ctx, mc.config.publicBaseUrl);
      const form = await readForm(ctx);
      draft = Object.fromEntries(['name', 'phone', 'unit', 'note', 'website'].map((k) => [k, form.get(k) ?? '']));
      const parsed = signupBody.safeParse(draft);
      if (!parsed.success) {
        const fields = [...new Set(parsed.error.issues.map((i) => String(i.path[0])))];
        throw new BadRequestError(fields.map((f) => SIGNUP_FIELD_MESSAGES[f] ?? '请检查填写的内容').join('；'));
      }
      const result = await signUp(mc, await findPublicMeeting({ slug }), parsed.data);
      ctx.status = 303;
      ctx.redirect(`/r/${encodeURIComponent(result.token)}?done=1`);
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      if (err.status === 404) return showSignup(ctx, slug, { error: err.message, draft }, 404);
      return showSignup(ctx, slug, { error: err.message, draft: { ...draft, website: '' } }, err.status);
    }
  });

  router.get('/meetings/:slug.ics', async (ctx) => {
    const m = await findPublicMeeting({ slug: ctx.params.slug });
    ctx.type = 'text/calendar; charset=utf-8';
    ctx.set('Content-Disposition', icsContentDisposition(m));
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = meetingIcs(m, mc.config.publicBaseUrl);
  });

  return router;
}
