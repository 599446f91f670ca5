/** Chinese labels staff read, for the API's enumerations. */
import type { ItemStatus, Role } from './types';

export const ROLE_LABELS: Record<Role, string> = { admin: '系统管理员', editor: '宣传编辑', reviewer: '审核人', organizer: '会议组织者', liaison: '联络员', department: '承办单位', supervisor: '督导考评' };

export const STATUS_LABELS: Record<ItemStatus, string> = {
  draft: '草稿',
  in_review: '待审核',
  approved: '已审核',
  scheduled: '已排期',
  published: '已发布',
  withdrawn: '已撤回',
  archived: '已归档',
};

export const STATUS_TAG: Record<ItemStatus, 'info' | 'warning' | 'success' | 'primary' | 'danger'> = {
  draft: 'info',
  in_review: 'warning',
  approved: 'primary',
  scheduled: 'primary',
  published: 'success',
  withdrawn: 'danger',
  archived: 'info',
};

export const LEVEL_LABELS = { city: '市级人大代表', county: '县级人大代表', township: '乡镇人大代表' } as const;

export const CASE_KIND_LABELS: Record<string, string> = {
  group_activity: '代表小组活动模式',
  township_presidium: '乡镇人大主席团工作模式',
  standing_committee: '常委会组织模式',
};

export const CHANNEL_LABELS: Record<string, string> = { microsite: '网站', wechat: '微信公众号', sms: '短信' };

export const ACTION_LABELS: Record<string, string> = {
  create: '创建',
  update: '修改',
  submit: '提交审核',
  approve: '审核通过',
  reject: '退回修改',
  withdraw: '撤回',
  archive: '归档',
  schedule: '排期',
  publish: '发布',
  restore: '恢复',
};

export const DELIVERY_ACTION_LABELS: Record<string, string> = { retry: '重试', resend: '重新发送', mark_sent: '确认已送达' };

export const DELIVERY_STATUS_LABELS: Record<string, string> = {
  planned: '已计划',
  queued: '排队中',
  sending: '发送中',
  pending: '等待回执',
  sent: '已发送',
  delivered: '已送达',
  failed: '失败',
  unknown: '状态不明',
  cancelled: '已取消',
};

/** The four content kinds, by the URL segment the API uses. */
export const KINDS = {
  articles: { kind: 'article', label: '新闻', titleField: 'title', bodyField: 'body', coverField: 'coverMediaId', sitePath: 'news' },
  deputies: { kind: 'deputy', label: '典型代表', titleField: 'name', bodyField: 'story', coverField: 'photoMediaId', sitePath: 'deputies' },
  groups: { kind: 'group', label: '代表小组', titleField: 'name', bodyField: 'body', coverField: 'coverMediaId', sitePath: 'groups' },
  cases: { kind: 'case', label: '典型案例', titleField: 'title', bodyField: 'body', coverField: 'coverMediaId', sitePath: 'cases' },
} as const;
export type KindSegment = keyof typeof KINDS;
export const KIND_SEGMENTS = Object.keys(KINDS) as KindSegment[];
export const SEGMENT_OF_KIND: Record<string, KindSegment> = { article: 'articles', deputy: 'deputies', group: 'groups', case: 'cases' };

export function isKindSegment(s: unknown): s is KindSegment {
  return typeof s === 'string' && s in KINDS;
}

/** Zod's default messages are English; staff read Chinese. Unknown messages pass through as they are. */
export function chineseFieldMessage(message: string): string {
  const m = message.trim();
  if (/^required$/i.test(m) || /received undefined/.test(m)) return '必填';
  let r = /expected string to have <=(\d+) characters/.exec(m);
  if (r) return `最多 ${r[1]} 个字符`;
  r = /expected string to have >=(\d+) characters/.exec(m);
  if (r) return r[1] === '1' ? '必填' : `至少 ${r[1]} 个字符`;
  r = /expected array to have <=(\d+) items/.exec(m);
  if (r) return `最多 ${r[1]} 项`;
  if (/^Invalid (ISO )?date/i.test(m) || /datetime/i.test(m)) return '日期时间格式不正确';
  if (/^in the past$/.test(m)) return '时间已过';
  if (/too far ahead/.test(m)) return '时间太远';
  if (/a phone number/.test(m)) return '请输入正确的电话号码';
  if (/lower-case letters, digits and single hyphens/.test(m)) return '只能用小写字母、数字和单个连字符，如 tuo-pin-gong-jian';
  if (/Invalid option|Invalid enum/i.test(m)) return '请选择列表中的一项';
  if (/Unrecognized key|unknown field/i.test(m)) return '不支持的字段';
  if (/expected number/.test(m)) return '请输入数字';
  if (/^[\x00-\x7f]*$/.test(m)) return `格式不正确（${m}）`;
  return m;
}
