/**
 * Suggestion figures on the embedded engine (fresh temporary directory): 30,000 suggestions over three years across
 * 10 counties and 400 departments. Prints p50/p99 of the year's rates for the whole city (in total, by county, by
 * department) and of a department's open items with filters (what GET /api/admin/suggestions runs for a department
 * user), next to a plain count of the same collection and a plain first page measured in the same run.
 *   npm run bench:suggestions [-- --count 30000 --runs 20] [--db DIR]
 * --db DIR keeps the loaded database in DIR and reuses it on the next run.
 * The rates are read from the maintained tallies (built after the load, timed); the same rates computed by one
 * aggregation over the suggestions (what they were before the tallies) are measured beside them.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import mongoose, { Types } from 'mongoose';
import { Department, Suggestion } from '../../src/suggestions/models';
import { startEmbeddedMongo } from '../../src/embedded-mongo';
import { computeRates, computeRatesFromRecords } from '../../src/suggestions/rates';
import { SuggestionTally, suggestionTallies } from '../../src/suggestions/tallies';
import { AggregateMark } from '../../src/aggregates/marks';
import { parsePeriod } from '../../src/suggestions/periods';
import { listSuggestions } from '../../src/suggestions/service';
import type { Actor } from '../../src/suggestions/context';
import { seedSuggestions } from '../seed/suggestions';

const { values } = parseArgs({ options: { count: { type: 'string', default: '30000' }, runs: { type: 'string', default: '20' }, db: { type: 'string' } } });
const COUNT = Number(values.count);
const RUNS = Number(values.runs);
const COUNTIES = 10;
const DEPARTMENTS_PER_COUNTY = 40;
const FIRST_YEAR = 2025;
const NOW = new Date(Date.UTC(FIRST_YEAR + 3, 0, 15, 2));

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function measure(run: () => Promise<unknown>): Promise<string> {
  await run(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = process.hrtime.bigint();
    await run();
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  return `${percentile(times, 50).toFixed(1)} / ${percentile(times, 99).toFixed(1)}`;
}

/** 30,000 suggestions (by default) over three years, 10 counties, 40 departments each. */
async function load(): Promise<void> {
  const t0 = Date.now();
  const counties = Array.from({ length: COUNTIES }, (_, i) => `县${i + 1}`);
  const { departments } = await seedSuggestions({ count: COUNT, counties, departmentsPerCounty: DEPARTMENTS_PER_COUNTY, from: new Date(Date.UTC(FIRST_YEAR, 0, 1)), to: NOW });
  console.log(`loaded ${COUNT.toLocaleString()} suggestions, ${departments} departments in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
}

async function main(): Promise<void> {
  const kept = values.db ? path.resolve(values.db) : null;
  if (kept) mkdirSync(kept, { recursive: true });
  const dir = kept ?? mkdtempSync(path.join(tmpdir(), 'bench-suggestions-'));
  const engine = await startEmbeddedMongo({ dbPath: dir });
  try {
    await mongoose.connect(`${engine.uri.replace(/\/?$/, '/')}bench_suggestions`);
    await Promise.all([Suggestion.init(), Department.init()]);
    if (kept && (await Suggestion.estimatedDocumentCount())) console.log(`reusing the ${(await Suggestion.estimatedDocumentCount()).toLocaleString()} suggestions kept in ${kept}\n`);
    else await load();
    await Promise.all([SuggestionTally.init(), AggregateMark.init()]);
    const started = Date.now();
    if (await suggestionTallies.ensureBuilt()) {
      console.log(`built the rates' tallies (${(await SuggestionTally.estimatedDocumentCount()).toLocaleString()} cells) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    }
    const same = JSON.stringify(await computeRates({ period: parsePeriod(String(FIRST_YEAR + 1)), by: 'department' }, NOW)) === JSON.stringify(await computeRatesFromRecords({ period: parsePeriod(String(FIRST_YEAR + 1)), by: 'department' }, NOW));
    if (!same) throw new Error('the tallies disagree with the aggregation over the suggestions');
    const year = parsePeriod(String(FIRST_YEAR + 1));
    const busiest = (await Suggestion.aggregate<{ _id: Types.ObjectId }>([{ $match: { status: 'assigned' } }, { $sortByCount: '$leadDepartmentId' }, { $limit: 1 }]))[0]._id;
    const deptUser: Actor = { id: String(new Types.ObjectId()), displayName: 'bench', role: 'department', departmentId: String(busiest) };
    const page = { page: 1, pageSize: 20 };
    const rows: [string, string][] = [
      ['baseline: countDocuments() of the collection', await measure(() => Suggestion.countDocuments({}))],
      ['baseline: first 20 of the collection, no filter', await measure(() => Suggestion.find({}).limit(20).lean())],
      [`rates, whole city, year ${FIRST_YEAR + 1}`, await measure(() => computeRates({ period: year }, NOW))],
      [`rates, year ${FIRST_YEAR + 1}, by county`, await measure(() => computeRates({ period: year, by: 'county' }, NOW))],
      [`rates, year ${FIRST_YEAR + 1}, by department`, await measure(() => computeRates({ period: year, by: 'department' }, NOW))],
      [`baseline: rates, whole city, year ${FIRST_YEAR + 1}, by aggregation over the suggestions`, await measure(() => computeRatesFromRecords({ period: year }, NOW))],
      [`baseline: rates, year ${FIRST_YEAR + 1}, by department, by aggregation`, await measure(() => computeRatesFromRecords({ period: year, by: 'department' }, NOW))],
      [`rates, month ${FIRST_YEAR + 1}-03, county 县3, by township`, await measure(() => computeRates({ period: parsePeriod(`${FIRST_YEAR + 1}-03`), county: '县3', by: 'township' }, NOW))],
      ["department's open items (status=assigned)", await measure(() => listSuggestions({ ...page, status: 'assigned' }, deptUser, NOW))],
      ["department's open items, category filter", await measure(() => listSuggestions({ ...page, status: 'assigned', category: '基础设施' }, deptUser, NOW))],
      ["department's overdue items", await measure(() => listSuggestions({ ...page, overdue: true }, deptUser, NOW))],
    ];
    const w = Math.max(...rows.map(([l]) => l.length));
    console.log(`${'query'.padEnd(w)} | p50 / p99 ms`);
    for (const [label, figure] of rows) console.log(`${label.padEnd(w)} | ${figure}`);
    console.log(`load average (1, 5, 15 min) at the end: ${loadavg().map((l) => l.toFixed(2)).join(', ')} on ${cpus().length} cores`);
    console.log(`\n${RUNS} runs per row after one warm-up; read the rows against the two baselines.`);
  } finally {
    await mongoose.disconnect();
    await engine.stop();
    if (!kept) rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
