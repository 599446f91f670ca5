import type { RouterContext } from '@koa/router';
import type { Logger } from '../logger';
import type { AuthenticatedUser } from '../auth/roles';

export interface AppState {
  requestId: string;
  log: Logger;
  /** When the request reached the app (performance.now() ms, monotonic): deadlines bounding a whole request count from here. */
  arrivedAt: number;
  /** Set by the authentication middleware when a valid bearer token came with the request. */
  user?: AuthenticatedUser;
  /** Set by routes (the microsite) that render their own 404 page instead of the JSON error. */
  handledNotFound?: boolean;
}

export type AppContext = RouterContext<AppState>;
