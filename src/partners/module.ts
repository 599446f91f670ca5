/** Media partners: registry, feeds behind keys, signed webhook pushes (through publishing), press kits, columns. */
import type { FeatureModule, Services } from '../module';
import { registerPartnerPush } from '../publishing';
import type { PartnersContext } from './context';
import { partnerPush } from './push';
import { partnerAdminRoutes } from './routes/admin';
import { columnRoutes } from './routes/columns';
import { partnerFeedRoutes } from './routes/partner';
import './models';

export function partnersModule(services: Services): FeatureModule {
  const { config, clock } = services;
  const pc: PartnersContext = {
    clock,
    logger: services.logger.child({ component: 'partners' }),
    publicBaseUrl: config.publicBaseUrl,
    feedItems: config.partners.feedItems,
    allowHttp: config.partners.webhookAllowHttp,
  };
  registerPartnerPush(partnerPush(config.publicBaseUrl));
  return {
    name: 'partners',
    routers: [partnerAdminRoutes(pc), columnRoutes(pc), partnerFeedRoutes(pc)],
  };
}
