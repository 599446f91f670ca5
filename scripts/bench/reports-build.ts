/**
 * The measured side of bench:reports: a process that builds the half-year bulletin against an engine in another
 * process, over the wire, as the service does. For each stage it prints the p50 and max time of `--runs` runs after
 * one warm-up, and this process's peak RSS during the stage (VmHWM, reset before the stage through
 * /proc/self/clear_refs; where that is refused, the peak since start). Stages: the same-run baseline (plain counts of
 * the period's attendance, suggestions and problems), each part of the gathering on its own, the whole gathering
 * (what the job and the API call), the charts, the .docx and the PDF, and the bulletin end to end.
 * Run by scripts/bench/reports.ts, compiled as production runs (scripts/bench/compiled.ts: dist/bench/reports-build.js)
 * or under tsx: reports-build --uri URI --db-name NAME --city 云岭市 --counties A,B,… --year 2028 [--runs 3]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import mongoose from 'mongoose';
import { loadConfig } from '../../src/config';
import { ManualClock } from '../../src/clock';
import { parsePeriod } from '../../src/calendar/periods';
import { Attendance } from '../../src/activities/models';
import { Suggestion } from '../../src/suggestions/models';
import { Problem } from '../../src/supervision/models';
import { chartByRegion, registerSuggestionAnswerProvider, registerTownshipsReachedProvider } from '../../src/coverage';
import { heldActivitiesByMonth } from '../../src/activities';
import { computeRates, ratePeriod, suggestionAnswerFigures } from '../../src/suggestions';
import { townshipsInspected } from '../../src/supervision/rounds';
import { problemFigures } from '../../src/supervision/figures';
import { monthlyPublicity } from '../../src/publishing';
import { gatherReport } from '../../src/supervision/reports/data';
import { renderCharts } from '../../src/supervision/reports/charts';
import { reportDocx } from '../../src/supervision/reports/docx';
import { reportPdf } from '../../src/supervision/reports/pdf';
import { officialDocument } from '../../src/supervision/reports/layout';

const { values } = parseArgs({
  options: { uri: { type: 'string' }, 'db-name': { type: 'string', default: 'bench_reports' }, runs: { type: 'string', default: '3' }, city: { type: 'string' }, counties: { type: 'string' }, year: { type: 'string' } },
});
const RUNS = Number(values.runs);
const CITY = values.city ?? '';
const COUNTIES = (values.counties ?? '').split(',').filter(Boolean);
const YEAR = Number(values.year);
const PERIOD = `${YEAR}-H1`;

const status = () => readFileSync('/proc/self/status', 'utf8');
const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status())?.[1] ?? NaN);
let canReset = true;
/** Starts a new peak: the kernel sets VmHWM to the present RSS. */
function resetPeak(): void {
  if (!canReset) return;
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    canReset = false;
  }
}

interface Measured<T> {
  p50: number;
  max: number;
  peakMb: number;
  result: T;
}
/** Times `fn`; the peak is over the stage only when `fresh` (after a full GC, run with --expose-gc), else since start. */
async function measure<T>(fn: () => Promise<T>, fresh = true): Promise<Measured<T>> {
  if (fresh) {
    (globalThis as { gc?: () => void }).gc?.();
    resetPeak();
  }
  let result = await fn(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = process.hrtime.bigint();
    result = await fn();
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(times.length / 2)], max: times[times.length - 1], peakMb: kb('VmHWM') / 1024, result };
}

