/**
 * Brings the database's indexes in line with the models:
 *   npm run db:migrate [-- --dry-run]
 * Creates every declared index that is missing and drops those no model declares any more (mongoose's autoIndex at
 * start only creates). With --dry-run it only lists the differences. Works whether or not the service is running
 * (it attaches to the running service's engine), and against MONGODB_URI.
 */
import { parseArgs } from 'node:util';
import mongoose from 'mongoose';
import '../src/modules'; // registers every model
import { diffModelIndexes, syncModelIndexes } from '../src/db/index-sync';
import { runScript } from './cli';

const { values } = parseArgs({ options: { 'dry-run': { type: 'boolean', default: false } } });

void runScript(async () => {
  const models = Object.values(mongoose.models);
  const dryRun = values['dry-run'];
  const changes = dryRun ? (await diffModelIndexes(models)).map((d) => ({ ...d, dropped: d.toDrop })) : await syncModelIndexes(models);
  if (changes.length === 0) {
    console.log(`indexes match the models (${models.length} models)`);
    return;
  }
  for (const c of changes) {
    if (c.dropped.length) console.log(`${c.collection} (${c.model}): ${dryRun ? 'would drop' : 'dropped'} ${c.dropped.join(', ')}`);
    if (c.toCreate.length) console.log(`${c.collection} (${c.model}): ${dryRun ? 'would create' : 'created'} ${c.toCreate.join(', ')}`);
  }
});
