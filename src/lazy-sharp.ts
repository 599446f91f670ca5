/**
 * sharp (libvips, some 20 MB of native code and memory) loaded on the first image that needs it rather than at
 * start: an idle service, and most requests, never touch an image. Call it as sharp itself is called.
 *
 * libvips' operation cache is turned off on load: by default it keeps the results of the last 100 operations (up to
 * 50 MB of pixels) in case the very same operation runs again, which an upload or a report's chart never does, and a
 * service would carry those pixels until the next image pushed them out.
 */
import type Sharp from 'sharp';

let loaded: typeof Sharp | undefined;

function load(): typeof Sharp {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, not at start
  const s = require('sharp') as typeof Sharp;
  s.cache(false);
  return s;
}

export const sharp: typeof Sharp = ((...args: Parameters<typeof Sharp>) => {
  loaded ??= load();
  return loaded(...args);
}) as typeof Sharp;
