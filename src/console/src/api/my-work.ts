/** The start page's lists ("my work"), as rows ready to show: what, state, when, where to go. */
import { ApiError, client, request, unwrap } from './http';
import { KINDS, SEGMENT_OF_KIND, STATUS_LABELS, type KindSegment } from './labels';
import type { ContentItem, Me, Page, PublicationView } from './types';
import { hasRole } from '../stores/session';

export interface WorkRow {
  id: string;
  title: string;
  detail?: string;
  at?: string;
  tag?: string;
  tagType?: 'info' | 'warning' | 'success' | 'danger' | 'primary';
  to: string;
}

export interface WorkSection {
  key: string;
  title: string;
  empty: string;
  rows: WorkRow[];
  more?: string;
}

const SEGMENTS = Object.keys(KINDS) as KindSegment[];

function itemRow(segment: KindSegment, i: ContentItem, to = `/content/${segment}/${i.id}`): WorkRow {
  return { id: i.id, title: String(i[KINDS[segment].titleField] ?? ''), detail: KINDS[segment].label, at: i.updatedAt, tag: STATUS_LABELS[i.status], to };
}

async function items(status: string): Promise<{ segment: KindSegment; item: ContentItem }[]> {
  const pages = await Promise.all(SEGMENTS.map((s) => request<Page<ContentItem>>('GET', `/api/admin/${s}?status=${status}&pageSize=50`).then((p) => p.items.map((item) => ({ segment: s, item })))));
  return pages.flat().sort((a, b) => b.item.updatedAt.localeCompare(a.item.updatedAt));
}

function pubRow(p: PublicationView): WorkRow {
  return { id: p.id, title: p.title, detail: p.channels.map((c) => ({ microsite: '网站', wechat: '微信', sms: '短信' })[c]).join('、'), at: p.dueAt, tag: p.statusLabel, tagType: ['failed', 'partial'].includes(p.status) ? 'danger' : 'primary', to: `/publications/${p.id}` };
}

const CHANNEL_NAMES: Record<string, string> = { microsite: '网站', wechat: '微信', sms: '短信' };

function contentRow(r: any, to?: (seg: KindSegment) => string): WorkRow {
  const seg = SEGMENT_OF_KIND[r.kind];
  return {
    id: String(r.id),
    title: String(r.title ?? ''),
    detail: r.comment ? `${r.returnedByName ?? '审核人'}退回：${r.comment}` : seg ? KINDS[seg].label : undefined,
    at: r.returnedAt ?? r.updatedAt,
    tag: STATUS_LABELS[r.status as keyof typeof STATUS_LABELS],
    tagType: r.comment ? 'warning' : undefined,
    to: seg ? (to ? to(seg) : `/content/${seg}/${r.id}`) : '/',
  };
}

