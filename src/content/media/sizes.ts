/** The sizes every upload is stored in, besides the original (never upscaled). */
import type { MediaSizeName } from '../models/media';

export const MEDIA_WIDTHS: Record<MediaSizeName, number> = { list: 480, cover: 1080 };
/** Decompression-bomb guard: 40 megapixels is far above any photo an editor uploads. */
export const MAX_PIXELS = 40_000_000;
