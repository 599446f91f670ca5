/**
 * Loads what the coverage of a place and period is computed from: each part counted by the database. The place
 * (its groups with their members, its townships) is read once and shared by every period computed from it.
 */
import type { Config } from '../config';
import type { RosterGroup } from '../content/roster';
import { plannedByGroup, attendanceByDeputy, ratesInForce, regionsOf, rostersOf, type Scope } from '../activities';
import { type Period } from '../calendar/periods';
import { townshipsReached } from './supervision';
import { suggestionAnswers } from './suggestions-provider';
import { computeFigures, restrict, type CoverageData, type Figure } from './figures';

interface Place {
  scope: Scope;
  groups: RosterGroup[];
  /** Townships with deputy groups (the ones supervision must reach), by county then township. */
  townships: Array<{ county: string; township: string }>;
  counties: string[];
}

/** The place's groups and the townships they are in (from the groups, rather than a second pass over them). */
function placeOf(scope: Scope, groups: RosterGroup[]): Place {
  const seen = new Map<string, { county: string; township: string }>();
  for (const g of groups) if (g.region.township) seen.set(`${g.region.county ?? ''}|${g.region.township}`, { county: g.region.county ?? '', township: g.region.township });
  const townships = [...seen.values()].sort((a, b) => a.county.localeCompare(b.county, 'zh-CN') || a.township.localeCompare(b.township, 'zh-CN'));
  return { scope, groups, townships, counties: [...new Set(townships.map((t) => t.county))] };
}

const loadPlace = async (scope: Scope): Promise<Place> => placeOf(scope, await rostersOf(scope));

/** The period's counts for the place; `answers: false` leaves out 件件有答复 (a chart asks for it part by part). */
async function loadPeriod(config: Config, place: Place, period: Period, answers = true): Promise<CoverageData> {
  const { scope, groups, townships, counties } = place;
  const [attendance, planned, rates, reached, suggestions] = await Promise.all([
    attendanceByDeputy(scope, period),
    plannedByGroup(scope, period),
    ratesInForce(config.activityFunds.defaultRates, period.year),
    townshipsReached(period, counties),
    answers ? suggestionAnswers({ ...scope, counties }, period) : null,
  ]);
  return { scope, period, groups, attendance, planned, townships, reached, rates, suggestions };
}

export async function loadCoverage(config: Config, scope: Scope, period: Period): Promise<CoverageData> {
  return loadPeriod(config, await loadPlace(scope), period);
}

export interface CoverageReport {
  scope: Scope;
  period: { key: string; kind: Period['kind']; label: string; start: Date; end: Date };
  figures: Figure[];
}

export async function coverage(config: Config, scope: Scope, period: Period): Promise<CoverageReport> {
  const data = await loadCoverage(config, scope, period);
  return { scope, period: periodView(period), figures: computeFigures(data) };
}

export function periodView(p: Period) {
  return { key: p.key, kind: p.kind, label: p.label, start: p.start, end: p.end };
}

export interface Chart {
  scope: Scope;
  period: ReturnType<typeof periodView>;
  by: 'region' | 'month';
  labels: string[];
  series: Array<{ key: Figure['key']; label: string; rates: Array<number | null>; numerators: Array<number | null>; denominators: Array<number | null> }>;
}

/** What a chart keeps of a part's figures: the numbers, not the drill-down lists. */
type ChartFigure = Pick<Figure, 'key' | 'label' | 'rate' | 'numerator' | 'denominator'>;
const chartFigures = (figures: Figure[]): ChartFigure[] => figures.map(({ key, label, rate, numerator, denominator }) => ({ key, label, rate, numerator, denominator }));

function toSeries(figureRows: ChartFigure[][]): Chart['series'] {
  return figureRows[0]?.map((f, i) => ({
    key: f.key,
    label: f.label,
    rates: figureRows.map((row) => row[i].rate),
    numerators: figureRows.map((row) => row[i].numerator),
    denominators: figureRows.map((row) => row[i].denominator),
  })) ?? [];
}

/**
 * Rates of each part of the place (the counties of a city, the townships of a county). A city is taken one county
 * at a time, so the process holds one county's rosters and attendance rather than the city's, and keeps only each
 * county's figures; a county is read once and cut into its townships.
 */
export async function chartByRegion(config: Config, scope: Scope, period: Period): Promise<Chart> {
  const level = scope.level === 'city' ? 'county' : 'township';
  const names = (await regionsOf(scope, level)).sort((a, b) => a.localeCompare(b, 'zh-CN'));
  const rows: ChartFigure[][] = [];
  if (level === 'county') {
    // What does not depend on the county, once: the year's fund rates, the townships reached in any of the counties.
    const [rates, reached] = await Promise.all([ratesInForce(config.activityFunds.defaultRates, period.year), townshipsReached(period, names)]);
    for (const name of names) {
      const part: Scope = { level: 'county', name };
      const [groups, attendance, planned, suggestions] = await Promise.all([
        rostersOf(part),
        attendanceByDeputy(part, period),
        plannedByGroup(part, period),
        // 件件有答复 is counted per place by the suggestions module: each part asks for its own (counts only).
        suggestionAnswers({ level, name, counties: [name] }, period, { list: false }),
      ]);
      // A county of the same name in another city is not this city's.
      const place = placeOf(part, groups.filter((g) => g.region.city === scope.name));
      const data: CoverageData = { scope: part, period, groups: place.groups, attendance, planned, townships: place.townships, reached, rates, suggestions: null };
      rows.push(chartFigures(computeFigures({ ...restrict(data, level, name), suggestions })));
    }
  } else {
    const data = await loadPeriod(config, await loadPlace(scope), period, false);
    const answers = await Promise.all(names.map((name) => suggestionAnswers({ level, name, counties: data.townships.filter((t) => t.township === name).map((t) => t.county) }, period, { list: false })));
    names.forEach((name, i) => rows.push(chartFigures(computeFigures({ ...restrict(data, level, name), suggestions: answers[i] }))));
  }
  return { scope, period: periodView(period), by: 'region', labels: names, series: toSeries(rows) };
}

/** Rates of each month of the period: the place read once, each month's counts from the database. */
export async function chartByMonth(config: Config, scope: Scope, period: Period, parse: (key: string) => Period): Promise<Chart> {
  const place = await loadPlace(scope);
  const rows: ChartFigure[][] = [];
  for (const m of period.months) rows.push(chartFigures(computeFigures(await loadPeriod(config, place, parse(m)))));
  return { scope, period: periodView(period), by: 'month', labels: period.months, series: toSeries(rows) };
}
