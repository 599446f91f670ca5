/** Shared helpers for the engine compatibility suite (works against the engine and a real MongoDB). */
import { MongoClient, type Db } from 'mongodb';
import { mongoUriFor, uniqueDbName } from '../support/database';

export async function openDb(prefix: string): Promise<{ client: MongoClient; db: Db; close(): Promise<void> }> {
  const name = uniqueDbName(prefix);
  const client = await MongoClient.connect(mongoUriFor(name));
  const db = client.db(name);
  return {
    client,
    db,
    async close() {
      await db.dropDatabase().catch(() => undefined);
      await client.close();
    },
  };
}

/** Finds every `stage` name in an explain plan, whatever the server's nesting. */
export function planStages(plan: unknown, out: string[] = []): string[] {
  if (Array.isArray(plan)) plan.forEach((p) => planStages(p, out));
  else if (plan && typeof plan === 'object') {
    for (const [k, v] of Object.entries(plan)) {
      if (k === 'rejectedPlans') continue;
      if (k === 'stage' && typeof v === 'string') out.push(v);
      else planStages(v, out);
    }
  }
  return out;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
