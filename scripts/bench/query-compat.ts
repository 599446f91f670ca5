/**
 * Cost of the engine's compatibility features over a campaign-sized collection (9,000 deputies with a
 * liaison-station location each), driven through the official driver as the app does: a pinyin-collated
 * page and full sort next to the binary (index-ordered) sort in the same run, and nearest-station queries
 * ($near, $geoNear) next to an indexed equality find.
 *   npm run bench:query [-- --docs 9000]
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
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-query-'));
  const engine = await startEmbeddedMongo({ dbPath: dir, port: 0 });
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
    const me = { type: 'Point', coordinates: [121.25, 31.2] };
    const rows: [string, number, string][] = [];
    const time = async (label: string, reps: number, fn: () => Promise<unknown>, baseline?: string) => {
      await fn();
      const t = process.hrtime.bigint();
      for (let i = 0; i < reps; i++) await fn();
      rows.push([label, Number(process.hrtime.bigint() - t) / 1e6 / reps, baseline ?? '']);
    };
    await time('indexed equality find  findOne({code})', 200, () => c.findOne({ code: 'D4321' }), 'baseline');
    await time('binary sort, first page  sort({name:1}).limit(20)', 50, () => c.find({}).sort({ name: 1 }).limit(20).toArray(), 'baseline');
    await time('pinyin sort, first page  collation zh, limit 20', 50, () => c.find({}, { collation: { locale: 'zh' } }).sort({ name: 1 }).limit(20).toArray());
    await time('binary sort, every document', 5, () => c.find({}).sort({ name: 1 }).toArray(), 'baseline');
    await time('pinyin sort, every document', 5, () => c.find({}, { collation: { locale: 'zh' } }).sort({ name: 1 }).toArray());
    await time('case-insensitive match  strength 2', 50, () => c.find({ region: '区3' }, { collation: { locale: 'zh', strength: 2 } }).toArray());
    await time('$near nearest 5 stations', 50, () => c.find({ station: { $near: { $geometry: me, $maxDistance: 20000 } } }).limit(5).toArray());
    await time('$geoNear nearest 5 stations', 50, () => c.aggregate([{ $geoNear: { near: me, distanceField: 'meters' } }, { $limit: 5 }]).toArray());
    console.log(`\n${n.toLocaleString('en')} documents\n`);
    console.log(`${'query'.padEnd(52)} │ ms/query │`);
    console.log(`${'─'.repeat(52)}─┼──────────┼──────────`);
    for (const [label, ms, note] of rows) console.log(`${label.padEnd(52)} │ ${ms.toFixed(1).padStart(8)} │ ${note}`);
  } finally {
    await client.close();
    await engine.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
