/**
 * Published items for outside partners (newspapers, TV stations): items within a scope of kinds, regions and
 * topics with their Markdown source, and the original-size files behind the images they show. Re-exported by
 * public-queries.ts; like it, only published, undeleted items and public fields leave this module.
 */
import { isValidObjectId, Types } from 'mongoose';
import type { Readable } from 'node:stream';
import type { ContentKind } from './enums';
import { contentKinds } from './kinds';
import { CREDIT_KIND_LABELS, Media } from './models/media';
import type { MediaStorage } from './media/storage';
import { detailProjection, toPublicItem } from './public-mappers';
import type { PublicItem } from './public-types';
import { Deputy } from './models/deputy';

const PUBLIC = { status: 'published', deletedAt: null } as const;

export interface PublicScope {
  kinds: readonly ContentKind[];
  /** Region names at any level (city, county or township); empty: every region. */
  regions?: readonly string[];
  /** Empty: every topic. */
  topics?: readonly string[];
}

export interface PublishedSource {
  item: PublicItem;
  /** The Markdown the editor wrote (press kits hand it on as .md and .docx). */
  markdown: string;
  /** Published profiles of the deputies the item names (articles, cases) or, for a group, its members. */
  deputyIds: string[];
}

/** The filter of a scope: published, in any of the regions (at any level) and any of the topics. */
function scopeFilter(scope: PublicScope): Record<string, unknown> {
  const filter: Record<string, unknown> = { ...PUBLIC };
  if (scope.regions?.length) filter.regionKeys = { $in: [...scope.regions] };
  if (scope.topics?.length) filter.topics = { $in: [...scope.topics] };
  return filter;
}

/** The newest `limit` published items within the scope (all kinds merged, newest first by publication time). */
export async function listPublishedInScope(scope: PublicScope, limit: number): Promise<PublishedSource[]> {
  const filter = scopeFilter(scope);
  const perKind = await Promise.all(
    scope.kinds.map(async (kind) => {
      const docs = await contentKinds[kind].model.find(filter, detailProjection[kind]).sort({ publishedAt: -1, _id: -1 }).limit(limit).lean();
      return docs.map((doc: any) => ({ kind, doc }));
    }),
  );
  const newest = perKind.flat().sort((a, b) => +b.doc.publishedAt - +a.doc.publishedAt || String(b.doc._id).localeCompare(String(a.doc._id))).slice(0, limit);
  return Promise.all(newest.map(({ kind, doc }) => toSource(kind, doc)));
}

/** One published item with its source, or null when it is not published (or not within `scope` when given). */
export async function getPublishedSource(kind: ContentKind, id: string, scope?: PublicScope): Promise<PublishedSource | null> {
  if (!isValidObjectId(id) || !contentKinds[kind]) return null;
  if (scope && !scope.kinds.includes(kind)) return null;
  const filter = { ...(scope ? scopeFilter(scope) : PUBLIC), _id: new Types.ObjectId(String(id)) };
  const doc = await contentKinds[kind].model.findOne(filter, detailProjection[kind]).lean();
  return doc ? toSource(kind, doc) : null;
}

async function toSource(kind: ContentKind, doc: any): Promise<PublishedSource> {
  let slugs = new Map<string, string>();
  const memberIds: Types.ObjectId[] = kind === 'group' ? (doc.members ?? []).map((m: any) => m.deputyId).filter(Boolean) : [];
  if (memberIds.length) {
    const deputies = await Deputy.find({ ...PUBLIC, _id: { $in: memberIds } }, { slug: 1 }).lean();
    slugs = new Map(deputies.map((d) => [String(d._id), d.slug]));
  }
  const named: Types.ObjectId[] = kind === 'group' ? memberIds : (doc.relatedDeputyIds ?? []);
  return {
    item: (await toPublicItem(kind, doc, slugs)) as PublicItem,
    markdown: String(doc[contentKinds[kind].bodyField] ?? ''),
    deputyIds: [...new Set(named.map(String))],
  };
}

export interface OriginalImage {
  /** Storage key of the original upload, served at /media/<key>. */
  key: string;
  width: number;
  height: number;
  bytes: number;
  contentType: string;
  /** The alt text stored with the upload (the fallback caption). */
  alt: string;
  /** The caption and the labelled credit ("摄影：…" / "来源：…") entered for the image; '' when none. */
  caption: string;
  credit: string;
}

const MEDIA_PATH = /^\/media\/([^/?#]+)$/;

/**
 * The original upload behind each of our image paths (`/media/<key>` of any variant, or absolute on
 * `publicBaseUrl`). Paths that are not ours are left out of the map.
 */
export async function originalImagesFor(paths: readonly string[], publicBaseUrl: string): Promise<Map<string, OriginalImage>> {
  const keyOf = new Map<string, string>();
  for (const p of paths) {
    const local = p.startsWith(publicBaseUrl) ? p.slice(publicBaseUrl.length) : p;
    const m = MEDIA_PATH.exec(local.split(/[?#]/)[0]);
    if (m) keyOf.set(p, decodeURIComponent(m[1]));
  }
  if (!keyOf.size) return new Map();
  const docs = await Media.find({ 'variants.key': { $in: [...new Set(keyOf.values())] } }, { variants: 1, alt: 1, caption: 1, credit: 1, creditKind: 1 }).lean();
  const byVariantKey = new Map<string, OriginalImage>();
  for (const doc of docs) {
    const original = doc.variants.find((v) => v.name === 'original');
    if (!original) continue;
    const credit = doc.credit ? `${CREDIT_KIND_LABELS[doc.creditKind ?? 'photo']}：${doc.credit}` : '';
    const image = { key: original.key, width: original.width, height: original.height, bytes: original.bytes, contentType: original.contentType, alt: doc.alt ?? '', caption: doc.caption ?? '', credit };
    for (const v of doc.variants) byVariantKey.set(v.key, image);
  }
  const out = new Map<string, OriginalImage>();
  for (const [p, key] of keyOf) {
    const image = byVariantKey.get(key);
    if (image) out.set(p, image);
  }
  return out;
}

let storage: MediaStorage | undefined;

/** Set by the content module at start-up: where media bytes are read from. */
export function setPublicMediaStorage(next: MediaStorage): void {
  storage = next;
}

/** The bytes of a stored image (press kits), or undefined when the file is missing. */
export async function openMediaFile(key: string): Promise<{ stream: Readable; size: number } | undefined> {
  if (!storage) throw new Error('media storage used before contentModule(services) configured it');
  return storage.open(key);
}

/**
 * What a scope decision needs of any (not deleted) item, published or about to be: the pipeline asks while
 * planning, before the microsite has put the item live. Null for unknown ids and other kinds.
 */
export async function scopeFieldsOf(kind: string, id: string): Promise<{ kind: ContentKind; regionKeys: string[]; topics: string[] } | null> {
  if (!isValidObjectId(id) || !(kind in contentKinds)) return null;
  const k = kind as ContentKind;
  const doc: any = await contentKinds[k].model.findOne({ _id: new Types.ObjectId(String(id)), deletedAt: null }, { regionKeys: 1, topics: 1 }).lean();
  return doc ? { kind: k, regionKeys: doc.regionKeys ?? [], topics: doc.topics ?? [] } : null;
}
