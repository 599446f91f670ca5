/** Loads what the coverage of a place and period is computed from: each part counted by the database. */
import type { Config } from '../config';
import { groupRosters, townshipsWithGroups } from '../content/roster';
import { plannedByGroup, attendanceByDeputy, ratesInForce, type Period, type Scope } from '../activities';
import { townshipsReached } from './supervision';
import { suggestionAnswers } from './suggestions-provider';
import { computeFigures, restrict, type CoverageData, type Figure } from './figures';

export async function loadCoverage(config: Config, scope: Scope, period: Period): Promise<CoverageData> {
  const [groups, attendance, planned, townships, rates, suggestions] = await Promise.all([
    groupRosters({ region: scope }),
    attendanceByDeputy(scope, period),
    plannedByGroup(scope, period),
    townshipsWithGroups(scope),
    ratesInForce(config.activityFunds.defaultRates, period.year),
    suggestionAnswers(scope, period),
  ]);
  const reached = await townshipsReached(period, [...new Set(townships.map((t) => t.county))]);
  return { scope, period, groups, attendance, planned, townships, reached, rates, suggestions };
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
  const rows = names.map((n) => computeFigures(restrict(data, level, n)));
  return { scope, period: periodView(period), by: 'region', labels: names, series: toSeries(rows) };
}

/** Rates of each month of the period. */
export async function chartByMonth(config: Config, scope: Scope, period: Period, parse: (key: string) => Period): Promise<Chart> {
  const rows: Figure[][] = [];
  for (const m of period.months) rows.push(computeFigures(await loadCoverage(config, scope, parse(m))));
  return { scope, period: periodView(period), by: 'month', labels: period.months, series: toSeries(rows) };
}
