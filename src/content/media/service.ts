/**
 * Image upload: the type is read from the bytes (sharp), never from the name or the declared type; only
 * JPEG, PNG, WebP and GIF are kept. Every image is re-encoded (which drops EXIF, GPS included) into an
 * original-size copy and list (480 wide) and cover (1080 wide) variants, never upscaled.
 */
import { createHash } from 'node:crypto';
import { sharp } from '../../lazy-sharp';
import { Types } from 'mongoose';
import type { Clock } from '../../clock';
import { BadRequestError, NotFoundError, UnsupportedMediaTypeError, ValidationError } from '../../errors';
import { CREDIT_KIND_LABELS, Media, type CreditKind, type MediaDoc, type MediaFormat, type MediaVariant } from '../models/media';
import { publicImage } from '../public-mappers';
import { toObjectId } from '../workflow/transitions';
import type { MediaStorage } from './storage';
import type { ModernVariantQueue } from './modern-variants';
import { MAX_PIXELS, MEDIA_WIDTHS } from './sizes';

const FORMATS: Record<string, { format: MediaFormat; ext: string; contentType: string }> = {
  jpeg: { format: 'jpeg', ext: 'jpg', contentType: 'image/jpeg' },
  png: { format: 'png', ext: 'png', contentType: 'image/png' },
  webp: { format: 'webp', ext: 'webp', contentType: 'image/webp' },
  gif: { format: 'gif', ext: 'gif', contentType: 'image/gif' },
};


export interface MediaDescription {
  alt?: string;
  caption?: string;
  credit?: string;
  creditKind?: CreditKind;
}

export interface UploadInput extends MediaDescription {
  bytes: Buffer;
  originalName?: string;
}

/** Leading bytes of the formats we accept (null = any byte): such a file that does not decode is damaged, not foreign. */
const IMAGE_SIGNATURES: (number | null)[][] = [
  [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], // PNG
  [0xff, 0xd8, 0xff], // JPEG
  [0x47, 0x49, 0x46, 0x38], // GIF8
  [0x52, 0x49, 0x46, 0x46, null, null, null, null, 0x57, 0x45, 0x42, 0x50], // RIFF….WEBP
];

export class MediaService {
  constructor(
    private readonly storage: MediaStorage,
    private readonly clock: Clock,
    private readonly options: {
      /** Makes the AVIF/WebP copies after the upload has answered. */
      variants?: ModernVariantQueue;
      /** An image's public face changed (its description): pages showing it are rebuilt. */
      changed?: (mediaId: string) => void;
    } = {},
  ) {}

  private async detect(bytes: Buffer) {
    let meta: Awaited<ReturnType<ReturnType<typeof sharp>['metadata']>>;
    try {
      meta = await sharp(bytes, { limitInputPixels: MAX_PIXELS }).metadata();
    } catch {
      if (IMAGE_SIGNATURES.some((sig) => sig.every((b, i) => b === null || bytes[i] === b))) {
        throw new BadRequestError('图片文件已损坏或不完整，请重新导出后上传', 'invalid_image');
      }
      throw new UnsupportedMediaTypeError('只能上传 JPEG、PNG、WebP 或 GIF 图片', { accepted: Object.values(FORMATS).map((f) => f.contentType) });
    }
    const info = meta.format ? FORMATS[meta.format] : undefined;
    if (!info || !meta.width || !meta.height) {
      throw new UnsupportedMediaTypeError('只能上传 JPEG、PNG、WebP 或 GIF 图片', { detected: meta.format ?? null });
    }
    return { ...info, width: meta.width, height: meta.height, pages: meta.pages ?? 1 };
  }

