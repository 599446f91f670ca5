/** The content feature: admin API for articles, deputies, groups, cases and media; public media files. */
import path from 'node:path';
import type { FeatureModule, Services } from '../module';
import './kinds';
import { LocalDiskStorage } from './media/storage';
import { MediaService } from './media/service';
import { ModernVariantQueue } from './media/modern-variants';
import { mediaFileRouter, mediaRoutes } from './media/routes';
import { configurePublicationHooks } from './publication-hooks';
import { contentRoutes } from './routes';
import { setPublicMediaStorage } from './scoped-queries';
import { ContentService } from './service';

export function contentModule(services: Services): FeatureModule {
  const mediaRoot = path.join(services.config.dataDir, 'media');
  const storage = new LocalDiskStorage(mediaRoot);
  setPublicMediaStorage(storage);
  configurePublicationHooks({ clock: services.clock, events: services.events, storage });
  const content = new ContentService({ clock: services.clock, events: services.events });
  const changed = (mediaId: string) => services.events.emit('media.changed', { mediaId });
  const variants = new ModernVariantQueue(storage, services.logger.child({ component: 'media' }), changed);
  const media = new MediaService(storage, services.clock, { variants, changed });
  return {
    name: 'content',
    routers: [contentRoutes(content), mediaRoutes(media, services.config.mediaMaxBytes)],
    pageRouters: [mediaFileRouter(storage)],
    start() {
      // Images still without AVIF/WebP copies (older uploads, or cut off by a restart): made in the background.
      variants.sweep().catch((err) => services.logger.warn({ err }, 'could not look for images without AVIF/WebP copies'));
    },
    stop: () => variants.stop(),
  };
}
