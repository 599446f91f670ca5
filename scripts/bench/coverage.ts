/**
 * Coverage (五个全覆盖) on a whole city in the embedded engine (fresh temporary directory): seeds the city
 * (scripts/seed/city.ts), then times the coverage of the city and of one county for a year and a quarter, through
 * the same service the API calls, next to a plain count of the same attendance rows measured in the same run.
 *   npm run bench:coverage [-- --scale 1 --runs 5] [--db DIR]
 * --scale 0.1 seeds a tenth of the townships (900 deputies, 9,000 activities, 135,000 attendance rows).
 * --db DIR keeps the seeded database in DIR and reuses it on the next run (the full city takes minutes to load).
 * The maintained group rosters are built after the load (timed); the table also times reading a place's rosters
 * from the profiles (what the coverage did before the copy) beside reading them from the copy.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import mongoose from 'mongoose';
import { startEmbeddedMongo } from '../../src/embedded-mongo';
import { loadConfig } from '../../src/config';
import { rostersOf, type Scope } from '../../src/activities';
import { parsePeriod } from '../../src/calendar/periods';
import { Attendance, AttendanceRollup } from '../../src/activities/models';
import { coverage } from '../../src/coverage';
import { GroupRoster, groupRosterCopy } from '../../src/activities/rosters';
import { AggregateMark } from '../../src/aggregates/marks';
import { groupRosters } from '../../src/content/roster';
import { CITY, COUNTIES, YEARS, seedCity } from '../seed/city';

const { values } = parseArgs({ options: { scale: { type: 'string', default: '1' }, runs: { type: 'string', default: '5' }, db: { type: 'string' } } });
const SCALE = Number(values.scale);
const RUNS = Number(values.runs);

async function time<T>(fn: () => Promise<T>): Promise<{ p50: number; max: number; result: T }> {
  let result = await fn(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = process.hrtime.bigint();
    result = await fn();
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(times.length / 2)], max: times[times.length - 1], result };
}

async function main(): Promise<void> {
  const kept = values.db ? path.resolve(values.db) : null;
  if (kept) mkdirSync(kept, { recursive: true });
  const dir = kept ?? mkdtempSync(path.join(tmpdir(), 'bench-coverage-'));
  const engine = await startEmbeddedMongo({ dbPath: dir });
  try {
    // Indexes are built once after the bulk load (seedCity), not maintained row by row during it.
    await mongoose.connect(`${engine.uri.replace(/\/?$/, '/')}bench_coverage`, { autoIndex: false });
    if (kept && (await Attendance.estimatedDocumentCount())) {
      console.log(`reusing the city seeded in ${kept} (${(await Attendance.estimatedDocumentCount()).toLocaleString()} attendance rows)\n`);
    } else {
      console.log(`seeding the city at scale ${SCALE}…`);
      const seeded = await seedCity(SCALE, (line) => console.log(line));
      console.log(
        `seeded ${seeded.counties} counties, ${seeded.townships} townships, ${seeded.groups} groups, ${seeded.deputies.toLocaleString()} deputies, ` +
          `${seeded.activities.toLocaleString()} activities, ${seeded.attendance.toLocaleString()} attendance rows, ${seeded.rollups.toLocaleString()} rollup rows ` +
          `in ${seeded.seconds.toFixed(1)} s\n`,
      );
    }
    await Promise.all([GroupRoster.createIndexes(), AggregateMark.createIndexes()]);
    const started = Date.now();
    if (await groupRosterCopy.ensureBuilt()) console.log(`built the maintained group rosters (${await GroupRoster.estimatedDocumentCount()} groups) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    const config = loadConfig({ NODE_ENV: 'development', LOG_LEVEL: 'silent' });
    const year = String(YEARS[1]);
    const cases: Array<[string, Scope, string]> = [
      [`city, year ${year}`, { level: 'city', name: CITY }, year],
      [`county, year ${year}`, { level: 'county', name: COUNTIES[1] }, year],
      [`city, quarter ${year}-Q2`, { level: 'city', name: CITY }, `${year}-Q2`],
      [`county, quarter ${year}-Q2`, { level: 'county', name: COUNTIES[1] }, `${year}-Q2`],
    ];
    const rows: string[][] = [];
    for (const [label, scope, key] of cases) {
      const period = parsePeriod(key)!;
      const rowFilter = { date: { $gte: period.start, $lt: period.end }, ...(scope.level === 'county' ? { county: scope.name } : {}) };
      const count = await time(() => Attendance.countDocuments(rowFilter));
      const rollupRows = await AttendanceRollup.countDocuments({ period: period.kind === 'year' ? key : { $in: period.months }, [scope.level]: scope.name });
      const profiles = await time(() => groupRosters({ region: scope }));
      const copy = await time(() => rostersOf(scope));
      const cov = await time(() => coverage(config, scope, period));
      const attendance = cov.result.figures.find((f) => f.key === 'attendance')!;
      const ms = (t: { p50: number; max: number }) => `${t.p50.toFixed(0)} / ${t.max.toFixed(0)}`;
      rows.push([label, count.result.toLocaleString(), ms(count), rollupRows.toLocaleString(), ms(profiles), ms(copy), ms(cov), `${attendance.numerator}/${attendance.denominator}`]);
    }
    const header = ['coverage of', 'attendance rows', 'plain count p50/max ms', 'rollup rows read', 'rosters from profiles ms', 'rosters from copy ms', 'coverage p50/max ms', 'attendance figure'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join(' | ');
    console.log(line(header));
    console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
    for (const r of rows) console.log(line(r));
    console.log(`load average (1, 5, 15 min) at the end: ${loadavg().map((l) => l.toFixed(2)).join(', ')} on ${cpus().length} cores`);
    console.log(
      `\n${RUNS} runs per cell after one warm-up. "plain count" counts the same attendance rows with countDocuments (a county's through ` +
        `its (county, date) index; the whole city's by scanning, as every row is the city's); coverage computes all five figures with their drill-downs ` +
        `(its rosters from the maintained copy). "rosters from profiles" reads the place's groups and member profiles as the coverage did before the copy.`,
    );
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
