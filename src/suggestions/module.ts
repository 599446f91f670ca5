/** 意见建议: departments, the handling state machine with its audit trail, the overdue list and the rates. */
import type { FeatureModule, Services } from '../module';
import { departmentRoutes } from './routes/departments';
import { suggestionRoutes } from './routes/suggestions';
import type { SuggestionsContext } from './context';
import './models';

export function suggestionsModule(services: Services): FeatureModule {
  const sc: SuggestionsContext = {
    config: services.config,
    clock: services.clock,
    logger: services.logger.child({ component: 'suggestions' }),
  };
  return { name: 'suggestions', routers: [departmentRoutes(sc), suggestionRoutes(sc)] };
}
