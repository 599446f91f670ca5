/** The five full coverages (五个全覆盖): figures, drill-downs, CSV and chart data; supervision visits. */
import type { FeatureModule, Services } from '../module';
import { coverageRoutes } from './routes';

export function coverageModule(services: Services): FeatureModule {
  return { name: 'coverage', routers: [coverageRoutes(services)] };
}
