/**
 * The half-year bulletin (半年一通报) of a whole city in the embedded engine (fresh temporary directory): seeds the
 * city (scripts/seed/city.ts: 10 counties, 9,000 deputies, three years of activities with their roll calls),
 * 30,000 suggestions (scripts/seed/suggestions.ts) and a year of inspection rounds with their problems, then times
 * gathering the bulletin's figures through the same function the job and the API call, and rendering its .docx and
 * PDF, with the peak RSS of each step; beside them, in the same run, plain counts over the same collections.
 *   npm run bench:reports [-- --scale 1 --suggestions 30000 --runs 3] [--db DIR]
 * --scale 0.1 seeds a tenth of the townships (a run of a few minutes); --db DIR keeps the seeded database and reuses it.
 * Targets (issue 16): the bulletin in under 10 s and under 300 MB.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import mongoose, { Types } from 'mongoose';
import { startEmbeddedMongo } from '../../src/embedded-mongo';
import { loadConfig } from '../../src/config';
import { ManualClock } from '../../src/clock';
import { parsePeriod } from '../../src/calendar/periods';
import { SuggestionTally, suggestionTallies } from '../../src/suggestions/tallies';
import { AggregateMark } from '../../src/aggregates/marks';
import { Attendance, Activity } from '../../src/activities/models';
import { Suggestion } from '../../src/suggestions/models';
import { InspectionRound, Problem } from '../../src/supervision/models';
import { ensureDefaultCategories } from '../../src/supervision/categories';
import { gatherReport } from '../../src/supervision/reports/data';
import { renderCharts } from '../../src/supervision/reports/charts';
import { reportDocx } from '../../src/supervision/reports/docx';
import { reportPdf } from '../../src/supervision/reports/pdf';
import { officialDocument } from '../../src/supervision/reports/layout';
import { CITY, COUNTIES, YEARS, seedCity } from '../seed/city';
import { seedSuggestions } from '../seed/suggestions';
import { rng } from './articles';

const { values } = parseArgs({ options: { scale: { type: 'string', default: '1' }, suggestions: { type: 'string', default: '30000' }, runs: { type: 'string', default: '3' }, db: { type: 'string' } } });
const SCALE = Number(values.scale);
const RUNS = Number(values.runs);
const YEAR = YEARS[1];
const PERIOD = `${YEAR}-H1`;
const MB = 1024 * 1024;

/** p50 and max of `RUNS` timed runs after one warm-up, and the highest RSS seen while they ran (sampled every 20 ms). */
async function measure<T>(fn: () => Promise<T>): Promise<{ p50: number; max: number; peakMb: number; result: T }> {
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  try {
    let result = await fn();
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = process.hrtime.bigint();
      result = await fn();
      times.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    times.sort((a, b) => a - b);
    return { p50: times[Math.floor(times.length / 2)], max: times[times.length - 1], peakMb: Math.max(peak, process.memoryUsage().rss) / MB, result };
  } finally {
    clearInterval(sampler);
  }
}

/** Two inspection rounds per county each quarter of the year, each with a few problems in various states. */
async function seedInspections(): Promise<number> {
  const r = rng(11);
  const actor = new Types.ObjectId();
  const committeeId = new Types.ObjectId();
  const townships = await Activity.distinct('region.township');
  const categories = ['thinking', 'venue', 'grouping', 'formality', 'supervision', 'data'];
  const rounds = [];
  const problems = [];
  for (const county of COUNTIES) {
    const own = townships.filter((t: string) => t.startsWith(county.slice(0, 2)));
    for (let q = 0; q < 4; q++) {
      for (let k = 0; k < 2; k++) {
        const date = new Date(Date.UTC(YEAR, q * 3 + k, 10, 2));
        const _id = new Types.ObjectId();
        rounds.push({ _id, kind: 'inspection', period: `${YEAR}-Q${q + 1}`, committeeId, committeeName: '代表工作委员会', county, date, townships: own.slice(0, 3), note: '', createdBy: actor, createdAt: date, updatedAt: date, version: 1 });
        for (let p = 0; p < 4; p++) {
          const deadline = new Date(date.getTime() + 30 * 86_400_000);
          const roll = r();
          const state = roll < 0.6 ? 'rectified' : roll < 0.8 ? 'rectifying' : 'immediate';
          const rectifiedAt = state === 'rectified' ? new Date(date.getTime() + Math.floor(r() * 50) * 86_400_000) : null;
          problems.push({ roundId: _id, categoryId: categories[Math.floor(r() * categories.length)], county, township: own[p % Math.max(1, own.length)] ?? null, groupId: null, groupName: null, description: '问题', deadline, state, foundAt: date, rectifiedAt, evidence: [], revisits: [], history: [], createdAt: date, updatedAt: date, version: 1 });
        }
      }
    }
  }
  await InspectionRound.collection.insertMany(rounds as never[]);
  await Problem.collection.insertMany(problems as never[]);
  await Promise.all([InspectionRound.createIndexes(), Problem.createIndexes()]);
  return problems.length;
}

