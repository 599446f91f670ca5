/**
 * Loads a whole city at realistic volume (see scripts/seed/city.ts) into the configured database, for trying the
 * activities, funds and coverage figures out. Refuses a database that already has activities.
 *   npm run seed:city [-- --scale 0.1]
 */
import { parseArgs } from 'node:util';
import { Activity } from '../src/activities/models';
import { runScript } from './cli';
import { seedCity } from './seed/city';
import { rebuildAggregates } from './aggregates';

const { values } = parseArgs({ options: { scale: { type: 'string', default: '1' } } });

void runScript(async () => {
  if (await Activity.estimatedDocumentCount()) throw new Error('The database already has activities; seed:city loads into an empty one.');
  const f = await seedCity(Number(values.scale), (line) => console.log(line));
  console.log(`${f.groups} groups, ${f.deputies} deputies, ${f.activities} activities, ${f.attendance} attendance rows in ${f.seconds.toFixed(1)} s`);
  // Loaded around the app: its maintained copies of the rosters are built from what was loaded.
  for (const r of await rebuildAggregates(['activities.group-rosters'])) console.log(`${r.name}: ${r.cells} cells in ${(r.ms / 1000).toFixed(1)} s`);
});
