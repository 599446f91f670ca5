import type { FeatureModule, Services } from '../module';
import { authRoutes } from './routes';
import { countUsers } from './service';

export function authModule(services: Services): FeatureModule {
  return {
    name: 'auth',
    routers: [authRoutes(services)],
    async start() {
      if ((await countUsers()) === 0) {
        services.logger.warn('no users yet — create the first admin with: npm run user -- create --username admin --role admin');
      }
    },
  };
}
