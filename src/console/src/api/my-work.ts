/** The start page's lists ("my work"), as rows ready to show: what, state, when, where to go. */
import { ApiError, request } from './http';
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

/** Server rows ({kind, id, title, …}) from /api/admin/my-work, when the server offers it. */
function serverRows(list: unknown): WorkRow[] {
  if (!Array.isArray(list)) return [];
  return list.map((r: any) => {
    const segment = SEGMENT_OF_KIND[r.kind];
    const to = r.publicationId || r.kind === 'publication' ? `/publications/${r.publicationId ?? r.id}` : r.kind === 'meeting' ? `/meetings/${r.id}` : segment ? `/content/${segment}/${r.id}` : '/';
    return {
      id: String(r.id),
      title: String(r.title ?? r.name ?? ''),
      detail: r.comment ? `退回意见：${r.comment}` : segment ? KINDS[segment].label : r.detail,
      at: r.at ?? r.updatedAt ?? r.dueAt ?? r.startsAt,
      tag: r.statusLabel ?? (r.status ? STATUS_LABELS[r.status as keyof typeof STATUS_LABELS] : undefined),
      tagType: ['failed', 'partial', 'unknown'].includes(r.status) ? 'danger' : undefined,
      to,
    };
  });
}

export async function loadMyWork(me: Me): Promise<WorkSection[]> {
  try {
    const res = await request<Record<string, unknown>>('GET', '/api/admin/my-work');
    const s = (key: string, title: string, empty: string, rows: unknown): WorkSection => ({ key, title, empty, rows: serverRows(rows) });
    const out: WorkSection[] = [];
    if ('drafts' in res) out.push(s('drafts', '我的草稿', '没有草稿', res.drafts));
    if ('returned' in res) out.push(s('returned', '被退回修改', '没有被退回的稿件', res.returned));
    if ('awaitingReview' in res || 'toReview' in res) out.push(s('review', '待我审核', '没有待审核的稿件', res.awaitingReview ?? res.toReview));
    if ('scheduled' in res) out.push(s('scheduled', '已排期发布', '没有排期的发布', res.scheduled));
    if ('deliveryProblems' in res || 'problems' in res) out.push(s('problems', '投递失败或状态不明', '没有异常投递', res.deliveryProblems ?? res.problems));
    if ('meetings' in res) out.push(s('meetings', '近期会议', '近期没有会议', res.meetings));
    if (out.length) return out;
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
    out.push({
      key: 'meetings',
      title: '近期会议',
      empty: '近期没有会议',
      rows: meetings.items.map((m) => ({ id: m.id, title: m.title, detail: m.venue, at: m.startsAt, tag: m.statusLabel ?? m.status, to: `/meetings/${m.id}` })),
      more: '/meetings',
    });
  }
  return out;
}
