/**
 * Resolves the caller to ctx.state.user: `Authorization: Bearer <token>` (scripts), or else the console's session
 * cookie. A cookie-authenticated unsafe request must pass the CSRF checks (src/auth/cookie-session.ts); one that
 * fails is left signed out with the reason kept, so protected routes refuse it with that reason while public routes
 * (a staffer's browser posting the microsite's subscription form) are not disturbed.
 */
import type { Clock } from '../clock';
import type { AppContext } from '../http/context';
import { isCrossSite } from '../http/same-origin';
import { ForbiddenError, UnauthorizedError } from '../errors';
import { authenticate } from './service';
import { clearSessionCookies, csrfHeaderMatches, isUnsafeMethod, sessionCookie, SESSION_TOKEN_PATTERN } from './cookie-session';

export interface AuthenticationOptions {
  publicBaseUrl: string;
  secureCookies: boolean;
}

export function authentication(clock: Clock, options: AuthenticationOptions) {
  return async (ctx: AppContext, next: () => Promise<unknown>) => {
    const header = ctx.get('authorization');
    // /metrics reads its own bearer token (METRICS_TOKEN, what Prometheus sends), not a user session.
    if (header && ctx.path !== '/metrics') {
      const match = /^Bearer (.+)$/.exec(header);
      const user = match && SESSION_TOKEN_PATTERN.test(match[1]) ? await authenticate(match[1], clock.now()) : undefined;
      // A presented but invalid token is an error even on public routes: the client believes it is signed in.
      if (!user) throw new UnauthorizedError('登录已失效，请重新登录', 'invalid_token');
      ctx.state.user = user;
      ctx.state.auth = { via: 'bearer' };
      return next();
    }
    const token = sessionCookie(ctx);
    if (token) {
      const user = await authenticate(token, clock.now());
      if (!user) {
        // Expired, revoked, or the account was disabled: the browser should forget it.
        clearSessionCookies(ctx, options.secureCookies);
        ctx.state.authProblem = new UnauthorizedError('登录已失效，请重新登录', 'session_expired');
      } else if (isUnsafeMethod(ctx.method) && isCrossSite(ctx, options.publicBaseUrl)) {
        ctx.state.authProblem = new ForbiddenError('拒绝跨站请求', 'cross_site_request');
      } else if (isUnsafeMethod(ctx.method) && !csrfHeaderMatches(ctx, token)) {
        ctx.state.authProblem = new ForbiddenError('缺少或错误的 CSRF 令牌（X-CSRF-Token），请刷新页面后重试', 'csrf_token_invalid');
      } else {
        ctx.state.user = user;
        ctx.state.auth = { via: 'cookie', token };
      }
    }
    await next();
  };
}
