/** Media partners (报纸、电视台专题专栏) as the console uses them: response shapes and the labels staff read. */
export type PartnerKind = 'newspaper' | 'tv' | 'media_centre' | 'publicity_dept';
export type ContentKind = 'article' | 'deputy' | 'group' | 'case';
export type ColumnCadence = 'weekly' | 'biweekly' | 'monthly' | 'once';

export const PARTNER_KIND_LABELS: Record<PartnerKind, string> = { newspaper: '报纸', tv: '电视台', media_centre: '县级融媒体中心', publicity_dept: '党委宣传部' };
export const CONTENT_KIND_LABELS: Record<ContentKind, string> = { article: '新闻', deputy: '典型代表', group: '代表小组', case: '典型案例' };
export const CADENCE_LABELS: Record<ColumnCadence, string> = { weekly: '每周', biweekly: '每两周', monthly: '每月', once: '单期' };
export const KEY_STATE_LABELS: Record<FeedKey['state'], string> = { active: '有效', expiring: '过渡期', revoked: '已吊销', expired: '已过期' };
export const KEY_STATE_TAG: Record<FeedKey['state'], 'success' | 'warning' | 'info' | 'danger'> = { active: 'success', expiring: 'warning', revoked: 'danger', expired: 'info' };

export interface Partner {
  id: string;
  name: string;
  kind: PartnerKind;
  kindLabel: string;
  contact: { name: string; title?: string; phone?: string; email?: string };
  note?: string;
  takes: { kinds: ContentKind[]; regions: string[]; topics: string[] };
  push: { enabled: boolean; url?: string; secretSet: boolean; secretSetAt?: string };
  active: boolean;
  activeKeys: number;
  createdAt: string;
  updatedAt: string;
  /** On create, or when push is first turned on: the signing secret, this once. */
  pushSecret?: string;
}

export interface FeedUrls {
  rss: string;
  json: string;
}

export interface FeedKey {
  id: string;
  label: string;
  prefix: string;
  createdAt: string;
  createdBy: string;
  revokedAt: string | null;
  expiresAt: string | null;
  lastUsedAt: string | null;
  state: 'active' | 'expiring' | 'revoked' | 'expired';
}

/** POST …/keys and …/rotate: the key itself, in this answer only. */
export interface IssuedKey extends FeedKey {
  key: string;
  feeds: FeedUrls;
  previous?: FeedKey;
}

export interface PartnerDelivery {
  deliveryId: string;
  publicationId: string;
  kind: string;
  itemId: string;
  title: string;
  status: string;
  statusLabel: string;
  attempts: number;
  maxAttempts: number;
  nextAttemptAt?: string;
  error: { code?: string; message?: string } | null;
  eventId?: string;
  httpStatus?: number;
  createdAt: string;
  settledAt?: string;
}

export interface PartnerColumn {
  id: string;
  partnerId: string;
  name: string;
  slot?: string;
  cadence: ColumnCadence;
  startDate: string;
  endDate?: string;
  time?: string;
  note?: string;
  nextIssue?: string;
}

export interface RunItem {
  kind: ContentKind;
  itemId: string;
  title: string;
}

export interface ColumnRun {
  id: string;
  columnId: string;
  partnerId: string;
  date: string;
  items: RunItem[];
  note?: string;
  recordedBy: string;
  createdAt: string;
}

/** A published item a column could run (candidates, the feed preview). */
export interface ItemChoice {
  kind: ContentKind;
  itemId: string;
  title: string;
  url?: string;
  publishedAt?: string;
}

export interface UpcomingColumn {
  column: PartnerColumn;
  partner: { id: string; name: string; kind: PartnerKind; kindLabel: string };
  issues: string[];
  candidates: (ItemChoice & { kindLabel: string })[];
  lastRun?: ColumnRun;
}

export interface MediaCoverage {
  month: string;
  runs: number;
  placements: number;
  items: number;
  byPartner: { partnerId: string; name: string; kind: string; kindLabel: string; runs: number; placements: number }[];
  byKind: Record<string, number>;
}

/** One item of a partner's JSON Feed (the staff preview shows exactly what the partner pulls). */
export interface FeedItem {
  id: string;
  url: string;
  title: string;
  summary?: string;
  image?: string;
  date_published: string;
  tags: string[];
  _lianxin: { kind: ContentKind; kind_label: string; item_id: string; images: { url: string; caption?: string; credit?: string; role: string }[] };
}

/** The press kit of a published item: a plain link, the session cookie does the rest. */
export function pressKitUrl(kind: ContentKind, itemId: string): string {
  return `/api/admin/press-kits/${kind}/${itemId}`;
}