/** The sections of /api/admin/my-work this role works with, in the order a day goes. */
function fromServer(res: Record<string, any>): WorkSection[] {
  const out: WorkSection[] = [];
  const list = (v: unknown) => (Array.isArray(v) ? v : []);
  if (hasRole('editor')) {
    out.push({ key: 'returned', title: '被退回修改', empty: '没有被退回的稿件', rows: list(res.returned).map((r) => contentRow(r)) });
    out.push({ key: 'drafts', title: '我的草稿', empty: '没有草稿', rows: list(res.drafts).map((r) => contentRow(r)), more: '/content/articles' });
    out.push({ key: 'submitted', title: '我提交的待审稿件', empty: '没有等待审核的稿件', rows: list(res.submitted).map((r) => contentRow(r)) });
  }
  if (hasRole('reviewer')) {
    out.push({ key: 'review', title: '待我审核', empty: '没有待审核的稿件', rows: list(res.awaitingReview).map((r) => contentRow(r, (seg) => `/review/${seg}/${r.id}`)), more: '/review' });
  }
  if (hasRole('organizer') && !hasRole('editor', 'reviewer')) {
    out.push({ key: 'meetings', title: '近期会议', empty: '近期没有会议', rows: list(res.meetings).map(meetingRow), more: '/meetings' });
  }
  // Liaisons and department users publish nothing: their start page is the operations' lists (ops-work.ts).
  if (!hasRole('editor', 'reviewer', 'organizer')) return out;
  out.push({ key: 'scheduled', title: '已排期发布', empty: '没有排期的发布', rows: list(res.scheduled).map((p) => pubRow(p as PublicationView)), more: '/publications' });
  out.push({
    key: 'problems',
    title: '投递失败或状态不明',
    empty: '最近 30 天没有异常投递',
    rows: list(res.deliveryProblems).map((d: any) => ({
      id: String(d.deliveryId),
      title: String(d.title ?? ''),
      detail: `${CHANNEL_NAMES[d.channel] ?? d.channel}${d.error?.message ? `：${d.error.message}` : ''}`,
      at: d.settledAt,
      tag: d.statusLabel,
      tagType: d.status === 'failed' ? 'danger' : 'warning',
      to: `/publications/${d.publicationId}`,
    })),
    more: '/publications',
  });
  if (hasRole('organizer') && hasRole('editor', 'reviewer')) {
    out.push({ key: 'meetings', title: '近期会议', empty: '近期没有会议', rows: list(res.meetings).map(meetingRow), more: '/meetings' });
  }
  return out;
}

function meetingRow(m: any): WorkRow {
  return { id: String(m.id), title: String(m.title ?? ''), detail: m.venue, at: m.startsAt, tag: m.statusLabel ?? m.status, to: `/meetings/${m.id}` };
}

export async function loadMyWork(me: Me): Promise<WorkSection[]> {
  try {
    return fromServer(await unwrap<Record<string, any>>(client.GET('/api/admin/my-work', { params: { query: { limit: 20 } } })));
  } catch (err) {
    if (!(err instanceof ApiError) || (err.status !== 404 && err.status !== 405)) throw err;
  }
  return composeFromLists(me);
}

/** The same lists gathered from the general list endpoints (older servers). */
async function composeFromLists(me: Me): Promise<WorkSection[]> {
  const out: WorkSection[] = [];
  if (hasRole('editor')) {
    const drafts = (await items('draft')).filter((x) => x.item.createdBy === me.id || x.item.updatedBy === me.id);
    out.push({ key: 'drafts', title: '我的草稿', empty: '没有草稿', rows: drafts.slice(0, 10).map((x) => itemRow(x.segment, x.item)) });
  }
  if (hasRole('reviewer')) {
    const queue = await items('in_review');
    out.push({ key: 'review', title: '待我审核', empty: '没有待审核的稿件', rows: queue.slice(0, 10).map((x) => itemRow(x.segment, x.item, `/review/${x.segment}/${x.item.id}`)), more: '/review' });
  }
  if (hasRole('editor', 'reviewer', 'organizer')) {
    const [scheduled, failed, partial] = await Promise.all(
      ['scheduled', 'failed', 'partial'].map((st) => request<Page<PublicationView>>('GET', `/api/admin/publications?status=${st}&pageSize=10`).then((p) => p.items)),
    );
    out.push({ key: 'scheduled', title: '已排期发布', empty: '没有排期的发布', rows: scheduled.map(pubRow), more: '/publications' });
    out.push({ key: 'problems', title: '投递失败或状态不明', empty: '没有异常投递', rows: [...failed, ...partial].map(pubRow), more: '/publications' });
  }
  if (hasRole('organizer')) {
    const meetings = await request<Page<Record<string, any>>>('GET', '/api/admin/meetings?pageSize=10');
    out.push({ key: 'meetings', title: '近期会议', empty: '近期没有会议', rows: meetings.items.map(meetingRow), more: '/meetings' });
  }
  return out;
}
