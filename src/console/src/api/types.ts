/**
 * Shapes of the admin API's responses as the console uses them. The generated schema (schema.d.ts) types the
 * requests; the OpenAPI document does not describe response bodies yet, so they are declared here.
 */
export type Role = 'admin' | 'editor' | 'reviewer' | 'organizer' | 'liaison' | 'department' | 'supervisor';

export interface Me {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  /** Liaisons: the deputy groups they look after. */
  groupIds?: string[];
  /** Department users: their unit (承办单位). */
  departmentId?: string;
  csrfToken?: string;
  now?: string;
  /** "METHOD /path" operations this role may call. */
  permissions?: string[];
}

export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
  totalCapped?: boolean;
  nextCursor?: string | null;
}

export type ItemStatus = 'draft' | 'in_review' | 'approved' | 'scheduled' | 'published' | 'withdrawn' | 'archived';

export interface Region {
  city?: string;
  county?: string;
  township?: string;
}

export interface ContentItem {
  id: string;
  title?: string;
  name?: string;
  slug: string;
  digest?: string;
  digestAuto?: boolean;
  body?: string;
  story?: string;
  summary?: string;
  region?: Region;
  topics?: string[];
  featured?: boolean;
  status: ItemStatus;
  version: number;
  level?: 'city' | 'county' | 'township';
  caseKind?: string;
  occupation?: string;
  organisation?: string;
  byline?: string;
  groupId?: string;
  coverMediaId?: string;
  photoMediaId?: string;
  relatedDeputyIds?: string[];
  relatedGroupIds?: string[];
  relatedCaseIds?: string[];
  createdBy: string;
  updatedBy: string;
  createdAt: string;
  updatedAt: string;
  publishedAt?: string;
  deletedAt?: string | null;
  viewCount?: number;
  [key: string]: unknown;
}

export interface Transition {
  id: string;
  action: string;
  from: ItemStatus | null;
  to: ItemStatus;
  by: string;
  byName?: string;
  at: string;
  comment: string | null;
  version: number;
}

export interface Revision {
  version: number;
  reason: string;
  by: string;
  byName?: string;
  at: string;
  restoredFrom: number | null;
  data?: Record<string, unknown>;
}

export interface MediaRecord {
  id: string;
  originalName: string;
  width: number;
  height: number;
  bytes: number;
  alt?: string;
  /** 图注 under the image on the site; credit with its kind: 摄影 (photo) or 来源 (source). */
  caption?: string;
  credit?: string;
  creditKind?: 'photo' | 'source';
  urls: { original: string; cover: string; list: string; width: number; height: number; alt?: string };
}

export type Channel = 'microsite' | 'wechat' | 'sms';

export interface DeliveryView {
  id: string;
  channel: Channel;
  batchIndex: number;
  round: number;
  status: string;
  statusLabel: string;
  attempts: number;
  maxAttempts: number;
  lastAttemptAt?: string;
  settledAt?: string;
  providerIds?: Record<string, unknown>;
  error: { code?: string; message?: string } | null;
  recipientCount: number;
  recipients: Record<string, number>;
  failedRecipients: { recipient: string; errorCode?: string; errorMessage?: string }[];
  /** What people already did to this delivery (retry, resend, mark_sent). */
  actions: { action: string; by: string; at: string; note?: string }[];
  supersededBy?: string | null;
  waitingForMicrosite?: boolean;
}

export interface PublicationView {
  id: string;
  kind: string;
  itemId: string;
  title: string;
  channels: Channel[];
  status: string;
  statusLabel: string;
  audience: Record<string, unknown>;
  sms?: { notification: string; params: Record<string, string> };
  wechat?: { mode: string };
  dueAt: string;
  startedAt?: string;
  finishedAt?: string;
  audienceSummary?: { recipients: number; excludedOptedOut: number; invalid: number; duplicates: number };
  deliveryCounts: Record<string, number>;
  createdBy: string;
  createdAt: string;
  deliveries?: DeliveryView[];
}

export interface RecipientRow {
  recipient: string;
  name?: string;
  status: string;
  errorCode?: string;
  errorMessage?: string;
  providerMessageId?: string;
  receiptAt?: string;
}

export interface UserRow {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  disabled: boolean;
  createdAt: string;
  groupIds?: string[];
  departmentId?: string;
}
