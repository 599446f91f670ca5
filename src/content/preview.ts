/**
 * Unsaved edits seen as readers will see them: the stored item (if any) with the editor's unsaved fields on top,
 * derived fields recomputed as a save would, mapped exactly as the public side and the channels map a stored item.
 * Nothing is written.
 */
import { Types } from 'mongoose';
import { NotFoundError } from '../errors';
import type { PublishableContent } from '../channels/types';
import { absoluteUrl, itemPath } from '../urls';
import { DIGEST_MAX, type ContentKind } from './enums';
import { contentKinds } from './kinds';
import { channelDigest } from './markdown';
import { toPublicItem } from './public-mappers';
import { Deputy } from './models/deputy';
import { MEDIA_KEY_PATTERN } from './media/storage';
import type { PublicItemByKind } from './public-types';

export interface PreviewDoc {
  kind: ContentKind;
  doc: Record<string, any>;
  /** Whether the item exists (related items and its real path can be shown). */
  stored: boolean;
}

/** The item as it would be after saving `fields` (null clears a field), at `now`. */
export async function previewDoc(kind: ContentKind, id: string | undefined, fields: Record<string, unknown>, now: Date): Promise<PreviewDoc> {
  const spec = contentKinds[kind];
  let base: Record<string, any> = {};
  if (id) {
    const found = await spec.model.findOne({ _id: new Types.ObjectId(id) }).lean();
    if (!found) throw new NotFoundError(`未找到该${spec.label}`);
    base = found as Record<string, any>;
  }
  const merged: Record<string, any> = { ...base };
  for (const [k, v] of Object.entries(fields)) {
    if (v === null) delete merged[k];
    else merged[k] = v;
  }
  if ('digest' in fields) merged.digestAuto = !(typeof fields.digest === 'string' && fields.digest.trim());
  Object.assign(merged, spec.derive?.(merged) ?? {});
  merged._id ??= new Types.ObjectId();
  merged.slug ||= 'preview';
  merged.publishedAt ??= now;
  merged.updatedAt = now;
  return { kind, doc: merged, stored: !!id };
}

/** The public item the microsite would render (group members link to published deputies, as on the site). */
export async function previewPublicItem<K extends ContentKind>(p: PreviewDoc & { kind: K }): Promise<PublicItemByKind[K]> {
  let slugs = new Map<string, string>();
  const memberIds = p.kind === 'group' ? (p.doc.members ?? []).map((m: any) => m.deputyId).filter(Boolean) : [];
  if (memberIds.length) {
    const deputies = await Deputy.find({ status: 'published', deletedAt: null, _id: { $in: memberIds.map((i: string) => new Types.ObjectId(String(i))) } }, { slug: 1 }).lean();
    slugs = new Map(deputies.map((d) => [String(d._id), d.slug]));
  }
  return toPublicItem(p.kind, p.doc, slugs);
}

/** What the channels would receive (the same mapping as publication-hooks' toPublishableContent). */
export function previewPublishable(p: PreviewDoc, publicBaseUrl: string): PublishableContent {
  const spec = contentKinds[p.kind];
  const markdown = String(p.doc[spec.bodyField] ?? '');
  const digest = channelDigest(p.doc.digest as string | undefined, markdown, DIGEST_MAX);
  return {
    kind: p.kind,
    id: String(p.doc._id),
    title: String(p.doc[spec.titleField] ?? ''),
    digest,
    markdown,
    url: absoluteUrl(publicBaseUrl, itemPath(p.kind, p.doc.slug)),
    author: p.doc.byline || undefined,
  };
}

/** The site path of an image that is one of our uploads (/media/<key>, or its absolute form), else undefined. */
export function ownMediaPath(src: string, publicBaseUrl: string): string | undefined {
  const p = (src.startsWith(publicBaseUrl) ? src.slice(publicBaseUrl.length) : src).split(/[?#]/)[0];
  const m = /^\/media\/([^/]+)$/.exec(p);
  return m && MEDIA_KEY_PATTERN.test(m[1]) ? p : undefined;
}
