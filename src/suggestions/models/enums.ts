/** Words of suggestion handling: categories, states, answer classes, satisfaction, escalations. */
export const CATEGORIES = ['产业发展', '基础设施', '教育医疗', '社会保障', '生态环境', '其他'] as const;
export type Category = (typeof CATEGORIES)[number];

/**
 * registered 已登记 → sorted 已梳理 → assigned 已交办 ⇄ transferred 已转办 → answered 已答复 → rated 已评价
 * → closed 已办结, or back to assigned (重新办理) after 不满意. A duplicate folded into another becomes merged 已合并.
 */
export const STATUSES = ['registered', 'sorted', 'assigned', 'transferred', 'answered', 'rated', 'closed', 'merged'] as const;
export type Status = (typeof STATUSES)[number];
export const STATUS_LABELS: Record<Status, string> = {
  registered: '已登记',
  sorted: '已梳理',
  assigned: '已交办',
  transferred: '已转办',
  answered: '已答复',
  rated: '已评价',
  closed: '已办结',
  merged: '已合并',
};
/** States in which a department holds the suggestion and its deadline runs. */
export const HANDLING_STATUSES: Status[] = ['assigned', 'transferred'];

/** A 解决或基本解决; B 正在解决或列入计划解决; C 因条件限制暂不能解决，已说明. */
export const ANSWER_CLASSES = ['A', 'B', 'C'] as const;
export type AnswerClass = (typeof ANSWER_CLASSES)[number];

export const RATINGS = ['满意', '基本满意', '不满意'] as const;
export type Rating = (typeof RATINGS)[number];
export const SATISFIED_RATINGS: Rating[] = ['满意', '基本满意'];

/** 约见 summoning the officials, 评议 a formal appraisal, 询问 questioning. */
export const ESCALATION_KINDS = ['约见', '评议', '询问'] as const;
export type EscalationKind = (typeof ESCALATION_KINDS)[number];
export const ESCALATION_REASONS = ['second_dissatisfied', 'overdue'] as const;
export type EscalationReason = (typeof ESCALATION_REASONS)[number];

/** Where a suggestion came in: registered by staff, the public form, the WeChat path, or a spreadsheet import. */
export const ORIGINS = ['staff', 'web', 'wechat', 'import'] as const;
export type Origin = (typeof ORIGINS)[number];
export const ORIGIN_LABELS: Record<Origin, string> = { staff: '工作人员登记', web: '网站提交', wechat: '微信提交', import: '批量导入' };

/** Who gave a rating: the deputy through the personal link, or a liaison recording it on the deputy's behalf. */
export const RATING_SOURCES = ['deputy', 'liaison'] as const;
export type RatingSource = (typeof RATING_SOURCES)[number];
