/** HTTP surfaces of the delivery channels: provider callbacks and the channels' admin views. */
import type { FeatureModule, Services } from '../module';
import { adminRoutes } from './admin';
import { callbackRoutes } from './callbacks';

export function channelsHttpModule(services: Services): FeatureModule {
  return { name: 'channels-http', routers: [callbackRoutes(services), adminRoutes(services)] };
}
