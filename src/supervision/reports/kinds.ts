/** The four periodic reports: which period each covers, its title and when it is due. */
import { parsePeriod, periodContaining, type Period, type PeriodKind } from '../../calendar/periods';

export const REPORT_KINDS = ['monthly', 'quarterly', 'half', 'annual'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

export const REPORT_PERIOD: Record<ReportKind, PeriodKind> = { monthly: 'month', quarterly: 'quarter', half: 'half', annual: 'year' };

export const REPORT_LABELS: Record<ReportKind, string> = { monthly: '每月一汇总', quarterly: '每季一督查', half: '半年一通报', annual: '年度总结' };

/** The document's title, as offices word them. */
export function reportTitle(kind: ReportKind, city: string, period: Period): string {
  switch (kind) {
    case 'monthly':
      return `${city}“人大代表在行动”${period.label}工作汇总`;
    case 'quarterly':
      return `关于${period.label}代表小组活动督查情况的报告`;
    case 'half':
      return `关于${period.label}代表小组活动开展情况的通报`;
    case 'annual':
      return `${city}${period.label}“人大代表在行动”工作总结`;
  }
}

export const PERIOD_KEY_OF: Record<ReportKind, RegExp> = {
  monthly: /^\d{4}-(0[1-9]|1[0-2])$/,
  quarterly: /^\d{4}-Q[1-4]$/,
  half: /^\d{4}-H[12]$/,
  annual: /^\d{4}$/,
};

/** The periods of a kind that ended within `horizonDays` before `now`, oldest first (what the job must have made). */
export function endedPeriods(kind: ReportKind, now: Date, horizonDays = 400): Period[] {
  const out: Period[] = [];
  let p = periodContaining(REPORT_PERIOD[kind], now);
  for (;;) {
    // The period before p: the one containing the instant just before p starts.
    p = periodContaining(REPORT_PERIOD[kind], new Date(p.start.getTime() - 1));
    if (now.getTime() - p.end.getTime() > horizonDays * 86_400_000) break;
    out.unshift(p);
  }
  return out;
}

export const reportId = (kind: ReportKind, periodKey: string) => `${kind}:${periodKey}`;
export { parsePeriod };
