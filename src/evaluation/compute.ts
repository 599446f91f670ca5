/**
 * Scores of a year from the records, under that year's scheme: every indicator's input value, the points it
 * earns (weight × the rate, or weight × min(count / target, 1)), the sum, a manual adjustment with its reason
 * (shown apart from the computed score), the ranking and the award candidates (the top N with at least the
 * scheme's least score). Inputs:
 *   group   attendanceRate = present / (held × members) over the members' roll calls; activitiesHeld; suggestionsRaised by its members
 *   deputy  attendanceRate = present / held in their groups; activitiesAttended = present; suggestionsRaised
 *   unit    counties and townships (ranked each among their own level): coverageRate = mean of the measured five
 *           coverages; activitiesPerGroup; closure and satisfaction rates of the suggestions registered in the place;
 *           rectifiedOnTimeRate = problems rectified by their deadline / problems found (1 when none was found)
 *   group and unit: publicityItems = news and typical-deputy profiles published in the year about the group, or
 *           with the place as their region (the content module's publishedItemsBy)
 * A rate with nothing to count (no suggestions, no activity held) earns no points and is shown as "无数据".
 */
import type { Config } from '../config';
import { chartByRegion } from '../coverage';
import { attendanceByDeputy, heldActivitiesBy, rostersOf } from '../activities';
import { parsePeriod, type Period } from '../calendar/periods';
import { computeRates, ratePeriod, raisedByDeputy } from '../suggestions';
import { citiesWithGroups } from '../content/roster';
import { problemFigures } from '../supervision';
import { publishedItemsBy, townshipKey } from '../content/publicity-figures';
import type { Indicator, SchemeDoc, Subject } from './scheme';

export interface BreakdownItem {
  input: string;
  label: string;
  weight: number;
  target: number | null;
  value: number | null;
  points: number;
}

export interface ScoreRow {
  id: string;
  name: string;
  county: string | null;
  township: string | null;
  /** For units: county or township. */
  level?: 'county' | 'township';
  breakdown: BreakdownItem[];
  score: number;
  adjustment: number;
  adjustmentReason: string | null;
  final: number;
  rank: number;
  candidate: boolean;
}

const round2 = (n: number) => Math.round(n * 100) / 100;
const rate = (n: number, d: number) => (d ? n / d : null);

export function score(indicators: Indicator[], inputs: Record<string, number | null>): { breakdown: BreakdownItem[]; score: number } {
  const breakdown = indicators.map((i) => {
    const value = inputs[i.input] ?? null;
    const fraction = value === null ? 0 : i.target ? Math.min(value / i.target, 1) : Math.min(Math.max(value, 0), 1);
    return { input: i.input, label: i.label, weight: i.weight, target: i.target, value: value === null ? null : Math.round(value * 10_000) / 10_000, points: round2(i.weight * fraction) };
  });
  return { breakdown, score: round2(breakdown.reduce((s, b) => s + b.points, 0)) };
}

type Inputs = Array<{ id: string; name: string; county: string | null; township: string | null; level?: 'county' | 'township'; inputs: Record<string, number | null> }>;

async function gatherInputs(config: Config, year: number): Promise<Record<Subject, Inputs>> {
  const period = parsePeriod(String(year))!;
  const [city] = await citiesWithGroups();
  if (!city) return { group: [], deputy: [], unit: [] };
  const scope = { level: 'city' as const, name: city };
  const [groups, attendance, heldByGroup, raised, counties, heldByCounty, rates, problems, publicity] = await Promise.all([
    rostersOf(scope),
    attendanceByDeputy(scope, period),
    heldActivitiesBy(scope, period, 'group'),
    raisedByDeputy(ratePeriod(String(year))),
    chartByRegion(config, scope, period),
    heldActivitiesBy(scope, period, 'county'),
    computeRates({ period: ratePeriod(String(year)), by: 'county' }, period.end),
    problemFigures(period, period.end),
    publishedItemsBy(period),
  ]);

  const byGroup = new Map<string, { present: number; held: number }>();
  const byDeputy = new Map<string, { present: number; held: number; groupId: string }>();
  for (const a of attendance) {
    const g = byGroup.get(a.groupId) ?? byGroup.set(a.groupId, { present: 0, held: 0 }).get(a.groupId)!;
    g.present += a.present;
    g.held += a.held;
    const d = byDeputy.get(a.deputyId) ?? byDeputy.set(a.deputyId, { present: 0, held: 0, groupId: a.groupId }).get(a.deputyId)!;
    d.present += a.present;
    d.held += a.held;
  }
  const group: Inputs = groups.map((g) => {
    const att = byGroup.get(g.id);
    return {
      id: g.id,
      name: g.name,
      county: g.region.county ?? null,
      township: g.region.township ?? null,
      inputs: {
        attendanceRate: att ? rate(att.present, att.held) : null,
        activitiesHeld: heldByGroup.get(g.id) ?? 0,
        suggestionsRaised: g.members.reduce((s, m) => s + (raised.get(m.id) ?? 0), 0),
        publicityItems: publicity.byGroup.get(g.id) ?? 0,
      },
    };
  });
  const deputy: Inputs = [];
  const seen = new Set<string>();
  for (const g of groups) {
    for (const m of g.members) {
      if (seen.has(m.id)) continue;
      seen.add(m.id);
      const att = byDeputy.get(m.id);
      deputy.push({
        id: m.id,
        name: m.name,
        county: g.region.county ?? null,
        township: g.region.township ?? null,
        inputs: { attendanceRate: att ? rate(att.present, att.held) : null, activitiesAttended: att?.present ?? 0, suggestionsRaised: raised.get(m.id) ?? 0 },
      });
    }
  }
  const rateOf = new Map(rates.groups.map((r) => [r.key, r.rates]));
  const problemOf = new Map(problems.byCounty.map((p) => [p.county, p]));
  const groupsIn = (county: string) => groups.filter((g) => g.region.county === county).length;
  const unit: Inputs = counties.labels.map((county, i) => {
    const measured = counties.series.map((s) => s.rates[i]).filter((r): r is number => r !== null);
    const p = problemOf.get(county);
    return {
      id: county,
      name: county,
      county,
      township: null,
      level: 'county',
      inputs: {
        coverageRate: measured.length ? measured.reduce((s, r) => s + r, 0) / measured.length : null,
        activitiesPerGroup: groupsIn(county) ? (heldByCounty.get(county) ?? 0) / groupsIn(county) : null,
        closureRate: rateOf.get(county)?.closureRate ?? null,
        satisfactionRate: rateOf.get(county)?.satisfactionRate ?? null,
        rectifiedOnTimeRate: p && p.found ? p.rectifiedOnTime / p.found : 1,
        publicityItems: publicity.byCounty.get(county) ?? 0,
      },
    };
  });
  unit.push(...(await townshipInputs(config, period, counties.labels, groups, publicity.byTownship, problems.byTownship)));
  return { group, deputy, unit };
}

