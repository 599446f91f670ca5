/** What the meeting use cases need from the running service. */
import type { Clock } from '../clock';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { DomainEventBus } from '../events';

export interface MeetingsContext {
  config: Config;
  clock: Clock;
  logger: Logger;
  events: DomainEventBus;
}

/** The signed-in organizer acting. */
export interface Actor {
  id: string;
  displayName: string;
}
