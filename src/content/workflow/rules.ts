/**
 * The review workflow, one table for every kind:
 *
 *   draft ──submit──► in_review ──approve──► approved ──publish──► published ──withdraw──► withdrawn
 *     ▲                  │                      │  ▲                  │                       │
 *     └─────reject───────┘            schedule  ▼  │ unschedule       └──────archive──► archived
 *        (comment required)                 scheduled ──publish──► published
 *
 * Editors write and submit; reviewers approve (never their own submission, nor words they changed during the
 * review), reject with a comment, withdraw
 * and archive; admins may do everything a person may do. publish / schedule / unschedule belong to the
 * publishing pipeline (src/content/publication-hooks.ts), which authorises its own requests.
 */
import type { Role } from '../../auth/roles';
import type { ItemStatus } from '../enums';
import type { WorkflowAction } from '../models/history';

export interface TransitionRule {
  from: readonly ItemStatus[];
  to: ItemStatus;
  /** Roles allowed through the admin API; 'pipeline' = only through the publication hooks. */
  roles: readonly Role[] | 'pipeline';
  commentRequired?: boolean;
  /** The person who submitted the item, or who rewrote it during review, may not take this step (no self-approval). */
  notBySubmitter?: boolean;
  label: string;
}

export type TransitionAction = 'submit' | 'approve' | 'reject' | 'withdraw' | 'archive' | 'publish' | 'schedule' | 'unschedule';

export const TRANSITION_RULES: Record<TransitionAction, TransitionRule> = {
  submit: { from: ['draft', 'withdrawn'], to: 'in_review', roles: ['editor'], label: '提交审核' },
  approve: { from: ['in_review'], to: 'approved', roles: ['reviewer'], notBySubmitter: true, label: '审核通过' },
  reject: { from: ['in_review'], to: 'draft', roles: ['reviewer'], commentRequired: true, label: '退回修改' },
  withdraw: { from: ['published', 'scheduled'], to: 'withdrawn', roles: ['reviewer'], label: '撤回' },
  archive: { from: ['draft', 'approved', 'published', 'withdrawn'], to: 'archived', roles: ['reviewer'], label: '归档' },
  publish: { from: ['approved', 'scheduled'], to: 'published', roles: 'pipeline', label: '发布' },
  schedule: { from: ['approved'], to: 'scheduled', roles: 'pipeline', label: '定时发布' },
  unschedule: { from: ['scheduled'], to: 'approved', roles: 'pipeline', label: '取消定时' },
};

/** Actions a person may request through the admin API. */
export const PERSON_ACTIONS = ['submit', 'approve', 'reject', 'withdraw', 'archive'] as const satisfies readonly TransitionAction[];
export type PersonAction = (typeof PERSON_ACTIONS)[number];

/** Who may save edits, by status (admin always may). See editing.ts for what a save does to the status. */
export const EDIT_ROLES: readonly Role[] = ['editor', 'reviewer'];
/** Saving a live item changes what the public sees at once, so it takes a reviewer (or admin). */
export const LIVE_EDIT_ROLES: readonly Role[] = ['reviewer'];
/** Statuses in which an item cannot be saved or deleted (unschedule first); a live item cannot be deleted either. */
export const LOCKED_STATUSES: readonly ItemStatus[] = ['scheduled'];

export type { WorkflowAction };
