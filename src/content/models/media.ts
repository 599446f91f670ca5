/** Uploaded images. Bytes live behind MediaStorage (local disk under DATA_DIR/media by default); this is the catalogue. */
import mongoose, { Schema, type Types } from 'mongoose';

export const MEDIA_FORMATS = ['jpeg', 'png', 'webp', 'gif'] as const;
export type MediaFormat = (typeof MEDIA_FORMATS)[number];
/**
 * original: as uploaded; cover: 1080 wide; list: 480 wide (never upscaled), in the upload's format. The -avif and
 * -webp variants are the same sizes in those formats, for browsers that take them (a fraction of the JPEG's bytes);
 * animated GIFs have none, and a WebP upload has no -webp copy.
 */
export const MEDIA_VARIANTS = ['original', 'cover', 'list', 'cover-avif', 'list-avif', 'cover-webp', 'list-webp'] as const;
export type MediaVariantName = (typeof MEDIA_VARIANTS)[number];
export type MediaSizeName = 'cover' | 'list';
export type ModernFormat = 'avif' | 'webp';

/** Who made the picture: 摄影 (a photographer) or 来源 (where it was taken from). */
export const CREDIT_KINDS = ['photo', 'source'] as const;
export type CreditKind = (typeof CREDIT_KINDS)[number];
export const CREDIT_KIND_LABELS: Record<CreditKind, string> = { photo: '摄影', source: '来源' };

export interface MediaVariant {
  name: MediaVariantName;
  /** Storage key (a file name under the media root), served at /media/<key>. */
  key: string;
  width: number;
  height: number;
  bytes: number;
  contentType: string;
}

export interface MediaDoc {
  _id: Types.ObjectId;
  /** Name as uploaded, for editors only. */
  originalName: string;
  format: MediaFormat;
  contentType: string;
  width: number;
  height: number;
  bytes: number;
  /** Same bytes uploaded twice → the same record. */
  sha256: string;
  /** Text for those who cannot see the image (screen readers, a failed load): what it shows. */
  alt: string;
  /** Shown under the image (图注): what the reader should know about it. */
  caption: string;
  /** The photographer or the source, shown after the caption with its label (摄影：… / 来源：…). */
  credit: string;
  creditKind: CreditKind;
  variants: MediaVariant[];
  updatedAt?: Date;
  uploadedBy: Types.ObjectId;
  createdAt: Date;
}

const variantSchema = new Schema<MediaVariant>(
  {
    name: { type: String, enum: MEDIA_VARIANTS, required: true },
    key: { type: String, required: true },
    width: { type: Number, required: true },
    height: { type: Number, required: true },
    bytes: { type: Number, required: true },
    contentType: { type: String, required: true },
  },
  { _id: false },
);

const mediaSchema = new Schema<MediaDoc>(
  {
    originalName: { type: String, default: '', maxlength: 255 },
    format: { type: String, enum: MEDIA_FORMATS, required: true },
    contentType: { type: String, required: true },
    width: { type: Number, required: true },
    height: { type: Number, required: true },
    bytes: { type: Number, required: true },
    // Upload de-duplication by content.
    sha256: { type: String, required: true, unique: true },
    alt: { type: String, default: '', maxlength: 200 },
    caption: { type: String, default: '', maxlength: 200 },
    credit: { type: String, default: '', maxlength: 60 },
    creditKind: { type: String, enum: CREDIT_KINDS, default: 'photo' },
    updatedAt: { type: Date },
    variants: { type: [variantSchema], default: [] },
    uploadedBy: { type: Schema.Types.ObjectId, required: true },
    // Media library, newest first.
    createdAt: { type: Date, required: true, index: -1 },
  },
  { versionKey: false, collection: 'media' },
);

export const Media = (mongoose.models.Media as mongoose.Model<MediaDoc>) ?? mongoose.model<MediaDoc>('Media', mediaSchema);
