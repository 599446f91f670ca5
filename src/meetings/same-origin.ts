/**
 * CSRF defence for the public RSVP posts, on top of the unguessable token in the path: anything a browser says
 * comes from another site is refused. Requests that say nothing (older in-app browsers, curl) still need the token.
 */
import { ForbiddenError } from '../errors';
import type { AppContext } from '../http/context';
import { isCrossSite } from '../http/same-origin';

export function assertSameOrigin(ctx: AppContext, publicBaseUrl: string): void {
  if (isCrossSite(ctx, publicBaseUrl)) throw new ForbiddenError('请从报名页面提交', 'cross_site_request');
}
