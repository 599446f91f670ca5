/**
 * AVIF and WebP copies of the list (480 px) and cover (1080 px) sizes, made from the stored original. Browsers
 * that take them download a fraction of the JPEG's bytes (`<picture>` in templates/site/partials/image.njk); the
 * others keep the JPEG/PNG.
 *
 * AVIF is slow to encode (about a second for a cover on a busy 2-core machine), so an upload answers as soon as its
 * own sizes are stored and the copies follow in the background, one image at a time. Images without copies —
 * uploaded before this existed, or whose copies were cut off by a restart — are swept up when the service starts;
 * `npm run media:variants` does the same from the command line.
 */
import { sharp } from '../../lazy-sharp';
import type { Types } from 'mongoose';
import type { Logger } from '../../logger';
import { Media, type MediaDoc, type MediaSizeName, type MediaVariant, type ModernFormat } from '../models/media';
import type { MediaStorage } from './storage';
import { MEDIA_WIDTHS, MAX_PIXELS } from './sizes';

const ENCODERS: Record<ModernFormat, { contentType: string; options: Record<string, unknown> }> = {
  // effort 2: a tenth of the default's time for a file a few per cent larger.
  avif: { contentType: 'image/avif', options: { quality: 50, effort: 2 } },
  webp: { contentType: 'image/webp', options: { quality: 75 } },
};

/** The copies an image should have: none for animated GIFs; no WebP copy of a WebP upload. */
export function wantedModernFormats(doc: Pick<MediaDoc, 'format' | 'variants'>): ModernFormat[] {
  if (doc.format === 'gif') return [];
  return doc.format === 'webp' ? ['avif'] : ['avif', 'webp'];
}

function missingModern(doc: Pick<MediaDoc, 'format' | 'variants'>): boolean {
  const have = new Set(doc.variants.map((v) => v.name));
  return wantedModernFormats(doc).some((f) => !have.has(`list-${f}`) || !have.has(`cover-${f}`));
}

async function readAll(storage: MediaStorage, key: string): Promise<Buffer | undefined> {
  const found = await storage.open(key);
  if (!found) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of found.stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Makes and stores the missing copies of one image; returns how many variants were added. */
export async function addModernVariants(storage: MediaStorage, id: Types.ObjectId | string): Promise<number> {
  const doc = await Media.findById(id).lean();
  if (!doc || !missingModern(doc)) return 0;
  const original = doc.variants.find((v) => v.name === 'original');
  const bytes = original && (await readAll(storage, original.key));
  if (!bytes) return 0;
  const stem = original.key.slice(0, original.key.lastIndexOf('-'));
  const have = new Set(doc.variants.map((v) => v.name));
  const added: MediaVariant[] = [];
  for (const format of wantedModernFormats(doc)) {
    for (const size of ['list', 'cover'] as MediaSizeName[]) {
      const name = `${size}-${format}` as const;
      if (have.has(name)) continue;
      const { data, info } = await sharp(bytes, { limitInputPixels: MAX_PIXELS })
        .resize({ width: MEDIA_WIDTHS[size], withoutEnlargement: true })
        .toFormat(format, ENCODERS[format].options)
        .toBuffer({ resolveWithObject: true });
      const key = `${stem}-${size}.${format}`;
      await storage.put(key, data, ENCODERS[format].contentType);
      added.push({ name, key, width: info.width, height: info.height, bytes: data.length, contentType: ENCODERS[format].contentType });
    }
  }
  if (!added.length) return 0;
  // Another instance may have added the same copies meanwhile (same keys, same bytes): add only names still absent.
  const fresh = await Media.findById(id, { variants: 1 }).lean();
  const present = new Set((fresh?.variants ?? []).map((v) => v.name));
  const toAdd = added.filter((v) => !present.has(v.name));
  if (toAdd.length) await Media.updateOne({ _id: doc._id }, { $push: { variants: { $each: toAdd } } });
  return toAdd.length;
}

/** Ids of images still without their copies, oldest first. */
export async function mediaWithoutModernVariants(limit = 1000): Promise<Types.ObjectId[]> {
  const docs = await Media.find({ format: { $ne: 'gif' }, 'variants.name': { $ne: 'list-avif' } }, { _id: 1 })
    .sort({ createdAt: 1 })
    .limit(limit)
    .lean();
  return docs.map((d) => d._id);
}

/** One image at a time in the background; `changed` is told when an image's public variants changed. */
export class ModernVariantQueue {
  private readonly waiting: string[] = [];
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly storage: MediaStorage,
    private readonly logger: Logger,
    private readonly changed: (mediaId: string) => void,
  ) {}

  enqueue(id: string): void {
    if (this.stopped || this.waiting.includes(id)) return;
    this.waiting.push(id);
    this.running ??= this.drain().finally(() => (this.running = undefined));
  }

  /** Queues every image still missing its copies (on start). */
  async sweep(): Promise<void> {
    for (const id of await mediaWithoutModernVariants()) this.enqueue(String(id));
  }

  /** Resolves when nothing is waiting (tests, scripts, shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.waiting.length = 0;
    await this.idle();
  }

  private async drain(): Promise<void> {
    while (this.waiting.length) {
      const id = this.waiting.shift()!;
      try {
        if (await addModernVariants(this.storage, id)) this.changed(id);
      } catch (err) {
        // A broken original stays without copies: pages keep its JPEG/PNG.
        this.logger.warn({ err, mediaId: id }, 'could not make AVIF/WebP copies of an image');
      }
    }
  }
}
