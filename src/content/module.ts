/** The content feature: admin API for articles, deputies, groups, cases and media; public media files. */
import path from 'node:path';
import type { FeatureModule, Services } from '../module';
import './kinds';
import { configurePublicationHooks } from './publication-hooks';

export function contentModule(services: Services): FeatureModule {
  const mediaRoot = path.join(services.config.dataDir, 'media');
  configurePublicationHooks({ clock: services.clock, events: services.events, mediaRoot });
  return { name: 'content', routers: [], pageRouters: [] };
}
