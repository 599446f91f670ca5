/**
 * Deputy-group activities (records and plans, roll call, SMS notices, news drafts) and activity funds (活动保障).
 * Other modules read figures through ./index.ts.
 */
import type { FeatureModule, Services } from '../module';
import { activityRoutes } from './routes';
import { registerActivityNoticeKind } from './notice';
import { fundRoutes } from './funds/routes';
import type { ActivitiesContext } from './context';
import { followRosterChanges } from './rosters';
import './models';

export function activitiesModule(services: Services): FeatureModule {
  const ctx: ActivitiesContext = {
    config: services.config,
    clock: services.clock,
    logger: services.logger.child({ component: 'activities' }),
    events: services.events,
  };
  registerActivityNoticeKind();
  followRosterChanges();
  return { name: 'activities', routers: [activityRoutes(ctx), fundRoutes(ctx)] };
}
