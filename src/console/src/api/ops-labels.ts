/** Chinese labels of the operations API's enumerations (activities, coverage, suggestions). */
type TagType = 'info' | 'warning' | 'success' | 'primary' | 'danger';

export const ACTIVITY_KIND_LABELS: Record<string, string> = {
  survey_visit: '调研走访',
  policy_outreach: '宣传政策',
  supervision: '监督促进',
  assistance: '帮扶引领',
  meeting_day: '代表见面日',
  study: '集中学习',
  other: '其他',
};
export const ACTIVITY_STATUS_LABELS: Record<string, string> = { planned: '计划', held: '已开展', cancelled: '已取消' };
export const ACTIVITY_STATUS_TAG: Record<string, TagType> = { planned: 'warning', held: 'success', cancelled: 'info' };
export const ATTENDANCE_LABELS: Record<string, string> = { present: '出席', excused: '请假', absent: '缺席' };
export const ATTENDANCE_TAG: Record<string, TagType> = { present: 'success', excused: 'warning', absent: 'danger' };
export const DEPUTY_LEVEL_LABELS: Record<string, string> = { city: '市级', county: '县级', township: '乡镇' };

export const PERIOD_KIND_LABELS = { year: '全年', half: '半年', quarter: '季度', month: '月' } as const;

export const SUGGESTION_STATUS_LABELS: Record<string, string> = {
  registered: '已登记',
  sorted: '已梳理',
  assigned: '已交办',
  transferred: '已转办',
  answered: '已答复',
  rated: '已评价',
  closed: '已办结',
  merged: '已合并',
};
export const SUGGESTION_STATUS_TAG: Record<string, TagType> = {
  registered: 'info',
  sorted: 'info',
  assigned: 'primary',
  transferred: 'primary',
  answered: 'warning',
  rated: 'warning',
  closed: 'success',
  merged: 'info',
};
export const SUGGESTION_CATEGORIES = ['产业发展', '基础设施', '教育医疗', '社会保障', '生态环境', '其他'] as const;
export const ANSWER_CLASS_LABELS: Record<string, string> = { A: 'A类（已解决或基本解决）', B: 'B类（正在解决或列入计划解决）', C: 'C类（因条件限制暂不能解决，已说明）' };
export const RATINGS = ['满意', '基本满意', '不满意'] as const;
export const RATING_TAG: Record<string, TagType> = { 满意: 'success', 基本满意: 'primary', 不满意: 'danger' };
export const ESCALATION_KINDS = ['约见', '评议', '询问'] as const;
export const ESCALATION_REASON_LABELS: Record<string, string> = { second_dissatisfied: '两次不满意', overdue: '逾期未答复' };
export const SUGGESTION_ACTION_LABELS: Record<string, string> = {
  register: '登记',
  sort: '梳理',
  merge: '并入其他建议',
  assign: '交办',
  transfer: '转办',
  answer: '答复',
  co_opinion: '协办意见',
  rate: '满意度测评',
  close: '办结',
  rehandle: '重新办理',
  escalate: '督办',
  escalation_recorded: '记录督办结果',
  remind: '督办短信',
};

/** 0.8567 → "85.7%"; null → "—". */
export function percent(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(1)}%`;
}

export function regionText(r: { city?: string; county?: string; township?: string; village?: string } | undefined): string {
  return r ? [r.county, r.township, r.village].filter(Boolean).join(' ') : '';
}
