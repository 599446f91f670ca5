/**
 * Site settings an admin changes without a restart: the site name (title, share cards, feeds) and what the footer
 * must show in mainland China — the organiser (主办单位), the ICP filing number and the public-security filing number.
 * One document; fields never set fall back to the configuration (SITE_NAME, SITE_ORGANIZER, SITE_ICP_NUMBER,
 * SITE_PSB_NUMBER). Every instance keeps the current values in memory and reloads them when told through the page
 * cache relay (SETTINGS_TAG), dropping every cached page, since every page has the footer.
 */
import mongoose, { Schema } from 'mongoose';
import { ICP_LINK, psbLink } from '../filing-numbers';

export interface SiteSettings {
  name: string;
  organizer: string;
  icpNumber: string;
  psbNumber: string;
}

export type SiteSettingsDefaults = SiteSettings;

interface SiteSettingsDoc extends Partial<SiteSettings> {
  _id: string;
  updatedAt?: Date;
  updatedBy?: string;
}

const settingsSchema = new Schema<SiteSettingsDoc>(
  {
    _id: { type: String, required: true },
    name: { type: String },
    organizer: { type: String },
    icpNumber: { type: String },
    psbNumber: { type: String },
    updatedAt: { type: Date },
    updatedBy: { type: String },
  },
  { versionKey: false, strict: 'throw', collection: 'site_settings' },
);

const SiteSettingsModel =
  (mongoose.models.SiteSettings as mongoose.Model<SiteSettingsDoc>) ?? mongoose.model<SiteSettingsDoc>('SiteSettings', settingsSchema);

const ID = 'site';
const FIELDS = ['name', 'organizer', 'icpNumber', 'psbNumber'] as const;

/** The relay tag meaning "site settings changed": reload them and drop every cached page. */
export const SETTINGS_TAG = 'site:settings';

export interface StoredSiteSettings {
  settings: SiteSettings;
  defaults: SiteSettingsDefaults;
  updatedAt: Date | null;
  updatedBy: string | null;
}

export async function loadSiteSettings(defaults: SiteSettingsDefaults): Promise<StoredSiteSettings> {
  const doc = await SiteSettingsModel.findById(ID).lean();
  const settings = { ...defaults };
  for (const f of FIELDS) if (doc?.[f] !== undefined && doc[f] !== null) settings[f] = doc[f];
  return { settings, defaults, updatedAt: doc?.updatedAt ?? null, updatedBy: doc?.updatedBy ?? null };
}

/** Stores the given fields (null: back to the configured default). */
export async function saveSiteSettings(change: Partial<Record<keyof SiteSettings, string | null>>, by: string, at: Date): Promise<void> {
  const set: Record<string, unknown> = { updatedAt: at, updatedBy: by };
  const unset: Record<string, ''> = {};
  for (const f of FIELDS) {
    if (change[f] === undefined) continue;
    if (change[f] === null) unset[f] = '';
    else set[f] = change[f];
  }
  await SiteSettingsModel.updateOne({ _id: ID }, { $set: set, ...(Object.keys(unset).length ? { $unset: unset } : {}) }, { upsert: true });
}

/** What the layout shows: the settings with the filing numbers' official links. */
export function footerView(s: SiteSettings) {
  return {
    name: s.name,
    organizer: s.organizer,
    icp: s.icpNumber ? { number: s.icpNumber, href: ICP_LINK } : null,
    psb: s.psbNumber ? { number: s.psbNumber, href: psbLink(s.psbNumber) } : null,
  };
}
