/** Resolves `Authorization: Bearer <token>` to ctx.state.user. Routes decide what access they need. */
import type { Clock } from '../clock';
import type { AppContext } from '../http/context';
import { UnauthorizedError } from '../errors';
import { authenticate } from './service';

export function authentication(clock: Clock) {
  return async (ctx: AppContext, next: () => Promise<unknown>) => {
    const header = ctx.get('authorization');
    // /metrics reads its own bearer token (METRICS_TOKEN, what Prometheus sends), not a user session.
    if (header && ctx.path !== '/metrics') {
      const match = /^Bearer ([A-Za-z0-9_-]{20,200})$/.exec(header);
      const user = match ? await authenticate(match[1], clock.now()) : undefined;
      // A presented but invalid token is an error even on public routes: the client believes it is signed in.
      if (!user) throw new UnauthorizedError('登录已失效，请重新登录', 'invalid_token');
      ctx.state.user = user;
    }
    await next();
  };
}
