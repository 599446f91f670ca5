/** What the partner routes need from the running service. */
import type { Clock } from '../clock';
import type { Logger } from '../logger';

export interface PartnersContext {
  clock: Clock;
  logger: Logger;
  publicBaseUrl: string;
  feedItems: number;
  allowHttp: boolean;
}
