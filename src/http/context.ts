import type { RouterContext } from '@koa/router';
import type { Logger } from '../logger';
import type { AuthenticatedUser } from '../auth/roles';
import type { AppError } from '../errors';

export interface AppState {
  requestId: string;
  log: Logger;
  /** When the request reached the app (performance.now() ms, monotonic): deadlines bounding a whole request count from here. */
  arrivedAt: number;
  /** Set by the authentication middleware for a valid bearer token or console session cookie. */
  user?: AuthenticatedUser;
  /** How the user was authenticated; the console's cookie session keeps its token to derive the CSRF token. */
  auth?: { via: 'bearer' } | { via: 'cookie'; token: string };
  /** Why a presented session cookie did not authenticate (expired, cross-site, no CSRF token): protected routes answer with it. */
  authProblem?: AppError;
  /** Set by routes (the microsite) that render their own 404 page instead of the JSON error. */
  handledNotFound?: boolean;
}

export type AppContext = RouterContext<AppState>;
