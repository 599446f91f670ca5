/** Enumerations of deputy-group activities, shared by the models, the API, the microsite and the seed. */

/** 调研走访 / 宣传政策 / 监督促进 / 帮扶引领 / 代表见面日 / 集中学习 / 其他 */
export const ACTIVITY_KINDS = ['survey_visit', 'policy_outreach', 'supervision', 'assistance', 'meeting_day', 'study', 'other'] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];
export const ACTIVITY_KIND_LABELS: Record<ActivityKind, string> = {
  survey_visit: '调研走访',
  policy_outreach: '宣传政策',
  supervision: '监督促进',
  assistance: '帮扶引领',
  meeting_day: '代表见面日',
  study: '集中学习',
  other: '其他',
};

/** planned: announced ahead; held: it happened (the record); cancelled: a plan called off. */
export const ACTIVITY_STATUSES = ['planned', 'held', 'cancelled'] as const;
export type ActivityStatus = (typeof ACTIVITY_STATUSES)[number];
export const ACTIVITY_STATUS_LABELS: Record<ActivityStatus, string> = { planned: '计划', held: '已开展', cancelled: '已取消' };

/** A member's attendance at a held activity: 出席 / 请假 (with a reason) / 缺席. */
export const ATTENDANCE_STATUSES = ['present', 'excused', 'absent'] as const;
export type AttendanceStatus = (typeof ATTENDANCE_STATUSES)[number];
export const ATTENDANCE_LABELS: Record<AttendanceStatus, string> = { present: '出席', excused: '请假', absent: '缺席' };
