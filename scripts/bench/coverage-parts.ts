/**
 * Where the coverage of a place goes (profiling aid for bench:coverage): times each read the coverage service
 * makes, on a city kept by `npm run bench:coverage -- --db DIR`.
 *   npx tsx scripts/bench/coverage-parts.ts --db DIR [--level city --name 云岭市 --period 2028]
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import mongoose from 'mongoose';
import { startEmbeddedMongo } from '../../src/embedded-mongo';
import { groupRosters, townshipsWithGroups } from '../../src/content/roster';
import { attendanceByDeputy, plannedByGroup, rostersOf, type Scope } from '../../src/activities';
import { parsePeriod } from '../../src/calendar/periods';
import { townshipsReached } from '../../src/coverage/supervision';
import { CITY, YEARS } from '../seed/city';

const { values } = parseArgs({ options: { db: { type: 'string' }, level: { type: 'string', default: 'city' }, name: { type: 'string', default: CITY }, period: { type: 'string', default: String(YEARS[1]) } } });

async function main(): Promise<void> {
  if (!values.db) throw new Error('--db DIR (a city kept by bench:coverage)');
  const engine = await startEmbeddedMongo({ dbPath: path.resolve(values.db) });
  try {
    await mongoose.connect(`${engine.uri.replace(/\/?$/, '/')}bench_coverage`, { autoIndex: false });
    const scope = { level: values.level, name: values.name } as Scope;
    const period = parsePeriod(values.period)!;
    const parts: Array<[string, () => Promise<unknown>]> = [
      ['groupRosters', () => groupRosters({ region: scope })],
      ['rostersOf (copy)', () => rostersOf(scope)],
      ['attendanceByDeputy', () => attendanceByDeputy(scope, period)],
      ['plannedByGroup', () => plannedByGroup(scope, period)],
      ['townshipsWithGroups', () => townshipsWithGroups(scope)],
      ['townshipsReached', () => townshipsReached(period, [])],
    ];
    for (const [name, fn] of parts) {
      await fn();
      const t = process.hrtime.bigint();
      await fn();
      console.log(`${name.padEnd(22)} ${(Number(process.hrtime.bigint() - t) / 1e6).toFixed(0)} ms`);
    }
  } finally {
    await mongoose.disconnect();
    await engine.stop();
  }
}

void main().then(() => process.exit(0), (err) => { console.error(err); process.exit(1); });
