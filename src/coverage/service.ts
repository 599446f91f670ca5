/**
 * Loads what the coverage of a place and period is computed from: each part counted by the database. The place
 * (its groups with their members, its townships) is read once and shared by every period computed from it.
 */
import type { Config } from '../config';
import type { RosterGroup } from '../content/roster';
import { plannedByGroup, attendanceByDeputy, ratesInForce, rostersOf, type Scope } from '../activities';
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

async function loadPlace(scope: Scope): Promise<Place> {
  const groups = await rostersOf(scope);
  // The townships come from the groups just read, rather than from a second pass over the same groups.
  const seen = new Map<string, { county: string; township: string }>();
  for (const g of groups) if (g.region.township) seen.set(`${g.region.county ?? ''}|${g.region.township}`, { county: g.region.county ?? '', township: g.region.township });
  const townships = [...seen.values()].sort((a, b) => a.county.localeCompare(b.county, 'zh-CN') || a.township.localeCompare(b.township, 'zh-CN'));
  return { scope, groups, townships, counties: [...new Set(townships.map((t) => t.county))] };
}

async function loadPeriod(config: Config, place: Place, period: Period): Promise<CoverageData> {
  const { scope, groups, townships, counties } = place;
  const [attendance, planned, rates, reached, suggestions] = await Promise.all([
    attendanceByDeputy(scope, period),
    plannedByGroup(scope, period),
    ratesInForce(config.activityFunds.defaultRates, period.year),
    townshipsReached(period, counties),
    suggestionAnswers({ ...scope, counties }, period),
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

function toSeries(figureRows: Figure[][]): Chart['series'] {
  return figureRows[0]?.map((f, i) => ({
    key: f.key,
    label: f.label,
    rates: figureRows.map((row) => row[i].rate),
    numerators: figureRows.map((row) => row[i].numerator),
    denominators: figureRows.map((row) => row[i].denominator),
  })) ?? [];
}

/** Rates of each part of the place (counties of a city, townships of a county), from one load. */
export async function chartByRegion(config: Config, scope: Scope, period: Period): Promise<Chart> {
  const data = await loadCoverage(config, scope, period);
  const level = scope.level === 'city' ? 'county' : 'township';
  const names = [...new Set(data.groups.map((g) => g.region[level]).filter((n): n is string => !!n))].sort((a, b) => a.localeCompare(b, 'zh-CN'));
  // Answers are counted per place by the suggestions module: each part asks for its own.
  const answers = await Promise.all(
    names.map((n) => suggestionAnswers({ level, name: n, counties: level === 'county' ? [n] : data.townships.filter((t) => t.township === n).map((t) => t.county) }, period)),
  );
  const rows = names.map((n, i) => computeFigures({ ...restrict(data, level, n), suggestions: answers[i] }));
  return { scope, period: periodView(period), by: 'region', labels: names, series: toSeries(rows) };
}

/** Rates of each month of the period: the place read once, each month's counts from the database. */
export async function chartByMonth(config: Config, scope: Scope, period: Period, parse: (key: string) => Period): Promise<Chart> {
  const place = await loadPlace(scope);
  const rows: Figure[][] = [];
  for (const m of period.months) rows.push(computeFigures(await loadPeriod(config, place, parse(m))));
  return { scope, period: periodView(period), by: 'month', labels: period.months, series: toSeries(rows) };
}
