import type { FeatureModule, Services } from '../module';
import { authRoutes } from './routes';
import { countUsers } from './service';
import { RouteCatalog } from '../http/route-catalog';

export function authModule(services: Services): FeatureModule {
  const catalog = new RouteCatalog();
  return {
    name: 'auth',
    routers: [authRoutes(services, catalog)],
    onRoutes: (routes) => catalog.install(routes),
    async start() {
      if ((await countUsers()) === 0) {
        services.logger.warn('no users yet — create the first admin with: npm run user -- create --username admin --role admin');
        // At a terminal, the JSON line above is easy to miss among the others: say it plainly too.
        if (process.stderr.isTTY && services.config.env !== 'test') {
          process.stderr.write(
            '\n  No users yet. In a second terminal (this one keeps serving), create the first administrator:\n' +
              '    npm run user -- create --username admin --role admin\n\n',
          );
        }
      }
    },
  };
}
