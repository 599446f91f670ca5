/**
 * Admin list latency on 100k articles in the embedded engine (a temporary directory, or one kept with --db DIR
 * and reused by the next run — loaded by bench/article-store.ts), through the
 * service layer (listAdmin: the page of rows + the total count, exactly what GET /api/admin/articles runs).
 * Prints p50/p99 per query at page 1, page 1,000 by skip, and page 1,000 by keyset cursor, next to the
 * no-filter baseline.
 *   npm run bench:content [-- --count 100000 --runs 30 --db DIR --batch 1000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import mongoose from 'mongoose';
import { startEmbeddedMongo } from '../../src/embedded-mongo';
import { Article } from '../../src/content/models/article';
import { buildFilter, listAdmin } from '../../src/content/admin-list';
import { listQuerySchema, type AdminListQuery } from '../../src/content/schemas';
import { ARTICLE_DB, ensureArticles } from './article-store';

const { values } = parseArgs({
  options: { count: { type: 'string', default: '100000' }, runs: { type: 'string', default: '30' }, db: { type: 'string' }, batch: { type: 'string', default: '1000' } },
});
const COUNT = Number(values.count);
const RUNS = Number(values.runs);
const PAGE_SIZE = 20;
const DEEP_PAGE = 1000;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function measure(query: AdminListQuery): Promise<{ p50: number; p99: number; rows: number; total: number }> {
  const times: number[] = [];
  let last = { items: [] as unknown[], total: 0 };
  await listAdmin('article', query); // warm-up
  for (let i = 0; i < RUNS; i++) {
    const t = process.hrtime.bigint();
    last = await listAdmin('article', query);
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99), rows: last.items.length, total: last.total };
}

interface PlanFigures {
  index: string;
  keys: number;
  docs: number;
  returned: number;
}

/** explain('executionStats') of a list's page-1 find (the filter and sort listAdmin builds), to read docsExamined against nReturned. */
async function explainPage1(query: AdminListQuery): Promise<PlanFigures> {
  const desc = query.sort.startsWith('-');
  const field = desc ? query.sort.slice(1) : query.sort;
  const dir = desc ? -1 : 1;
  const plan = (await Article.find(buildFilter('article', query)).sort({ [field]: dir, _id: dir }).limit(query.pageSize + 1).explain('executionStats')) as unknown as {
    queryPlanner: { winningPlan: unknown };
    executionStats: { nReturned: number; totalKeysExamined: number; totalDocsExamined: number };
  };
  const index = /"indexName":"([^"]+)"/.exec(JSON.stringify(plan.queryPlanner.winningPlan))?.[1] ?? 'COLLSCAN';
  const e = plan.executionStats;
  return { index, keys: e.totalKeysExamined, docs: e.totalDocsExamined, returned: e.nReturned };
}

async function main(): Promise<void> {
  const dir = values.db ? path.resolve(values.db) : mkdtempSync(path.join(tmpdir(), 'bench-content-'));
  const load = await ensureArticles(dir, COUNT, Number(values.batch), (m) => process.stderr.write(m));
  if (load.loaded > 0) {
    console.log(
      `loaded ${load.loaded.toLocaleString()} articles (${load.existing.toLocaleString()} there before) in batches of ${values.batch}, engine in its own process: ` +
        `${Math.round(load.docsPerSecond).toLocaleString()} docs/s (target ≥ 5,000); CPU per 1,000: client ${load.clientCpuPerK.toFixed(3)} s, engine ${load.engineCpuPerK.toFixed(3)} s\n`,
    );
  } else console.log(`${COUNT.toLocaleString()} articles reused from ${dir}\n`);
  const engine = await startEmbeddedMongo({ dbPath: dir });
  try {
    await mongoose.connect(`${engine.uri.replace(/\/?$/, '/')}${ARTICLE_DB}`);
    await Article.init();

    const schema = listQuerySchema('article');
    const cases: [string, Record<string, string>][] = [
      ['baseline: no filter, -updatedAt', {}],
      ['status=published, -updatedAt', { status: 'published' }],
      ['region=石门县, -updatedAt', { region: '石门县' }],
      ['tag=产业扶贫, -updatedAt', { tag: '产业扶贫' }],
      ['sort=-publishedAt', { sort: '-publishedAt' }],
      ['sort=title', { sort: 'title' }],
      ['q=脱贫攻坚 (title substring)', { q: '脱贫攻坚' }],
    ];
    const rows: string[][] = [];
    for (const [label, params] of cases) {
      const first = schema.parse({ ...params, pageSize: String(PAGE_SIZE) }) as AdminListQuery;
      const deep = schema.parse({ ...params, pageSize: String(PAGE_SIZE), page: String(DEEP_PAGE) }) as AdminListQuery;
      const before = await listAdmin('article', schema.parse({ ...params, pageSize: String(PAGE_SIZE), page: String(DEEP_PAGE - 1) }) as AdminListQuery);
      const p1 = await measure(first);
      const pDeep = await measure(deep);
      const pCursor = before.nextCursor ? await measure({ ...first, cursor: before.nextCursor }) : undefined;
      const plan = await explainPage1(first);
      rows.push([
        label,
        p1.total.toLocaleString(),
        `${p1.p50.toFixed(1)} / ${p1.p99.toFixed(1)}`,
        pDeep.rows ? `${pDeep.p50.toFixed(1)} / ${pDeep.p99.toFixed(1)}` : `n/a (${Math.ceil(p1.total / PAGE_SIZE)} pages)`,
        pCursor ? `${pCursor.p50.toFixed(1)} / ${pCursor.p99.toFixed(1)}` : 'n/a',
        `${plan.index}: ${plan.keys} keys, ${plan.docs} docs → ${plan.returned}`,
      ]);
    }
    const header = ['query (pageSize 20; rows + total count)', 'matches', 'page 1 p50/p99 ms', `page ${DEEP_PAGE} (skip) p50/p99 ms`, `page ${DEEP_PAGE} (cursor) p50/p99 ms`, 'page 1 find: index, examined → returned'];
    const widths = header.map((h, i) => Math.max(width(h), ...rows.map((row) => width(row[i]))));
    const line = (cells: string[]) => cells.map((c, i) => c + ' '.repeat(widths[i] - width(c))).join(' | ');
    console.log(line(header));
    console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
    for (const row of rows) console.log(line(row));
    console.log(`\n${RUNS} runs per cell after one warm-up; the first row is the baseline to read the others against. Load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}.`);
  } finally {
    await mongoose.disconnect();
    await engine.stop();
    if (!values.db) rmSync(dir, { recursive: true, force: true });
  }
}

/** Display width: CJK characters take two columns. */
function width(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u2e80-\uffff]/.test(ch) ? 2 : 1;
  return w;
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
