/** Enumerations shared by the content models, the admin API, the microsite and the seed. */
import type { ItemKind } from '../channels/types';

/** Workflow states of every publishable item (articles, deputies, groups, cases — and meetings, which reuse the workflow). */
export const ITEM_STATUSES = ['draft', 'in_review', 'approved', 'scheduled', 'published', 'withdrawn', 'archived'] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];

export const ITEM_STATUS_LABELS: Record<ItemStatus, string> = {
  draft: '草稿',
  in_review: '待审核',
  approved: '已审核',
  scheduled: '已排期',
  published: '已发布',
  withdrawn: '已撤回',
  archived: '已归档',
};

/** The kinds this module owns (meetings live in src/meetings/). */
export const CONTENT_KINDS = ['article', 'deputy', 'group', 'case'] as const;
export type ContentKind = (typeof CONTENT_KINDS)[number];
export type { ItemKind };

/** 市级 / 县级 / 乡镇人大代表 */
export const DEPUTY_LEVELS = ['city', 'county', 'township'] as const;
export type DeputyLevel = (typeof DEPUTY_LEVELS)[number];
export const DEPUTY_LEVEL_LABELS: Record<DeputyLevel, string> = {
  city: '市级人大代表',
  county: '县级人大代表',
  township: '乡镇人大代表',
};

/** 代表小组活动模式 / 乡镇人大主席团工作模式 / 常委会组织模式 */
export const CASE_KINDS = ['group_activity', 'township_presidium', 'standing_committee'] as const;
export type CaseKind = (typeof CASE_KINDS)[number];
export const CASE_KIND_LABELS: Record<CaseKind, string> = {
  group_activity: '代表小组活动模式',
  township_presidium: '乡镇人大主席团工作模式',
  standing_committee: '常委会组织模式',
};

/** Where an item belongs: names at each administrative level (e.g. 市 / 区县 / 乡镇). */
export interface Region {
  city?: string;
  county?: string;
  township?: string;
}

/** Limit of a WeChat article digest; our digests never exceed it. */
export const DIGEST_MAX = 120;
