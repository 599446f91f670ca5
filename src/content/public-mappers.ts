/** Turns stored documents into the public plain objects. Fields are picked one by one: nothing private leaks by default. */
import type { Types } from 'mongoose';
import { itemPath } from '../urls';
import { CASE_KIND_LABELS, DEPUTY_LEVEL_LABELS, type ContentKind } from './enums';
import { renderMarkdown } from './markdown';
import { CREDIT_KIND_LABELS, Media, type MediaDoc, type ModernFormat } from './models/media';
import type {
  PublicArticle,
  PublicCase,
  PublicDeputy,
  PublicGroup,
  PublicImage,
  PublicItemByKind,
  PublicSummaryByKind,
} from './public-types';

export function mediaPath(key: string): string {
  return `/media/${encodeURIComponent(key)}`;
}

type ImageFields = Pick<MediaDoc, 'variants' | 'width' | 'height' | 'alt'> & Partial<Pick<MediaDoc, 'caption' | 'credit' | 'creditKind'>>;

export function publicImage(media: ImageFields | undefined): PublicImage | undefined {
  if (!media) return undefined;
  const byName = new Map(media.variants.map((v) => [v.name, v]));
  const original = byName.get('original');
  if (!original) return undefined;
  const modern = (format: ModernFormat) => {
    const list = byName.get(`list-${format}`);
    const cover = byName.get(`cover-${format}`);
    return list && cover ? { list: mediaPath(list.key), cover: mediaPath(cover.key) } : undefined;
  };
  const avif = modern('avif');
  const webp = modern('webp');
  return {
    original: mediaPath(original.key),
    cover: mediaPath((byName.get('cover') ?? original).key),
    list: mediaPath((byName.get('list') ?? original).key),
    width: media.width,
    height: media.height,
    alt: media.alt,
    caption: media.caption ?? '',
    credit: media.credit ?? '',
    creditLabel: CREDIT_KIND_LABELS[media.creditKind ?? 'photo'],
    ...(avif ? { avif } : {}),
    ...(webp ? { webp } : {}),
  };
}

/** One query for all the images a page of items needs. */
export async function loadImages(ids: (Types.ObjectId | undefined | null)[]): Promise<Map<string, PublicImage>> {
  const wanted = [...new Set(ids.filter((id): id is Types.ObjectId => !!id).map(String))];
  if (!wanted.length) return new Map();
  const docs = await Media.find({ _id: { $in: wanted } }, { variants: 1, width: 1, height: 1, alt: 1, caption: 1, credit: 1, creditKind: 1 }).lean();
  const out = new Map<string, PublicImage>();
  for (const doc of docs) {
    const image = publicImage(doc);
    if (image) out.set(String(doc._id), image);
  }
  return out;
}


/** Fields every public list query needs (bodies and private fields excluded). */
export const summaryProjection: Record<ContentKind, Record<string, 0>> = {
  article: { body: 0, createdBy: 0, updatedBy: 0, submittedBy: 0, approvedBy: 0 },
  deputy: { story: 0, phones: 0, createdBy: 0, updatedBy: 0, submittedBy: 0, approvedBy: 0 },
  group: { body: 0, activities: 0, createdBy: 0, updatedBy: 0, submittedBy: 0, approvedBy: 0 },
  case: { body: 0, createdBy: 0, updatedBy: 0, submittedBy: 0, approvedBy: 0 },
};

/** Full public projection: everything except private and internal fields. */
export const detailProjection: Record<ContentKind, Record<string, 0>> = {
  article: { createdBy: 0, updatedBy: 0, submittedBy: 0, approvedBy: 0 },
  deputy: { phones: 0, createdBy: 0, updatedBy: 0, submittedBy: 0, approvedBy: 0 },
  group: { createdBy: 0, updatedBy: 0, submittedBy: 0, approvedBy: 0 },
  case: { createdBy: 0, updatedBy: 0, submittedBy: 0, approvedBy: 0 },
};

function imageIdOf(kind: ContentKind, doc: any): Types.ObjectId | undefined {
  return kind === 'deputy' ? doc.photoMediaId : doc.coverMediaId;
}

export async function toSummaries<K extends ContentKind>(kind: K, docs: any[]): Promise<PublicSummaryByKind[K][]> {
  const images = await loadImages(docs.map((d) => imageIdOf(kind, d)));
  return docs.map((d) => toSummary(kind, d, images));
}

