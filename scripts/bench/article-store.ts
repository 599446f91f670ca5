/**
 * A data directory holding N synthetic articles (bench:scale, bench:content), loaded as a deployment would get
 * them: the engine in its own process (scripts/db.ts, as `npm start` runs it), the articles sent through the
 * driver by mongoose's collection in batches (insertMany of `batchSize` articles, one command and one commit each). A directory given with `--db DIR` is kept and reused: a rerun
 * finds its articles there and loads only what is missing.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import mongoose from 'mongoose';
import { Article } from '../../src/content/models/article';
import { makeArticle, rng } from './articles';
import { cpuSeconds, spawnEngine } from './engine-process';

export const ARTICLE_DB = 'lianxin';

export interface LoadFigures {
  /** Articles found already loaded (a kept directory). */
  existing: number;
  loaded: number;
  docsPerSecond: number;
  /** CPU seconds per 1,000 articles: the loading client (article generation, mongoose/driver encoding) and the engine. */
  clientCpuPerK: number;
  engineCpuPerK: number;
}

/** Makes `dbPath` hold `n` articles (and the app's indexes), loading what is missing. */
export async function ensureArticles(dbPath: string, n: number, batchSize = 1000, log: (s: string) => void = () => undefined): Promise<LoadFigures> {
  const fresh = !existsSync(path.join(dbPath, 'engine.sqlite'));
  const engine = await spawnEngine(dbPath);
  try {
    await mongoose.connect(`${engine.uri}${ARTICLE_DB}`);
    await Article.init();
    const existing = fresh ? 0 : await Article.collection.estimatedDocumentCount();
    const start = existing;
    if (start >= n) return { existing, loaded: 0, docsPerSecond: 0, clientCpuPerK: 0, engineCpuPerK: 0 };
    const r = rng(42);
    for (let i = 0; i < start; i++) makeArticle(i, r); // the same articles a single run would have made
    const cpu0 = process.cpuUsage();
    const engineCpu0 = cpuSeconds(engine.child.pid);
    const t = process.hrtime.bigint();
    for (let from = start; from < n; from += batchSize) {
      const batch = Array.from({ length: Math.min(batchSize, n - from) }, (_, j) => makeArticle(from + j, r));
      // a kept directory whose last load was cut short may already hold some of these (same slugs): skipped
      await Article.collection.insertMany(batch, { ordered: false }).catch((err: { code?: number; writeErrors?: { code: number }[] }) => {
        if (err.code !== 11000 && !err.writeErrors?.every((e) => e.code === 11000)) throw err;
      });
      if (Math.floor((from + batchSize) / 100_000) > Math.floor(from / 100_000)) log(`  ${Math.min(n, from + batchSize).toLocaleString('en-US')} articles\n`);
    }
    const seconds = Number(process.hrtime.bigint() - t) / 1e9;
    const cpu = process.cpuUsage(cpu0);
    const loaded = n - start;
    return {
      existing,
      loaded,
      docsPerSecond: loaded / seconds,
      clientCpuPerK: ((cpu.user + cpu.system) / 1e6 / loaded) * 1000,
      engineCpuPerK: ((cpuSeconds(engine.child.pid) - engineCpu0) / loaded) * 1000,
    };
  } finally {
    await mongoose.disconnect();
    await engine.stop();
  }
}
