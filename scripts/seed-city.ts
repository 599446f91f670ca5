/**
 * Loads a whole city at realistic volume (see scripts/seed/city.ts) into the configured database, for trying the
 * activities, funds and coverage figures out. Refuses a database that already has activities.
 *   npm run seed:city [-- --scale 0.1]
 */
import { parseArgs } from 'node:util';
import { Activity } from '../src/activities/models';
import { runScript } from './cli';
import { seedCity } from './seed/city';

const { values } = parseArgs({ options: { scale: { type: 'string', default: '1' } } });

void runScript(async () => {
  if (await Activity.estimatedDocumentCount()) throw new Error('The database already has activities; seed:city loads into an empty one.');
  const f = await seedCity(Number(values.scale), (line) => console.log(line));
  console.log(`${f.groups} groups, ${f.deputies} deputies, ${f.activities} activities, ${f.attendance} attendance rows in ${f.seconds.toFixed(1)} s`);
});
