/**
 * What the public may see of each kind: plain objects, public fields only (never phone numbers, never
 * workflow internals). Summaries go in lists; the full types add the rendered HTML.
 */
import type { CaseKind, ContentKind, DeputyLevel, Region } from './enums';

export interface PublicImage {
  /** Site-relative URLs under /media/. */
  original: string;
  cover: string;
  list: string;
  width: number;
  height: number;
  alt: string;
  /** 图注 shown under the image ('' = none). */
  caption: string;
  /** Photographer or source ('' = none), with its label 摄影 / 来源. */
  credit: string;
  creditLabel: string;
  /** The same list and cover sizes as AVIF and WebP, when made (see content/media/modern-variants.ts). */
  avif?: { list: string; cover: string };
  webp?: { list: string; cover: string };
}

interface PublicBase {
  id: string;
  slug: string;
  /** Site-relative page path, e.g. /news/tuo-pin-gong-jian. */
  path: string;
  digest: string;
  region: Region;
  topics: string[];
  featured: boolean;
  publishedAt: Date;
  updatedAt: Date;
  viewCount: number;
}

export interface PublicArticleSummary extends PublicBase {
  kind: 'article';
  title: string;
  byline?: string;
  cover?: PublicImage;
}
/** Links to other items are not here: ids may name unpublished items; `relatedFor` gives the published ones. */
export interface PublicArticle extends PublicArticleSummary {
  html: string;
}

export interface PublicHighlight {
  label: string;
  value: string;
}

export interface PublicDeputySummary extends PublicBase {
  kind: 'deputy';
  name: string;
  /** Same as name: every summary has a title. */
  title: string;
  level: DeputyLevel;
  levelLabel: string;
  occupation?: string;
  organisation?: string;
  photo?: PublicImage;
  highlights: PublicHighlight[];
}
export interface PublicDeputy extends PublicDeputySummary {
  html: string;
}

export interface PublicGroupMember {
  name: string;
  level?: DeputyLevel;
  role?: string;
  occupation?: string;
  /** Set when the member has a published profile. */
  deputyPath?: string;
}
export interface PublicGroupActivity {
  date: Date;
  theme: string;
  participants: string;
  outcomes: string;
}
export interface PublicGroupSummary extends PublicBase {
  kind: 'group';
  name: string;
  title: string;
  cover?: PublicImage;
  memberCount: number;
}
export interface PublicGroup extends PublicGroupSummary {
  html: string;
  roomAddress?: string;
  members: PublicGroupMember[];
  /** Newest first. */
  activities: PublicGroupActivity[];
}

export interface PublicCaseSummary extends PublicBase {
  kind: 'case';
  title: string;
  caseKind: CaseKind;
  caseKindLabel: string;
  summary: string;
  cover?: PublicImage;
  figures: PublicHighlight[];
}
export interface PublicCase extends PublicCaseSummary {
  html: string;
}

export type PublicSummary = PublicArticleSummary | PublicDeputySummary | PublicGroupSummary | PublicCaseSummary;
export type PublicItem = PublicArticle | PublicDeputy | PublicGroup | PublicCase;

export interface PublicSummaryByKind {
  article: PublicArticleSummary;
  deputy: PublicDeputySummary;
  group: PublicGroupSummary;
  case: PublicCaseSummary;
}
export interface PublicItemByKind {
  article: PublicArticle;
  deputy: PublicDeputy;
  group: PublicGroup;
  case: PublicCase;
}

export interface RelatedItems {
  articles: PublicArticleSummary[];
  deputies: PublicDeputySummary[];
  groups: PublicGroupSummary[];
  cases: PublicCaseSummary[];
}

export type { ContentKind };
