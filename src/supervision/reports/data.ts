/**
 * What a periodic report says, gathered from the other modules' query functions and the supervision records of
 * the period; nothing in it is typed by a person. Stored with the report as a snapshot, so an issued document
 * never changes when the records do.
 *   counties: the five coverages per county (city = the sums: counties partition the groups), held activities,
 *             suggestion rates and problems; ranked by the mean of their measured coverage rates.
 *   trend:    the suggestion rates and held activities of each month of the period.
 *   publicity: the month's (or months') publicity summary from the publishing module, and the media coverage of the
 *             month(s) from the partners module (column issues of newspapers and TV stations that ran our items).
 */
import type { Config } from '../../config';
import type { Clock } from '../../clock';
import { chartByRegion, FIGURES, FIGURE_LABELS, type FigureKey } from '../../coverage';
import { heldActivitiesByMonth } from '../../activities';
import { parsePeriod, type Period } from '../../calendar/periods';
import { computeRates, ratePeriod, type RateRow } from '../../suggestions';
import { monthlyPublicity } from '../../publishing';
import { mediaCoverage } from '../../partners';
import { citiesWithGroups } from '../../content/roster';
import { problemFigures, type ProblemFigures } from '../figures';
import { type ReportKind, reportTitle } from './kinds';

export interface CoverageCell {
  key: FigureKey;
  label: string;
  numerator: number | null;
  denominator: number | null;
  rate: number | null;
}

export interface CountyRow {
  county: string;
  rank: number;
  /** Mean of the measured coverage rates, 0–100, two decimals. */
  score: number | null;
  coverage: CoverageCell[];
  activitiesHeld: number;
  suggestions: { registered: number; closureRate: number | null; satisfactionRate: number | null; onTimeRate: number | null };
  problems: { found: number; rectified: number; open: number; overdue: number };
}

export interface MediaFigures {
  /** Column issues (a newspaper page, a TV broadcast) that ran our items. */
  runs: number;
  /** Items placed, an item in two partners' columns counted twice. */
  placements: number;
  byPartner: Array<{ name: string; kindLabel: string; runs: number; placements: number }>;
}

export interface PublicityFigures {
  months: Array<{ month: string; itemsPublished: number; smsReached: number; wechatPublished: number; wechatBroadcasts: number; pageViews: number; followersGained: number | null; media?: MediaFigures }>;
  totals: { itemsPublished: number; smsReached: number; wechatPublished: number; wechatBroadcasts: number; pageViews: number; followersGained: number | null };
  /** Media coverage of the period (absent from reports made before it was counted). */
  media?: MediaFigures;
}

export interface ReportData {
  kind: ReportKind;
  title: string;
  city: string;
  period: { key: string; label: string; start: Date; end: Date };
  /** Judged as of this instant: the period's end once it is over, else the moment of generation. */
  asOf: Date;
  coverage: CoverageCell[];
  counties: CountyRow[];
  activitiesHeld: number;
  suggestions: { totals: RateRow; byCounty: RateRow[] };
  trend: Array<{ month: string; activitiesHeld: number; closureRate: number | null; satisfactionRate: number | null; onTimeRate: number | null }>;
  problems: ProblemFigures;
  publicity: PublicityFigures;
}

const ratio = (n: number, d: number) => (d ? Math.round((n / d) * 10_000) / 10_000 : null);

function sumCells(rows: CoverageCell[][]): CoverageCell[] {
  return FIGURES.map((key, i) => {
    const measured = rows.filter((r) => r[i].numerator !== null && r[i].denominator !== null);
    if (!measured.length) return { key, label: FIGURE_LABELS[key], numerator: null, denominator: null, rate: null };
    const n = measured.reduce((s, r) => s + r[i].numerator!, 0);
    const d = measured.reduce((s, r) => s + r[i].denominator!, 0);
    return { key, label: FIGURE_LABELS[key], numerator: n, denominator: d, rate: ratio(n, d) };
  });
}

