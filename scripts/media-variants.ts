/**
 * Makes the AVIF and WebP copies of every image that has none yet (uploads from before they existed). The service
 * does the same in the background when it starts; this does it now, in the foreground, with progress. Safe to run
 * beside a running service (each image is checked again before its copies are recorded) and to run twice.
 *   npm run media:variants
 */
import path from 'node:path';
import { systemClock } from '../src/clock';
import { LocalDiskStorage } from '../src/content/media/storage';
import { addModernVariants, mediaWithoutModernVariants } from '../src/content/media/modern-variants';
import { ALL_PAGES_TAG, InvalidationRelay } from '../src/site/invalidation-relay';
import { runScript } from './cli';

void runScript(async ({ config, logger }) => {
  const storage = new LocalDiskStorage(path.join(config.dataDir, 'media'));
  const ids = await mediaWithoutModernVariants(Number.MAX_SAFE_INTEGER);
  console.log(`${ids.length} image(s) without AVIF/WebP copies`);
  let added = 0;
  let failed = 0;
  const started = Date.now();
  for (const [i, id] of ids.entries()) {
    try {
      added += await addModernVariants(storage, id);
    } catch (err) {
      failed += 1;
      console.log(`  ${id}: ${err instanceof Error ? err.message : String(err)}`);
    }
    if ((i + 1) % 20 === 0) console.log(`  ${i + 1}/${ids.length}`);
  }
  console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s: ${added} file(s) added${failed ? `, ${failed} image(s) failed (their pages keep JPEG/PNG)` : ''}`);
  // Running instances rebuild their cached pages with the new <source> lines.
  if (added) await new InvalidationRelay(() => undefined, systemClock, logger).publish([ALL_PAGES_TAG]);
});
