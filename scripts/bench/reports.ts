/**
 * The half-year bulletin (半年一通报) of the seeded city, built as the service builds it: the embedded engine in its
 * own process (`npm run db`, as the service forks it) and the report built in a separate process that reaches it over
 * the wire (scripts/bench/reports-build.ts), compiled and with the malloc settings as `npm start` runs the service
 * (dist/, scripts/bench/compiled.ts; `--tsx` runs it under tsx instead, as tests do). That process prints its RSS
 * before any work, each stage's time and its own peak RSS (VmHWM, reset before each stage), beside plain counts over
 * the same collections in the same run.
 *   npm run bench:reports [-- --scale 1 --suggestions 30000 --runs 3] [--db DIR] [--cache-mb 64] [--tsx]
 * Seeding (scripts/seed/city.ts: 10 counties, 9,000 deputies, three years of activities with their roll calls;
 * scripts/seed/suggestions.ts; scripts/seed/inspections.ts) runs first, in this process, into DIR (a temporary
 * directory without --db). With --db DIR a seeded city is kept and reused: seed once, measure many times.
 * --scale 0.1 seeds a tenth of the townships (a run of a few minutes). The maintained figures the service keeps
 * (suggestion tallies, group rosters) are built after the seeding, as the service would have kept them.
 * Targets (issue 16): the bulletin in under 10 s and under 300 MB.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import mongoose from 'mongoose';
import { startEmbeddedMongo } from '../../src/embedded-mongo';
import { SuggestionTally, suggestionTallies } from '../../src/suggestions/tallies';
import { AggregateMark } from '../../src/aggregates/marks';
import { Attendance } from '../../src/activities/models';
import { GroupRoster, groupRosterCopy } from '../../src/activities/rosters';
import { Suggestion } from '../../src/suggestions/models';
import { ensureDefaultCategories } from '../../src/supervision/categories';
import { CITY, COUNTIES, YEARS, seedCity } from '../seed/city';
import { seedSuggestions } from '../seed/suggestions';
import { seedInspections } from '../seed/inspections';
import { spawnEngine } from './engine-process';
import { buildServer, compileAgainstDist, startEnv } from './compiled';
import { bulletinInService, describe } from './reports-service';

const { values } = parseArgs({
  options: { scale: { type: 'string', default: '1' }, suggestions: { type: 'string', default: '30000' }, runs: { type: 'string', default: '3' }, db: { type: 'string' }, 'cache-mb': { type: 'string', default: '64' }, tsx: { type: 'boolean', default: false }, in: { type: 'string', default: 'both' } },
});
const DB_NAME = 'bench_reports';
const MB = 1024;

/** Seeds the city into `dir` unless it is there already; builds the maintained figures. Returns what it did. */
async function seed(dir: string, kept: boolean): Promise<string> {
  const engine = await startEmbeddedMongo({ dbPath: dir });
  try {
    await mongoose.connect(`${engine.uri.replace(/\/?$/, '/')}${DB_NAME}`, { autoIndex: false });
    let said: string;
    if (kept && (await Attendance.estimatedDocumentCount())) {
      said = `reusing the city seeded in ${dir} (${(await Attendance.estimatedDocumentCount()).toLocaleString()} attendance rows)`;
    } else {
      console.log(`seeding the city at scale ${values.scale} into ${dir}…`);
      const t0 = Date.now();
      const city = await seedCity(Number(values.scale), (line) => console.log(line));
      const t1 = Date.now();
      await seedSuggestions({ count: Number(values.suggestions), counties: COUNTIES, departmentsPerCounty: 40, from: new Date(Date.UTC(YEARS[0], 0, 1)), to: new Date(Date.UTC(YEARS[2], 11, 31)) });
      await Suggestion.createIndexes();
      const inspections = await seedInspections(YEARS[1], COUNTIES);
      said =
        `seeded ${city.groups} groups, ${city.deputies.toLocaleString()} deputies, ${city.activities.toLocaleString()} activities, ${city.attendance.toLocaleString()} attendance rows ` +
        `in ${city.seconds.toFixed(1)} s; ${Number(values.suggestions).toLocaleString()} suggestions, ${inspections.rounds} rounds and ${inspections.problems} problems in ${((Date.now() - t1) / 1000).toFixed(1)} s; ` +
        `seeding took ${((Date.now() - t0) / 1000).toFixed(0)} s in all`;
    }
    // What the service keeps maintained as records change: built once after the bulk load.
    await Promise.all([SuggestionTally.init(), AggregateMark.init(), GroupRoster.init()]);
    const t = Date.now();
    const built = [(await suggestionTallies.ensureBuilt()) && 'suggestion tallies', (await groupRosterCopy.ensureBuilt()) && 'group rosters'].filter(Boolean);
    await ensureDefaultCategories();
    return built.length ? `${said}\nbuilt the ${built.join(' and ')} in ${((Date.now() - t) / 1000).toFixed(1)} s` : said;
  } finally {
    await mongoose.disconnect();
    await engine.stop();
  }
}