async function publicityOf(clock: Clock, months: string[]): Promise<PublicityFigures> {
  const rows: PublicityFigures['months'] = [];
  for (const month of months) {
    const [m, coverage] = await Promise.all([monthlyPublicity(clock, month), mediaCoverage(month)]);
    const sms = m.reach.sms ?? {};
    rows.push({
      month,
      itemsPublished: m.itemsPublished.total ?? 0,
      smsReached: (sms.sent ?? 0) + (sms.delivered ?? 0),
      wechatPublished: m.reach.wechat?.published ?? 0,
      wechatBroadcasts: m.reach.wechat?.broadcasts ?? 0,
      pageViews: m.pageViews?.thisMonth ?? 0,
      followersGained: m.reach.followers?.gained ?? null,
      media: { runs: coverage.runs, placements: coverage.placements, byPartner: coverage.byPartner.map((p) => ({ name: p.name, kindLabel: p.kindLabel, runs: p.runs, placements: p.placements })) },
    });
  }
  const partners = new Map<string, MediaFigures['byPartner'][number]>();
  for (const p of rows.flatMap((r) => r.media!.byPartner)) {
    const row = partners.get(p.name) ?? partners.set(p.name, { ...p, runs: 0, placements: 0 }).get(p.name)!;
    row.runs += p.runs;
    row.placements += p.placements;
  }
  const sum = (k: 'itemsPublished' | 'smsReached' | 'wechatPublished' | 'wechatBroadcasts' | 'pageViews') => rows.reduce((s, r) => s + r[k], 0);
  const gained = rows.filter((r) => r.followersGained !== null);
  return {
    months: rows,
    totals: {
      itemsPublished: sum('itemsPublished'),
      smsReached: sum('smsReached'),
      wechatPublished: sum('wechatPublished'),
      wechatBroadcasts: sum('wechatBroadcasts'),
      pageViews: sum('pageViews'),
      followersGained: gained.length ? gained.reduce((s, r) => s + r.followersGained!, 0) : null,
    },
    media: {
      runs: rows.reduce((s, r) => s + r.media!.runs, 0),
      placements: rows.reduce((s, r) => s + r.media!.placements, 0),
      byPartner: [...partners.values()].sort((a, b) => b.placements - a.placements || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    },
  };
}

export async function gatherReport(config: Config, clock: Clock, kind: ReportKind, period: Period): Promise<ReportData> {
  const now = clock.now();
  const asOf = period.end.getTime() <= now.getTime() ? period.end : now;
  const [city] = await citiesWithGroups();
  const cityName = city ?? '全市';
  const scope = { level: 'city' as const, name: cityName };
  const [chart, heldByMonth, rates, problems, publicity] = await Promise.all([
    city ? chartByRegion(config, scope, period) : Promise.resolve({ labels: [] as string[], series: [] }),
    city ? heldActivitiesByMonth(scope, period, 'county') : Promise.resolve(new Map<string, Map<string, number>>()),
    computeRates({ period: ratePeriod(period.key), by: 'county' }, asOf),
    problemFigures(period, asOf),
    publicityOf(clock, period.months.filter((m) => parsePeriod(m)!.start.getTime() <= now.getTime())),
  ]);
  // The period's held activities per county are the sums of its months'.
  const held = new Map<string, number>();
  for (const month of heldByMonth.values()) for (const [county, n] of month) held.set(county, (held.get(county) ?? 0) + n);
  const trend = [];
  for (const m of period.months) {
    if (parsePeriod(m)!.start.getTime() > now.getTime()) break;
    const r = await computeRates({ period: ratePeriod(m) }, asOf);
    const h = heldByMonth.get(m) ?? new Map<string, number>();
    trend.push({ month: m, activitiesHeld: [...h.values()].reduce((s, n) => s + n, 0), closureRate: r.totals.rates.closureRate, satisfactionRate: r.totals.rates.satisfactionRate, onTimeRate: r.totals.rates.onTimeRate });
  }
  const cellsOf = (i: number): CoverageCell[] =>
    FIGURES.map((key) => {
      const s = chart.series.find((x) => x.key === key);
      return { key, label: FIGURE_LABELS[key], numerator: s?.numerators[i] ?? null, denominator: s?.denominators[i] ?? null, rate: s?.rates[i] ?? null };
    });
  const rateOf = new Map(rates.groups.map((g) => [g.key, g]));
  const problemOf = new Map(problems.byCounty.map((p) => [p.county, p]));
  const rows: CountyRow[] = chart.labels.map((county, i) => {
    const coverage = cellsOf(i);
    const measured = coverage.filter((c) => c.rate !== null);
    const r = rateOf.get(county);
    const p = problemOf.get(county);
    return {
      county,
      rank: 0,
      score: measured.length ? Math.round((measured.reduce((s, c) => s + c.rate!, 0) / measured.length) * 10_000) / 100 : null,
      coverage,
      activitiesHeld: held.get(county) ?? 0,
      suggestions: { registered: r?.counts.registered ?? 0, closureRate: r?.rates.closureRate ?? null, satisfactionRate: r?.rates.satisfactionRate ?? null, onTimeRate: r?.rates.onTimeRate ?? null },
      problems: { found: p?.found ?? 0, rectified: p?.rectified ?? 0, open: p?.open ?? 0, overdue: p?.overdue ?? 0 },
    };
  });
  // Ranked by score, then by fewer open problems, then by name in code-point order (the same on every machine).
  rows.sort((a, b) => (b.score ?? -1) - (a.score ?? -1) || a.problems.open - b.problems.open || (a.county < b.county ? -1 : a.county > b.county ? 1 : 0));
  rows.forEach((r, i) => (r.rank = i + 1));
  return {
    kind,
    title: reportTitle(kind, cityName, period),
    city: cityName,
    period: { key: period.key, label: period.label, start: period.start, end: period.end },
    asOf,
    coverage: sumCells(rows.map((r) => r.coverage)),
    counties: rows,
    activitiesHeld: [...held.values()].reduce((s, n) => s + n, 0),
    suggestions: { totals: rates.totals, byCounty: rates.groups },
    trend,
    problems,
    publicity,
  };
}