  async upload(input: UploadInput, uploadedBy: string): Promise<Record<string, unknown>> {
    if (!input.bytes?.length) throw new ValidationError('请选择要上传的图片', [{ field: 'body.file', message: 'required' }]);
    const type = await this.detect(input.bytes);
    const sha256 = createHash('sha256').update(input.bytes).digest('hex');
    const existing = await Media.findOne({ sha256 }).lean();
    if (existing) return mediaView(existing);

    const stem = sha256.slice(0, 24);
    const variants: MediaVariant[] = [];
    const animated = type.format === 'gif' && type.pages > 1;
    try {
      for (const name of ['original', 'cover', 'list'] as const) {
        let pipeline = sharp(input.bytes, { limitInputPixels: MAX_PIXELS, animated }).rotate();
        if (name !== 'original') pipeline = pipeline.resize({ width: MEDIA_WIDTHS[name], withoutEnlargement: true });
        pipeline = pipeline.toFormat(type.format, type.format === 'jpeg' ? { quality: 85, mozjpeg: true } : type.format === 'webp' ? { quality: 85 } : {});
        const { data, info } = await pipeline.toBuffer({ resolveWithObject: true }).catch((err: Error) => {
          // The header was readable but the pixels are not (a truncated JPEG, a PNG with a broken chunk): bad input.
          if (err?.message?.includes('pixel limit')) throw new UnsupportedMediaTypeError('图片尺寸过大');
          throw new BadRequestError('图片文件已损坏或不完整，请重新导出后上传', 'invalid_image');
        });
        const key = `${stem}-${name}.${type.ext}`;
        await this.storage.put(key, data, type.contentType);
        variants.push({ name, key, width: info.width, height: animated ? (info.pageHeight ?? info.height) : info.height, bytes: data.length, contentType: type.contentType });
      }
    } catch (err) {
      await Promise.all(variants.map((v) => this.storage.remove(v.key).catch(() => {})));
      throw err;
    }
    const original = variants[0];
    try {
      const doc = await Media.create({
        originalName: (input.originalName ?? '').slice(0, 255),
        format: type.format,
        contentType: type.contentType,
        width: original.width,
        height: original.height,
        bytes: input.bytes.length,
        sha256,
        alt: (input.alt ?? '').trim().slice(0, 200),
        caption: (input.caption ?? '').trim().slice(0, 200),
        credit: (input.credit ?? '').trim().slice(0, 60),
        creditKind: input.creditKind ?? 'photo',
        variants,
        uploadedBy: new Types.ObjectId(uploadedBy),
        createdAt: this.clock.now(),
      });
      this.options.variants?.enqueue(String(doc._id));
      return mediaView(doc.toObject());
    } catch (err) {
      // The same bytes uploaded twice at once: keep the first record (the files are identical).
      if ((err as { code?: number }).code === 11000) {
        const again = await Media.findOne({ sha256 }).lean();
        if (again) return mediaView(again);
      }
      throw err;
    }
  }

  /** Changes what is said about an image (alt text, caption, credit) wherever it is shown. */
  async describe(id: string, change: MediaDescription): Promise<Record<string, unknown>> {
    const doc = await Media.findByIdAndUpdate(toObjectId(id), { $set: { ...change, updatedAt: this.clock.now() } }, { returnDocument: 'after', runValidators: true }).lean();
    if (!doc) throw new NotFoundError('未找到该图片');
    this.options.changed?.(id);
    return mediaView(doc);
  }

  async get(id: string): Promise<Record<string, unknown>> {
    const doc = await Media.findById(toObjectId(id)).lean();
    if (!doc) throw new NotFoundError('未找到该图片');
    return mediaView(doc);
  }

  async list(page: number, pageSize: number) {
    const [docs, total] = await Promise.all([
      Media.find().sort({ createdAt: -1, _id: -1 }).skip((page - 1) * pageSize).limit(pageSize).lean(),
      Media.countDocuments(),
    ]);
    return { items: docs.map(mediaView), page, pageSize, total };
  }
}

export function mediaView(doc: MediaDoc): Record<string, unknown> {
  return {
    id: String(doc._id),
    originalName: doc.originalName,
    format: doc.format,
    contentType: doc.contentType,
    width: doc.width,
    height: doc.height,
    bytes: doc.bytes,
    alt: doc.alt,
    caption: doc.caption ?? '',
    credit: doc.credit ?? '',
    creditKind: doc.creditKind ?? 'photo',
    creditLabel: CREDIT_KIND_LABELS[doc.creditKind ?? 'photo'],
    urls: publicImage(doc),
    variants: doc.variants.map((v) => ({ name: v.name, key: v.key, width: v.width, height: v.height, bytes: v.bytes, contentType: v.contentType })),
    uploadedBy: String(doc.uploadedBy),
    createdAt: doc.createdAt,
  };
}
