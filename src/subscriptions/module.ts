/** SMS news sign-up with double opt-in (a code texted to the number). The subscriber list itself is src/audiences. */
import type { FeatureModule, Services } from '../module';
import { subscriptionRoutes } from './routes';
import { registerSubscriptionNoticeKind } from './service';

export function subscriptionsModule(services: Services): FeatureModule {
  registerSubscriptionNoticeKind();
  return { name: 'subscriptions', routers: [subscriptionRoutes(services)] };
}
