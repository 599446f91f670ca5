/** What the supervision use cases need from the running service. */
import type { Clock } from '../clock';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { DomainEventBus } from '../events';
import type { AuthenticatedUser } from '../auth/roles';

export interface SupervisionContext {
  config: Config;
  clock: Clock;
  logger: Logger;
  events: DomainEventBus;
}

export type Actor = Pick<AuthenticatedUser, 'id' | 'displayName' | 'role'>;
