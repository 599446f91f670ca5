/**
 * sharp (libvips, some 20 MB of native code and memory) loaded on the first image that needs it rather than at
 * start: an idle service, and most requests, never touch an image. Call it as sharp itself is called.
 */
import type Sharp from 'sharp';

let loaded: typeof Sharp | undefined;

export const sharp: typeof Sharp = ((...args: Parameters<typeof Sharp>) => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, not at start
  loaded ??= require('sharp') as typeof Sharp;
  return loaded(...args);
}) as typeof Sharp;