async function main(): Promise<void> {
  if (!values.uri || !CITY || !COUNTIES.length || !YEAR) throw new Error('--uri, --city, --counties and --year are required');
  const loaded = kb('VmRSS') / 1024;
  await mongoose.connect(`${values.uri.replace(/\/?$/, '/')}${values['db-name']}`, { autoIndex: false });
  const config = loadConfig({ NODE_ENV: 'development', LOG_LEVEL: 'silent' });
  // As the suggestions and supervision modules do at start: 件件有答复 and the townships inspection rounds reached.
  registerSuggestionAnswerProvider(suggestionAnswerFigures);
  registerTownshipsReachedProvider(townshipsInspected);
  const period = parsePeriod(PERIOD)!;
  const clock = new ManualClock(new Date(Date.UTC(YEAR, 6, 2, 2)));
  const asOf = period.end;
  const inPeriod = { $gte: period.start, $lt: period.end };
  const scope = { level: 'city' as const, name: CITY };
  const connected = kb('VmRSS') / 1024;

  const rows: Array<[string, Measured<unknown>]> = [];
  const step = async <T>(label: string, fn: () => Promise<T>, fresh = true): Promise<Measured<T>> => {
    const m = await measure(fn, fresh);
    rows.push([label, m]);
    return m;
  };
  // Attendance is counted county by county, on its (county, date) index: one count of the whole city by date is a
  // scan of every row that keeps the engine busy for a minute and more (long enough for the driver to give up on it).
  const baseline = await step('baseline: plain counts of the period\'s attendance (per county), suggestions, problems', async () => {
    const [a, s, p] = await Promise.all([
      Promise.all(COUNTIES.map((county) => Attendance.countDocuments({ county, date: inPeriod }))).then((n) => n.reduce((x, y) => x + y, 0)),
      Suggestion.countDocuments({ registeredAt: inPeriod }),
      Problem.countDocuments({ foundAt: inPeriod }),
    ]);
    return a + s + p;
  }, false);
  const meta = { issuer: `${CITY}人大常委会`, docNumber: `督导通报〔${YEAR}〕1号`, date: clock.now(), draft: false };
  // First, in the fresh process: its peak is what building a bulletin costs a process that does nothing else.
  const whole = await step('the bulletin end to end (gather, charts, .docx and PDF); peak since the process started', async () => {
    const d = await gatherReport(config, clock, 'half', period);
    const c = await renderCharts(d);
    const m = officialDocument(d, meta);
    // One after the other, as the service makes them (one request each).
    return [await reportDocx(m, c, d.city), await reportPdf(config, m, c, d.city, meta.date)];
  }, false);
  // The gathering's parts one by one (what gatherReport runs, partly at once), to see where time and memory go.
  await step('  part: five coverages per county (chartByRegion)', () => chartByRegion(config, scope, period));
  await step('  part: held activities per county and month (one pass)', () => heldActivitiesByMonth(scope, period, 'county'));
  await step('  part: suggestion rates per county (tallies)', () => computeRates({ period: ratePeriod(period.key), by: 'county' }, asOf));
  await step('  part: problems of the period', () => problemFigures(period, asOf));
  await step('  part: publicity of the six months', () => Promise.all(period.months.map((m) => monthlyPublicity(clock, m))));
  await step('  part: the monthly suggestion rates (× 6)', async () => {
    for (const m of period.months) await computeRates({ period: ratePeriod(m) }, asOf);
  });
  const gather = await step('gather the half-year bulletin (every figure, as the job and the API do)', () => gatherReport(config, clock, 'half', period));
  const data = gather.result;
  const charts = await step('render its three charts (ECharts SVG → sharp PNG)', () => renderCharts(data));
  const docx = await step('render the .docx', () => reportDocx(officialDocument(data, meta), charts.result, data.city));
  const pdf = await step('render the PDF', () => reportPdf(config, officialDocument(data, meta), charts.result, data.city, meta.date));

  const header = ['stage (build process, engine in its own process)', 'p50 ms', 'max ms', 'peak RSS MB'];
  const cells = rows.map(([label, m]) => [label, m.p50.toFixed(0), m.max.toFixed(0), m.peakMb.toFixed(0)]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((x, i) => (i ? x.padStart(widths[i]) : x.padEnd(widths[i]))).join(' | ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const c of cells) console.log(line(c));
  console.log(
    `\n${PERIOD}: ${data.counties.length} counties, ${data.activitiesHeld.toLocaleString()} activities held, ${data.suggestions.totals.counts.registered.toLocaleString()} suggestions, ` +
      `${data.problems.totals.found} problems; baseline rows counted: ${baseline.result.toLocaleString()}; .docx ${(docx.result.length / 1024).toFixed(0)} KB, PDF ${(pdf.result.length / 1024).toFixed(0)} KB`,
  );
  const peak = Math.max(...rows.map(([, m]) => m.peakMb));
  console.log(`bulletin end to end p50 ${whole.p50.toFixed(0)} ms, this process's peak RSS ${whole.peakMb.toFixed(0)} MB (since it started)${canReset ? '; each later stage\'s peak is its own, after a full GC' : '; VmHWM could not be reset: every figure is the peak since start'}`);
  console.log(
    `build process RSS before any work ${connected.toFixed(0)} MB (with the app's modules ${loaded.toFixed(0)} MB, then connected), ` +
      `peak over the whole run ${peak.toFixed(0)} MB (+${(peak - connected).toFixed(0)} MB for the work); ${RUNS} runs per stage after one warm-up`,
  );
  console.log(`targets: the bulletin < 10,000 ms, the process < 300 MB`);
  await mongoose.disconnect();
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
