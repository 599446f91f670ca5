import { expect } from 'chai';
import type { Collection, Document } from 'mongodb';
import { openDb, planStages } from './helpers';

/**
 * Sorts and equalities under a collation through an index with that collation: 3,000 deputies' names in pinyin
 * order exactly as Intl.Collator('zh') orders them, case-insensitive lookups at strength 2, and explain showing
 * the index with about as many documents read as returned.
 */
describe('embedded-mongo: collated sort and equality through a collated index', function () {
  this.timeout(120_000);
  const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤欧阳';
  const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉兰德海燕鹏飞文斌春梅晓东';
  const REGIONS = ['石门县', '武陵区', '鼎城区', '安乡县', '汉寿县'];
  let seed = 7;
  const random = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  const pick = (s: string) => s[Math.floor(random() * s.length)];
  const zh = new Intl.Collator('zh');
  const caseless = new Intl.Collator('en', { sensitivity: 'accent' });

  let h: Awaited<ReturnType<typeof openDb>>;
  let deputies: Collection<Document>;
  const docs: Document[] = [];
  const stats = (e: Document) => e.executionStats as { nReturned: number; totalDocsExamined: number };
  /** Names in the order mongod sorts them: missing/null, then numbers, then strings by the collator. */
  const expectedOrder = (names: unknown[], collator: Intl.Collator) => {
    const nulls = names.filter((n) => n === null || n === undefined).map(() => null);
    const numbers = (names.filter((n) => typeof n === 'number') as number[]).sort((a, b) => a - b);
    const strings = (names.filter((n) => typeof n === 'string') as string[]).sort(collator.compare);
    return [...nulls, ...numbers, ...strings];
  };
  const namesOf = (rows: Document[]) => rows.map((r) => (r.name === undefined ? null : r.name));

  before(async () => {
    h = await openDb('emb_collated_sort');
    deputies = h.db.collection('deputies');
    for (let i = 0; i < 3000; i++) {
      const name = pick(SURNAMES) + pick(GIVEN) + (random() < 0.6 ? pick(GIVEN) : '');
      docs.push({ _id: i, name, region: REGIONS[i % REGIONS.length], code: `${'abcdef'[i % 6]}${i % 40}` });
    }
    // Latin names with case variants, and a few names that are not strings
    docs.push({ _id: 3000, name: 'Alice Wang', region: '石门县' }, { _id: 3001, name: 'alice wang', region: '石门县' }, { _id: 3002, name: 'Zoë', region: '武陵区' });
    docs.push({ _id: 3003, region: '石门县' }, { _id: 3004, name: null, region: '石门县' }, { _id: 3005, name: 42, region: '武陵区' }, { _id: 3006, name: 7, region: '石门县' });
    for (let i = 0; i < 40; i++) docs[i * 7].code = docs[i * 7].code.toUpperCase();
    await deputies.insertMany(docs.slice(0, 1500));
    await deputies.createIndex({ name: 1 }, { collation: { locale: 'zh' } });
    await deputies.createIndex({ region: 1, name: 1 }, { collation: { locale: 'zh' } });
    await deputies.createIndex({ code: 1 }, { collation: { locale: 'en', strength: 2 } });
    await deputies.insertMany(docs.slice(1500));
  });
  after(() => h.close());

  it('sorts every name in exactly Intl.Collator("zh") order (pinyin), non-strings first as BSON orders them', async () => {
    // with a limit the collated index gives the order; without one the engine sorts a scan in memory: both exact
    const rows = await deputies.find({}, { collation: { locale: 'zh' } }).sort({ name: 1 }).limit(10000).toArray();
    expect(namesOf(rows)).to.deep.equal(expectedOrder(docs.map((d) => d.name), zh));
    const all = await deputies.find({}, { collation: { locale: 'zh' } }).sort({ name: 1 }).toArray();
    expect(namesOf(all)).to.deep.equal(expectedOrder(docs.map((d) => d.name), zh));
    const down = await deputies.find({}, { collation: { locale: 'zh' } }).sort({ name: -1 }).limit(10000).toArray();
    expect(namesOf(down)).to.deep.equal(expectedOrder(docs.map((d) => d.name), zh).reverse());
  });

  it('a first page reads about as many documents as it returns, through the collated index', async () => {
    const query = () => deputies.find({}, { collation: { locale: 'zh' } }).sort({ name: 1 }).skip(10).limit(20);
    expect(namesOf(await query().toArray())).to.deep.equal(expectedOrder(docs.map((d) => d.name), zh).slice(10, 30));
    const plan = await query().explain('executionStats');
    expect(planStages(plan)).to.include('IXSCAN');
    expect(JSON.stringify(plan.queryPlanner.winningPlan)).to.contain('name_1');
    expect(stats(plan).nReturned).to.equal(20);
    expect(stats(plan).totalDocsExamined).to.be.at.most(45);
  });

  it('an equality on the leading field and a sort on the next one use the compound collated index', async () => {
    const query = () => deputies.find({ region: '石门县' }, { collation: { locale: 'zh' } }).sort({ name: 1 }).limit(50);
    const expected = expectedOrder(docs.filter((d) => d.region === '石门县').map((d) => d.name), zh).slice(0, 50);
    expect(namesOf(await query().toArray())).to.deep.equal(expected);
    const plan = await query().explain('executionStats');
    expect(JSON.stringify(plan.queryPlanner.winningPlan)).to.contain('region_1_name_1');
    expect(stats(plan).totalDocsExamined).to.be.at.most(60);
  });

  it('ties on the sorted field follow the rest of the sort', async () => {
    const rows = await deputies.find({}, { collation: { locale: 'zh' } }).sort({ name: 1, _id: -1 }).limit(10000).toArray();
    for (let i = 1; i < rows.length; i++) {
      if (rows[i].name === rows[i - 1].name) expect(rows[i]._id as unknown as number).to.be.below(rows[i - 1]._id as unknown as number);
    }
    expect(namesOf(rows)).to.deep.equal(expectedOrder(docs.map((d) => d.name), zh));
  });

  it('strength 2: case-insensitive equality is a lookup of the collated index; its sort orders case variants together', async () => {
    const collation = { locale: 'en', strength: 2 };
    const query = () => deputies.find({ code: 'A6' }, { collation }).sort({ _id: 1 });
    const expected = docs.filter((d) => caseless.compare(d.code ?? '', 'A6') === 0).map((d) => d._id);
    expect(expected.length).to.be.greaterThan(3);
    expect((await query().toArray()).map((d) => d._id)).to.deep.equal(expected);
    const plan = await query().explain('executionStats');
    expect(JSON.stringify(plan.queryPlanner.winningPlan)).to.contain('code_1');
    expect(stats(plan).totalDocsExamined).to.equal(expected.length);
    const sorted = (await deputies.find({ code: { $exists: true } }, { collation }).sort({ code: 1 }).limit(10000).toArray()).map((d) => d.code as string);
    expect(sorted).to.have.length(docs.filter((d) => d.code).length);
    for (let i = 1; i < sorted.length; i++) expect(caseless.compare(sorted[i - 1], sorted[i])).to.be.at.most(0);
  });

  it('a query under another collation than the index’s does not use it and still sorts right', async () => {
    const rows = await deputies.find({}, { collation: { locale: 'zh', strength: 1 } }).sort({ name: 1 }).toArray();
    const loose = new Intl.Collator('zh', { sensitivity: 'base' });
    const names = namesOf(rows).filter((n): n is string => typeof n === 'string');
    for (let i = 1; i < names.length; i++) expect(loose.compare(names[i - 1], names[i])).to.be.at.most(0);
    const plan = await deputies.find({}, { collation: { locale: 'zh', strength: 1 } }).sort({ name: 1 }).explain();
    expect(JSON.stringify(plan.queryPlanner.winningPlan)).to.not.contain('name_1');
  });
});
