/**
 * Media partners (报纸、电视台、融媒体中心、宣传部) and what they take; their feed keys (stored hashed);
 * their columns (专题专栏) and the issues/broadcasts that ran our items.
 */
import mongoose, { Schema, type Types } from 'mongoose';
import { CONTENT_KINDS, type ContentKind } from '../content/enums';

export const PARTNER_KINDS = ['newspaper', 'tv', 'media_centre', 'publicity_dept'] as const;
export type PartnerKind = (typeof PARTNER_KINDS)[number];
export const PARTNER_KIND_LABELS: Record<PartnerKind, string> = {
  newspaper: '报纸',
  tv: '电视台',
  media_centre: '县级融媒体中心',
  publicity_dept: '党委宣传部',
};

export interface PartnerContact {
  name: string;
  title?: string;
  phone?: string;
  email?: string;
}

/** What the partner takes. Empty regions/topics mean "all". */
export interface PartnerScope {
  kinds: ContentKind[];
  regions: string[];
  topics: string[];
}

export interface PartnerDoc {
  _id: Types.ObjectId;
  name: string;
  kind: PartnerKind;
  contact: PartnerContact;
  note?: string;
  takes: PartnerScope;
  /** Signed pushes on publish. The secret is a shared HMAC key: kept as is (it must sign), shown only when set. */
  push: { enabled: boolean; url?: string; secret?: string; secretSetAt?: Date };
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
  createdBy: string;
  deletedAt?: Date | null;
}

const partnerSchema = new Schema<PartnerDoc>(
  {
    name: { type: String, required: true, trim: true, maxlength: 100 },
    kind: { type: String, enum: PARTNER_KINDS, required: true },
    contact: {
      type: new Schema({ name: String, title: String, phone: String, email: String }, { _id: false }),
      required: true,
    },
    note: String,
    takes: {
      type: new Schema({ kinds: { type: [String], enum: CONTENT_KINDS }, regions: [String], topics: [String] }, { _id: false }),
      required: true,
    },
    push: { type: new Schema({ enabled: Boolean, url: String, secret: String, secretSetAt: Date }, { _id: false }), default: () => ({ enabled: false }) },
    active: { type: Boolean, default: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    createdBy: { type: String, required: true },
    deletedAt: { type: Date, default: null },
  },
  { collection: 'partners', versionKey: false, strict: 'throw' },
);
// The list by name; one name per registry is checked by the service (deleted partners keep theirs).
partnerSchema.index({ name: 1 });
// Planning a publication: active partners that want pushes.
partnerSchema.index({ 'push.enabled': 1, active: 1 });

export const Partner = (mongoose.models.Partner as mongoose.Model<PartnerDoc>) ?? mongoose.model<PartnerDoc>('Partner', partnerSchema);

export interface PartnerKeyDoc {
  _id: Types.ObjectId;
  partnerId: Types.ObjectId;
  label: string;
  /** The first characters of the key, to tell keys apart in the console; the key itself is never stored. */
  prefix: string;
  /** SHA-256 of the whole key (hex). Keys are 32 random bytes: a fast hash is enough, nothing to brute-force. */
  hash: string;
  createdAt: Date;
  createdBy: string;
  revokedAt?: Date | null;
  /** Set when the key was rotated with a grace period: it works until then. */
  expiresAt?: Date | null;
  lastUsedAt?: Date | null;
}

const keySchema = new Schema<PartnerKeyDoc>(
  {
    partnerId: { type: Schema.Types.ObjectId, required: true, index: true },
    label: { type: String, default: '' },
    prefix: { type: String, required: true },
    hash: { type: String, required: true, unique: true },
    createdAt: { type: Date, required: true },
    createdBy: { type: String, required: true },
    revokedAt: { type: Date, default: null },
    expiresAt: { type: Date, default: null },
    lastUsedAt: { type: Date, default: null },
  },
  { collection: 'partner_keys', versionKey: false },
);
export const PartnerKey = (mongoose.models.PartnerKey as mongoose.Model<PartnerKeyDoc>) ?? mongoose.model<PartnerKeyDoc>('PartnerKey', keySchema);

export const COLUMN_CADENCES = ['weekly', 'biweekly', 'monthly', 'once'] as const;
export type ColumnCadence = (typeof COLUMN_CADENCES)[number];

/** A partner's campaign column: e.g. the county TV's 《代表在行动》 every Thursday 19:35 from March to June. */
export interface ColumnDoc {
  _id: Types.ObjectId;
  partnerId: Types.ObjectId;
  name: string;
  /** 版面 / 频道时段 as the partner names it. */
  slot?: string;
  cadence: ColumnCadence;
  /** Beijing calendar dates, YYYY-MM-DD. The first issue is `startDate`; later ones follow the cadence. */
  startDate: string;
  endDate?: string;
  /** HH:mm Beijing time of the broadcast or press deadline, for people; issues are dated by day. */
  time?: string;
  note?: string;
  createdAt: Date;
  updatedAt: Date;
  deletedAt?: Date | null;
}

const columnSchema = new Schema<ColumnDoc>(
  {
    partnerId: { type: Schema.Types.ObjectId, required: true, index: true },
    name: { type: String, required: true },
    slot: String,
    cadence: { type: String, enum: COLUMN_CADENCES, required: true },
    startDate: { type: String, required: true },
    endDate: String,
    time: String,
    note: String,
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    deletedAt: { type: Date, default: null },
  },
  { collection: 'partner_columns', versionKey: false },
);
export const Column = (mongoose.models.PartnerColumn as mongoose.Model<ColumnDoc>) ?? mongoose.model<ColumnDoc>('PartnerColumn', columnSchema);

export interface RunItem {
  kind: ContentKind;
  itemId: string;
  title: string;
}

/** One issue / broadcast of a column that ran our items ("ran on …"), recorded by an editor or the partner's key. */
export interface ColumnRunDoc {
  _id: Types.ObjectId;
  columnId: Types.ObjectId;
  partnerId: Types.ObjectId;
  /** YYYY-MM-DD (Beijing) the issue appeared or the programme aired. */
  date: string;
  items: RunItem[];
  note?: string;
  /** 'editor:<userId>' or 'partner-key:<keyId>'. */
  recordedBy: string;
  createdAt: Date;
  updatedAt: Date;
}

const runSchema = new Schema<ColumnRunDoc>(
  {
    columnId: { type: Schema.Types.ObjectId, required: true },
    partnerId: { type: Schema.Types.ObjectId, required: true },
    date: { type: String, required: true },
    items: { type: [new Schema({ kind: String, itemId: String, title: String }, { _id: false })], default: [] },
    note: String,
    recordedBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'partner_column_runs', versionKey: false },
);
// One record per column issue: recording again adds items to it.
runSchema.index({ columnId: 1, date: 1 }, { unique: true });
// Media coverage of a month (the monthly summary) and a partner's history.
runSchema.index({ date: 1 });
runSchema.index({ partnerId: 1, date: -1 });
export const ColumnRun = (mongoose.models.PartnerColumnRun as mongoose.Model<ColumnRunDoc>) ?? mongoose.model<ColumnRunDoc>('PartnerColumnRun', runSchema);