function base(kind: ContentKind, d: any) {
  return {
    id: String(d._id),
    slug: d.slug as string,
    path: itemPath(kind, d.slug),
    digest: (d.digest ?? '') as string,
    region: { ...(d.region?.city ? { city: d.region.city } : {}), ...(d.region?.county ? { county: d.region.county } : {}), ...(d.region?.township ? { township: d.region.township } : {}) },
    topics: [...(d.topics ?? [])] as string[],
    featured: !!d.featured,
    publishedAt: d.publishedAt as Date,
    updatedAt: d.updatedAt as Date,
    viewCount: (d.viewCount ?? 0) as number,
  };
}

const highlights = (list: { label: string; value: string }[] | undefined) => (list ?? []).map((h) => ({ label: h.label, value: h.value }));

export function toSummary<K extends ContentKind>(kind: K, d: any, images: Map<string, PublicImage>): PublicSummaryByKind[K] {
  const image = images.get(String(imageIdOf(kind, d) ?? ''));
  switch (kind) {
    case 'article':
      return { ...base(kind, d), kind: 'article', title: d.title, byline: d.byline || undefined, cover: image } as PublicSummaryByKind[K];
    case 'deputy':
      return {
        ...base(kind, d),
        kind: 'deputy',
        name: d.name,
        title: d.name,
        level: d.level,
        levelLabel: DEPUTY_LEVEL_LABELS[d.level as keyof typeof DEPUTY_LEVEL_LABELS],
        occupation: d.occupation || undefined,
        organisation: d.organisation || undefined,
        photo: image,
        highlights: highlights(d.highlights),
      } as PublicSummaryByKind[K];
    case 'group':
      return { ...base(kind, d), kind: 'group', name: d.name, title: d.name, cover: image, memberCount: (d.members ?? []).length } as PublicSummaryByKind[K];
    default:
      return {
        ...base(kind, d),
        kind: 'case',
        title: d.title,
        caseKind: d.caseKind,
        caseKindLabel: CASE_KIND_LABELS[d.caseKind as keyof typeof CASE_KIND_LABELS],
        summary: d.summary ?? '',
        cover: image,
        figures: highlights(d.figures),
      } as PublicSummaryByKind[K];
  }
}

/** Full public item. `publishedDeputySlugs` maps group members' deputy ids to published slugs. */
export async function toPublicItem<K extends ContentKind>(kind: K, d: any, publishedDeputySlugs = new Map<string, string>()): Promise<PublicItemByKind[K]> {
  return publicItemWith(kind, d, await loadImages([imageIdOf(kind, d)]), publishedDeputySlugs);
}

/** The image ids a document's public face needs (its cover or photo), for one `loadImages` over many documents. */
export function imageIdsOf(kind: ContentKind, docs: any[]): (Types.ObjectId | undefined)[] {
  return docs.map((d) => imageIdOf(kind, d));
}

/** `toPublicItem` with the images already loaded. */
export function publicItemWith<K extends ContentKind>(kind: K, d: any, images: Map<string, PublicImage>, publishedDeputySlugs = new Map<string, string>()): PublicItemByKind[K] {
  const summary = toSummary(kind, d, images);
  switch (kind) {
    case 'article':
      return {
        ...(summary as PublicArticle),
        html: renderMarkdown(d.body),
      } as PublicItemByKind[K];
    case 'deputy':
      return { ...(summary as PublicDeputy), html: renderMarkdown(d.story) } as PublicItemByKind[K];
    case 'group':
      return {
        ...(summary as PublicGroup),
        html: renderMarkdown(d.body),
        roomAddress: d.roomAddress || undefined,
        members: (d.members ?? []).map((m: any) => {
          const slug = m.deputyId ? publishedDeputySlugs.get(String(m.deputyId)) : undefined;
          return { name: m.name, level: m.level, role: m.role || undefined, occupation: m.occupation || undefined, deputyPath: slug ? itemPath('deputy', slug) : undefined };
        }),
        activities: [...(d.activities ?? [])]
          .sort((a: any, b: any) => +new Date(b.date) - +new Date(a.date))
          .map((a: any) => ({ date: a.date, theme: a.theme, participants: a.participants ?? '', outcomes: a.outcomes ?? '' })),
      } as PublicItemByKind[K];
    default:
      return {
        ...(summary as PublicCase),
        html: renderMarkdown(d.body),
      } as PublicItemByKind[K];
  }
}
