/** What the suggestion use cases need from the running service, and who is acting. */
import type { Clock } from '../clock';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { AuthenticatedUser } from '../auth/roles';

export interface SuggestionsContext {
  config: Config;
  clock: Clock;
  logger: Logger;
}

export type Actor = Pick<AuthenticatedUser, 'id' | 'displayName' | 'role' | 'departmentId'>;
