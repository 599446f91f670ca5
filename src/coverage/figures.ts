/**
 * The five full coverages (五个全覆盖) of a place and period, each as numerator / denominator with exactly who or
 * what is missing. Definitions (also in the README):
 *  - leaders:     leaders (市县"四大家"领导) who are members of a group in the place, and were present at one or more
 *                 of their group's held activities in the period.
 *  - attendance:  members of the place's groups who were present at least once and never absent without leave
 *                 (请假 with a reason is not a miss); a member whose group held nothing in the period is missing too.
 *  - supervision: townships with deputy groups reached by one or more supervision visits in the period.
 *  - suggestions: answered / due, from the suggestions module; "not measured" while it has no figures.
 *  - guarantees:  groups with a place (activity room), time (an activity held or planned in the period) and
 *                 money (the year's fund rule pays every level among its members).
 */
import type { FundRates } from '../config';
import type { RosterGroup } from '../content/roster';
import { DEPUTY_LEVEL_LABELS } from '../content/enums';
import type { DeputyAttendance, Scope } from '../activities';
import type { Period } from '../calendar/periods';
import type { SuggestionAnswerFigures } from './suggestions-provider';

export const FIGURES = ['leaders', 'attendance', 'supervision', 'suggestions', 'guarantees'] as const;
export type FigureKey = (typeof FIGURES)[number];
export const FIGURE_LABELS: Record<FigureKey, string> = {
  leaders: '领导干部代表参加小组活动全覆盖',
  attendance: '代表按时参加小组活动全覆盖',
  supervision: '督导乡镇全覆盖',
  suggestions: '意见建议件件有答复',
  guarantees: '小组活动保障（时间、经费、场所）全覆盖',
};

export interface CoverageData {
  scope: Scope;
  period: Period;
  groups: RosterGroup[];
  attendance: DeputyAttendance[];
  /** Planned activities per group id (held ones are read from the attendance rollups). */
  planned: Map<string, number>;
  /** `${county}|${township}` reached by supervision. */
  reached: Set<string>;
  townships: Array<{ county: string; township: string }>;
  rates: FundRates;
  suggestions: SuggestionAnswerFigures | null;
}

export type Missing = Record<string, unknown>;

export interface Figure {
  key: FigureKey;
  label: string;
  status: 'measured' | 'not_measured';
  numerator: number | null;
  denominator: number | null;
  /** numerator / denominator, 4 decimals; null when not measured or nothing to count. */
  rate: number | null;
  missingCount: number | null;
  missing: Missing[];
  note?: string;
}

function figure(key: FigureKey, numerator: number, denominator: number, missing: Missing[]): Figure {
  return {
    key,
    label: FIGURE_LABELS[key],
    status: 'measured',
    numerator,
    denominator,
    rate: denominator ? Math.round((numerator / denominator) * 10_000) / 10_000 : null,
    missingCount: missing.length,
    missing,
  };
}

/** Narrows the data to part of the place (a county of a city, a township of a county) for charts. */
export function restrict(data: CoverageData, level: 'county' | 'township', name: string): CoverageData {
  const groups = data.groups.filter((g) => g.region[level] === name);
  const ids = new Set(groups.map((g) => g.id));
  return {
    ...data,
    scope: { level, name },
    groups,
    attendance: data.attendance.filter((a) => ids.has(a.groupId)),
    planned: new Map([...data.planned].filter(([id]) => ids.has(id))),
    townships: data.townships.filter((t) => t[level] === name),
    suggestions: null,
  };
}

export function computeFigures(data: CoverageData): Figure[] {
  // Members once each, with their groups; attendance summed over their groups in the place.
  const members = new Map<string, { id: string; name: string; level: keyof FundRates; leader: boolean; groups: RosterGroup[] }>();
  for (const g of data.groups) {
    for (const m of g.members) {
      const entry = members.get(m.id) ?? { ...m, groups: [] };
      entry.groups.push(g);
      members.set(m.id, entry);
    }
  }
  const totals = new Map<string, { held: number; present: number; excused: number; absent: number }>();
  for (const a of data.attendance) {
    const t = totals.get(a.deputyId) ?? { held: 0, present: 0, excused: 0, absent: 0 };
    t.held += a.held;
    t.present += a.present;
    t.excused += a.excused;
    t.absent += a.absent;
    totals.set(a.deputyId, t);
  }
  const who = (m: { id: string; name: string; level: keyof FundRates; groups: RosterGroup[] }) => ({
    deputyId: m.id,
    name: m.name,
    level: m.level,
    levelLabel: DEPUTY_LEVEL_LABELS[m.level],
    groups: m.groups.map((g) => g.name),
    county: m.groups[0]?.region.county ?? '',
    township: m.groups[0]?.region.township ?? '',
  });

  const leaders = [...members.values()].filter((m) => m.leader);
  const idleLeaders = leaders.filter((m) => !(totals.get(m.id)?.present ?? 0)).map((m) => ({ ...who(m), held: totals.get(m.id)?.held ?? 0, reason: '本期未参加所在小组活动' }));

  const everyone = [...members.values()];
  const missed = everyone
    .map((m) => ({ m, t: totals.get(m.id) ?? { held: 0, present: 0, excused: 0, absent: 0 } }))
    .filter(({ t }) => t.absent > 0 || t.present === 0)
    .map(({ m, t }) => ({
      ...who(m),
      ...t,
      reason: t.held === 0 ? '所在小组本期未开展活动' : t.absent > 0 ? `无故缺席${t.absent}次` : '本期均请假',
    }));

  const unreached = data.townships.filter((t) => !data.reached.has(`${t.county}|${t.township}`)).map((t) => ({ ...t, reason: '本期无督导' }));

  const heldBy = new Set(data.attendance.filter((a) => a.held > 0).map((a) => a.groupId));
  const lacking = data.groups
    .map((g) => {
      const gaps: string[] = [];
      if (!g.roomAddress.trim()) gaps.push('place');
      if (!heldBy.has(g.id) && !data.planned.get(g.id)) gaps.push('time');
      if (!g.members.length || g.members.some((m) => !(data.rates[m.level].perActivity > 0 && data.rates[m.level].cap > 0))) gaps.push('money');
      return { g, gaps };
    })
    .filter(({ gaps }) => gaps.length)
    .map(({ g, gaps }) => ({
      groupId: g.id,
      name: g.name,
      county: g.region.county ?? '',
      township: g.region.township ?? '',
      lacking: gaps,
      reason: gaps.map((k) => ({ place: '无活动场所', time: '本期无活动安排', money: '经费标准未覆盖全部成员' })[k]).join('、'),
    }));

  const s = data.suggestions;
  const suggestions: Figure = s
    ? figure('suggestions', s.answered, s.total, s.unanswered.map((u) => ({ ...u, reason: '尚未答复' })))
    : { key: 'suggestions', label: FIGURE_LABELS.suggestions, status: 'not_measured', numerator: null, denominator: null, rate: null, missingCount: null, missing: [], note: '意见建议办理尚未接入，暂不计算' };

  return [
    figure('leaders', leaders.length - idleLeaders.length, leaders.length, idleLeaders),
    figure('attendance', everyone.length - missed.length, everyone.length, missed),
    figure('supervision', data.townships.length - unreached.length, data.townships.length, unreached),
    suggestions,
    figure('guarantees', data.groups.length - lacking.length, data.groups.length, lacking),
  ];
}