async function main(): Promise<void> {
  const kept = values.db ? path.resolve(values.db) : null;
  if (kept) mkdirSync(kept, { recursive: true });
  const dir = kept ?? mkdtempSync(path.join(tmpdir(), 'bench-reports-'));
  const engine = await startEmbeddedMongo({ dbPath: dir });
  try {
    await mongoose.connect(`${engine.uri.replace(/\/?$/, '/')}bench_reports`, { autoIndex: false });
    if (kept && (await Attendance.estimatedDocumentCount())) {
      console.log(`reusing the city seeded in ${kept}\n`);
    } else {
      console.log(`seeding the city at scale ${SCALE}…`);
      const city = await seedCity(SCALE, (line) => console.log(line));
      const t0 = Date.now();
      await seedSuggestions({ count: Number(values.suggestions), counties: COUNTIES, departmentsPerCounty: 40, from: new Date(Date.UTC(YEARS[0], 0, 1)), to: new Date(Date.UTC(YEARS[2], 11, 31)) });
      await Suggestion.createIndexes();
      const problems = await seedInspections();
      console.log(
        `seeded ${city.groups} groups, ${city.deputies.toLocaleString()} deputies, ${city.activities.toLocaleString()} activities, ${city.attendance.toLocaleString()} attendance rows ` +
          `in ${city.seconds.toFixed(1)} s; ${Number(values.suggestions).toLocaleString()} suggestions and ${problems} problems in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`,
      );
    }
    // The suggestion rates are read from maintained tallies: built once after the bulk load, as the service would.
    await Promise.all([SuggestionTally.init(), AggregateMark.init()]);
    await suggestionTallies.ensureBuilt();
    await ensureDefaultCategories();
    const config = loadConfig({ NODE_ENV: 'development', LOG_LEVEL: 'silent' });
    const period = parsePeriod(PERIOD)!;
    const clock = new ManualClock(new Date(Date.UTC(YEAR, 6, 2, 2)));
    const inPeriod = { $gte: period.start, $lt: period.end };

    const baseline = await measure(async () => {
      const [a, s, p] = await Promise.all([Attendance.countDocuments({ date: inPeriod }), Suggestion.countDocuments({ registeredAt: inPeriod }), Problem.countDocuments({ foundAt: inPeriod })]);
      return a + s + p;
    });
    const gather = await measure(() => gatherReport(config, clock, 'half', period));
    const data = gather.result;
    const charts = await measure(() => renderCharts(data));
    const meta = { issuer: `${CITY}人大常委会`, docNumber: `督导通报〔${YEAR}〕1号`, date: clock.now(), draft: false };
    const docx = await measure(async () => reportDocx(data, charts.result, meta));
    const pdf = await measure(async () => reportPdf(config, officialDocument(data, meta), charts.result, data.city, meta.date));

    const rows = [
      ['plain counts of the period\'s attendance, suggestions, problems (baseline)', baseline],
      ['gather the half-year bulletin (every figure of the report)', gather],
      ['render its three charts (ECharts SVG → sharp PNG)', charts],
      ['render the .docx', docx],
      ['render the PDF', pdf],
    ] as const;
    const header = ['step', 'p50 ms', 'max ms', 'peak RSS MB'];
    const cells = rows.map(([label, m]) => [label, m.p50.toFixed(0), m.max.toFixed(0), m.peakMb.toFixed(0)]);
    const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
    const line = (c: string[]) => c.map((x, i) => x.padEnd(widths[i])).join(' | ');
    console.log(line(header));
    console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
    for (const c of cells) console.log(line(c));
    console.log(`\n${PERIOD}: ${data.counties.length} counties, ${data.activitiesHeld.toLocaleString()} activities held, ${data.suggestions.totals.counts.registered.toLocaleString()} suggestions, ${data.problems.totals.found} problems; baseline rows counted: ${baseline.result.toLocaleString()}`);
    console.log(`bulletin end to end (gather + charts + PDF), p50: ${(gather.p50 + charts.p50 + pdf.p50).toFixed(0)} ms; targets: < 10,000 ms and < 300 MB`);
    console.log(`${RUNS} runs per step after one warm-up; RSS is this process's, the embedded engine's cache included (it runs on the same thread here). Load average at the end: ${loadavg().map((l) => l.toFixed(2)).join(', ')} on ${cpus().length} cores`);
  } finally {
    await mongoose.disconnect();
    await engine.stop();
    if (!kept) rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
