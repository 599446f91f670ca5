/**
 * Rebuilds the maintained aggregates (group rosters, attendance rollups, suggestion tallies) from their source records:
 * for a database written without the app (a restore, a bulk load, a script of its own), or to check them.
 *   npm run aggregates:rebuild [-- --name activities.group-rosters] [--status]
 * Safe while the service runs: each batch of cells is recomputed under dirty marks, so concurrent writes are kept.
 */
import { parseArgs } from 'node:util';
import { runScript } from './cli';
import { registeredAggregates } from '../src/aggregates/aggregate';
import { rebuildAggregates } from '../src/aggregates/module';
import '../src/activities/rosters';
import '../src/activities/rollups';
import '../src/suggestions/tallies';

export { rebuildAggregates };

if (process.argv[1]?.endsWith('aggregates.ts')) {
  const { values } = parseArgs({ options: { name: { type: 'string', multiple: true }, status: { type: 'boolean', default: false } } });
  void runScript(async () => {
    if (!values.status) {
      for (const r of await rebuildAggregates(values.name)) console.log(`${r.name}: ${r.cells.toLocaleString()} cells rebuilt in ${(r.ms / 1000).toFixed(1)} s`);
    }
    for (const s of await Promise.all(registeredAggregates().map((a) => a.status()))) {
      console.log(`${s.name}: ${s.built ? 'built' : 'not built'} (version ${s.version}${s.builtAt ? `, ${s.builtAt.toISOString()}` : ''}), ${s.cells ?? '?'} cells, ${s.dirty} dirty`);
    }
  });
}
