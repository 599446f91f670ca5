/**
 * Cost of the engine's compatibility features, driven through the official driver as the app does:
 * - 9,000 deputies: a pinyin-collated page and full sort through a collated index `{ name: 1 }, { locale: 'zh' }`
 *   next to the same queries on a copy without that index (sorted in memory) and the binary index-ordered sort;
 * - 100,000 points over a city: `$near`, `$geoWithin` and `$geoNear` through a 2dsphere index next to the same
 *   queries without it (the same points as legacy pairs under a `2d` index, which the engine answers by a scan,
 *   and `$geoWithin` on a copy with no index), with an indexed equality find as the floor.
 *   npm run bench:query [-- --docs 9000 --points 100000 --reps 20]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { startEmbeddedMongo } from '../../src/embedded-mongo';

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

async function main(): Promise<void> {
  const n = arg('docs', 9000);
  const points = arg('points', 100000);
  const reps = arg('reps', 20);
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-query-'));
  const engine = await startEmbeddedMongo({ dbPath: dir });
  const client = await MongoClient.connect(engine.uri);
  try {
    const c = client.db('bench').collection('deputies');
    await c.insertMany(
      Array.from({ length: n }, (_, i) => ({
        code: `D${i}`,
        name: SURNAMES[i % SURNAMES.length] + SURNAMES[(i * 7) % SURNAMES.length] + i,
        region: `区${i % 16}`,
        station: { type: 'Point', coordinates: [121 + (i % 100) / 200, 31 + Math.floor(i / 100) / 200] },
      })),
    );
    await c.createIndex({ name: 1 });
    await c.createIndex({ code: 1 });
    await c.createIndex({ station: '2dsphere' });
    const zhIndexed = client.db('bench').collection('deputies_zh');
    await zhIndexed.insertMany(await c.find({}, { projection: { station: 0 } }).toArray());
    await zhIndexed.createIndex({ name: 1 }, { collation: { locale: 'zh' } });
    const zh = { collation: { locale: 'zh' } };

    // 100,000 points over a city (Changde, ~40 × 33 km), three copies: 2dsphere-indexed GeoJSON, 2d-indexed legacy pairs, no index
    const city = Array.from({ length: points }, (_, i) => [111.5 + ((i * 7919) % 10007) / 10007 * 0.4, 28.9 + ((i * 104729) % 9973) / 9973 * 0.3]);
    const geo = client.db('bench').collection('points');
    const legacy = client.db('bench').collection('points_2d');
    const bare = client.db('bench').collection('points_bare');
    for (let i = 0; i < points; i += 5000) {
      const chunk = city.slice(i, i + 5000);
      await geo.insertMany(chunk.map((p, j) => ({ _id: i + j, loc: { type: 'Point', coordinates: p } })) as never[]);
      await legacy.insertMany(chunk.map((p, j) => ({ _id: i + j, loc: p })) as never[]);
      await bare.insertMany(chunk.map((p, j) => ({ _id: i + j, loc: { type: 'Point', coordinates: p } })) as never[]);
    }
    await geo.createIndex({ loc: '2dsphere' });
    await legacy.createIndex({ loc: '2d' });
    const here = [111.7, 29.05];
    const R = 6378100;

    const me = { type: 'Point', coordinates: [121.25, 31.2] };
    const rows: [string, number, string][] = [];
    const time = async (label: string, times: number, fn: () => Promise<unknown>, baseline?: string) => {
      await fn();
      const t = process.hrtime.bigint();
      for (let i = 0; i < times; i++) await fn();
      rows.push([label, Number(process.hrtime.bigint() - t) / 1e6 / times, baseline ?? '']);
    };
    await time('indexed equality find  findOne({code})', 200, () => c.findOne({ code: 'D4321' }), 'floor');
    await time('binary sort, first page  sort({name:1}).limit(20)', 50, () => c.find({}).sort({ name: 1 }).limit(20).toArray(), 'baseline: binary index order');
    await time('pinyin first page, no collated index (in memory)', reps, () => c.find({}, zh).sort({ name: 1 }).limit(20).toArray(), 'baseline: scan');
    await time('pinyin first page, collated index', reps, () => zhIndexed.find({}, zh).sort({ name: 1 }).limit(20).toArray());
    await time('binary sort, every document', 5, () => c.find({}).sort({ name: 1 }).toArray(), 'baseline: binary index order');
    await time('pinyin sort, every document, no collated index', 5, () => c.find({}, zh).sort({ name: 1 }).toArray(), 'baseline: scan');
    await time('pinyin sort, every document, collated index (no limit: scan)', 5, () => zhIndexed.find({}, zh).sort({ name: 1 }).toArray());
    await time('case-insensitive match  strength 2 (scan)', reps, () => c.find({ region: '区3' }, { collation: { locale: 'zh', strength: 2 } }).toArray());
    await time(`$near nearest 5 of ${n.toLocaleString('en')} deputies (2dsphere)`, reps, () => c.find({ station: { $near: { $geometry: me, $maxDistance: 20000 } } }).limit(5).toArray());
    const p = `of ${points.toLocaleString('en')}`;
    await time(`$near nearest 10 ${p}, 2d index (scan)`, Math.max(2, reps / 10), () => legacy.find({ loc: { $nearSphere: here, $maxDistance: 5000 / R } }).limit(10).toArray(), 'baseline: scan');
    await time(`$near nearest 10 ${p}, 2dsphere index`, reps, () => geo.find({ loc: { $nearSphere: { $geometry: { type: 'Point', coordinates: here }, $maxDistance: 5000 } } }).limit(10).toArray());
    await time(`$geoWithin 1 km circle ${p}, no index`, Math.max(2, reps / 10), () => bare.find({ loc: { $geoWithin: { $centerSphere: [here, 1000 / R] } } }).toArray(), 'baseline: scan');
    await time(`$geoWithin 1 km circle ${p}, 2dsphere index`, reps, () => geo.find({ loc: { $geoWithin: { $centerSphere: [here, 1000 / R] } } }).toArray());
    await time(`$geoNear + $limit 10 ${p}, 2d index (scan)`, Math.max(2, reps / 10), () => legacy.aggregate([{ $geoNear: { near: here, spherical: true, distanceField: 'd' } }, { $limit: 10 }]).toArray(), 'baseline: scan');
    await time(`$geoNear + $limit 10 ${p}, 2dsphere index`, reps, () => geo.aggregate([{ $geoNear: { near: { type: 'Point', coordinates: here }, distanceField: 'd' } }, { $limit: 10 }]).toArray());
    const within = (await geo.find({ loc: { $geoWithin: { $centerSphere: [here, 1000 / R] } } }).explain('executionStats')).executionStats;
    console.log(`$geoWithin 1 km through the index: ${within.nReturned} returned, ${within.totalDocsExamined} documents examined`);
    const nearPlan = (await geo.find({ loc: { $nearSphere: { $geometry: { type: 'Point', coordinates: here }, $maxDistance: 5000 } } }).limit(10).explain('executionStats')).executionStats;
    console.log(`$near nearest 10 through the index: ${nearPlan.nReturned} returned, ${nearPlan.totalDocsExamined} documents examined`);
    const pagePlan = (await zhIndexed.find({}, zh).sort({ name: 1 }).limit(20).explain('executionStats')).executionStats;
    console.log(`pinyin first page through the collated index: ${pagePlan.nReturned} returned, ${pagePlan.totalDocsExamined} documents examined`);
    console.log(`\n${n.toLocaleString('en')} deputies, ${points.toLocaleString('en')} points\n`);
    console.log(`${'query'.padEnd(56)} │ ms/query │`);
    console.log(`${'─'.repeat(56)}─┼──────────┼──────────`);
    for (const [label, ms, note] of rows) console.log(`${label.padEnd(56)} │ ${ms.toFixed(1).padStart(8)} │ ${note}`);
  } finally {
    await client.close();
    await engine.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