/** Runs the measuring process (`script`: compiled, or the .ts under tsx) against the engine and passes its output through. */
function build(uri: string, script: string): Promise<void> {
  const args = ['--uri', uri, '--db-name', DB_NAME, '--runs', String(values.runs), '--city', CITY, '--counties', COUNTIES.join(','), '--year', String(YEARS[1])];
  const tsx = script.endsWith('.ts');
  const node = tsx ? ['--expose-gc', '--import', 'tsx'] : ['--expose-gc'];
  const child = spawn(process.execPath, [...node, script, ...args], { stdio: 'inherit', env: tsx ? process.env : { ...process.env, ...startEnv() } });
  return new Promise((resolve, reject) => child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`the build process exited with ${code}`)))));
}

const peakOf = (pid: number) => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / MB;

async function main(): Promise<void> {
  if (!['both', 'service', 'build'].includes(values.in!)) throw new Error('--in is service, build or both');
  const kept = values.db ? path.resolve(values.db) : null;
  if (kept) mkdirSync(kept, { recursive: true });
  const dir = kept ?? mkdtempSync(path.join(tmpdir(), 'bench-reports-'));
  try {
    console.log(`${await seed(dir, !!kept)}\n`);
    const inBuild = values.in !== 'service';
    const source = path.join(__dirname, 'reports-build.ts');
    const script = values.tsx || !inBuild ? source : await compileAgainstDist(source);
    const env = Object.entries(startEnv()).map(([k, v]) => `${k}=${v}`).join(' ');
    if (inBuild) console.log(`the build process runs ${values.tsx ? 'under tsx' : `compiled, as npm start runs the service (${path.relative(process.cwd(), script)}, with npm start's ${env})`}`);
    const engine = await spawnEngine(dir, [], ['--cache-mb', String(values['cache-mb'])]);
    try {
      if (inBuild) await build(engine.uri, script);
      if (values.in !== 'build') {
        if (values.tsx || !inBuild) buildServer();
        const period = `${YEARS[1]}-H1`;
        const figures = await bulletinInService(`${engine.uri.replace(/\/?$/, '/')}${DB_NAME}`, period, new Date(Date.UTC(YEARS[1], 0, 1) - 8 * 3_600_000), Number(values.runs));
        console.log(`\n${describe(figures).join('\n')}`);
      }
      console.log(`engine process (own process, cache ${values['cache-mb']} MiB): peak RSS ${peakOf(engine.child.pid!).toFixed(0)} MB over the whole run`);
    } finally {
      await engine.stop();
    }
    console.log(`load average (1, 5, 15 min) at the end: ${loadavg().map((l) => l.toFixed(2)).join(', ')} on ${cpus().length} cores`);
  } finally {
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