/** The townships of each county, with the same inputs as a county, each read within its county (names repeat across counties). */
async function townshipInputs(
  config: Config,
  period: Period,
  counties: string[],
  groups: Awaited<ReturnType<typeof rostersOf>>,
  publicity: Map<string, number>,
  problems: Array<{ county: string; township: string; found: number; rectifiedOnTime: number }>,
): Promise<Inputs> {
  const problemOf = new Map(problems.map((p) => [townshipKey(p.county, p.township), p]));
  const out: Inputs = [];
  for (const county of counties) {
    const scope = { level: 'county' as const, name: county };
    const [chart, held, rates] = await Promise.all([
      chartByRegion(config, scope, period),
      heldActivitiesBy(scope, period, 'township'),
      computeRates({ period: ratePeriod(period.key), by: 'township', county }, period.end),
    ]);
    const rateOf = new Map(rates.groups.map((r) => [r.key, r.rates]));
    chart.labels.forEach((township, i) => {
      const measured = chart.series.map((s) => s.rates[i]).filter((r): r is number => r !== null);
      const groupCount = groups.filter((g) => g.region.county === county && g.region.township === township).length;
      const key = townshipKey(county, township);
      const p = problemOf.get(key);
      out.push({
        id: key,
        name: township,
        county,
        township,
        level: 'township',
        inputs: {
          coverageRate: measured.length ? measured.reduce((s, r) => s + r, 0) / measured.length : null,
          activitiesPerGroup: groupCount ? (held.get(township) ?? 0) / groupCount : null,
          closureRate: rateOf.get(township)?.closureRate ?? null,
          satisfactionRate: rateOf.get(township)?.satisfactionRate ?? null,
          rectifiedOnTimeRate: p && p.found ? p.rectifiedOnTime / p.found : 1,
          publicityItems: publicity.get(key) ?? 0,
        },
      });
    });
  }
  return out;
}

export interface Adjustment {
  subject: Subject;
  id: string;
  points: number;
  reason: string;
  by: string;
  byName: string;
  at: Date;
}

export function rank(rows: Omit<ScoreRow, 'rank' | 'candidate' | 'final' | 'adjustment' | 'adjustmentReason'>[], adjustments: Adjustment[], take: number, minScore: number): ScoreRow[] {
  const adj = new Map(adjustments.map((a) => [a.id, a]));
  const out: ScoreRow[] = rows.map((r) => {
    const a = adj.get(r.id);
    return { ...r, adjustment: a?.points ?? 0, adjustmentReason: a?.reason ?? null, final: round2(r.score + (a?.points ?? 0)), rank: 0, candidate: false };
  });
  // Highest final score first; ties by name in code-point order, the same on every machine.
  out.sort((x, y) => y.final - x.final || (x.name < y.name ? -1 : x.name > y.name ? 1 : x.id < y.id ? -1 : 1));
  let taken = 0;
  out.forEach((r, i) => {
    r.rank = i > 0 && out[i - 1].final === r.final ? out[i - 1].rank : i + 1;
    if (taken < take && r.final >= minScore) {
      r.candidate = true;
      taken += 1;
    }
  });
  return out;
}

export async function computeScores(config: Config, scheme: SchemeDoc, adjustments: Adjustment[]): Promise<Record<Subject, ScoreRow[]>> {
  const inputs = await gatherInputs(config, scheme.year);
  const take = { group: scheme.candidates.groups, deputy: scheme.candidates.deputies, unit: scheme.candidates.units };
  const out = {} as Record<Subject, ScoreRow[]>;
  for (const subject of ['group', 'deputy', 'unit'] as const) {
    const rows = inputs[subject].map((x) => ({ id: x.id, name: x.name, county: x.county, township: x.township, ...(x.level ? { level: x.level } : {}), ...score(scheme.indicators[subject], x.inputs) }));
    out[subject] = rankByLevel(rows, adjustments.filter((a) => a.subject === subject), take[subject], scheme.candidates.minScore);
  }
  return out;
}

/** Counties and townships are ranked, and take candidates, each among their own level; other subjects as one list. */
export function rankByLevel(rows: Parameters<typeof rank>[0], adjustments: Adjustment[], take: number, minScore: number): ScoreRow[] {
  const levels = [...new Set(rows.map((r) => r.level))];
  return levels.flatMap((level) => rank(rows.filter((r) => r.level === level), adjustments, take, minScore));
}
