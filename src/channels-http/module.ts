/** HTTP surfaces of the delivery channels: provider callbacks, the channels' admin views, the Weibo OAuth connect. */
import type { FeatureModule, Services } from '../module';
import { adminRoutes } from './admin';
import { callbackRoutes } from './callbacks';
import { registerWeiboJobs, weiboRoutes } from './weibo';

export function channelsHttpModule(services: Services): FeatureModule {
  registerWeiboJobs(services);
  return { name: 'channels-http', routers: [callbackRoutes(services), adminRoutes(services), weiboRoutes(services)] };
}
