/** 考评: yearly scoring schemes as data, scores of groups, deputies and counties from the records, award candidates. */
import type { FeatureModule, Services } from '../module';
import { evaluationRoutes } from './routes';

export function evaluationModule(services: Services): FeatureModule {
  return { name: 'evaluation', routers: [evaluationRoutes(services)] };
}
