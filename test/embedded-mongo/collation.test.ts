import { expect } from 'chai';
import { Long, type Collection, type Document } from 'mongodb';
import { openDb } from './helpers';

/** Collation (ICU through Intl.Collator): pinyin order for Chinese, strength for case-insensitive matching. */
describe('embedded-mongo: collation', () => {
  let h: Awaited<ReturnType<typeof openDb>>;
  let deputies: Collection<Document>;
  const zh = { locale: 'zh' };
  const ci = { locale: 'en', strength: 2 };
  before(async () => {
    h = await openDb('emb_collation');
    deputies = h.db.collection('deputies');
    // 张 zhāng, 李 lǐ, 王 wáng, 陈 chén, 赵 zhào, 安 ān
    await deputies.insertMany([
      { _id: 1, name: '张伟', dept: 'Beta' },
      { _id: 2, name: '李娜', dept: 'alpha' },
      { _id: 3, name: '王芳', dept: 'ALPHA' },
      { _id: 4, name: '陈静', dept: 'gamma' },
      { _id: 5, name: '赵磊', dept: 'Alpha' },
      { _id: 6, name: '安然', dept: 'beta' },
    ] as Document[]);
  });
  after(() => h.close());

  const names = (docs: Document[]) => docs.map((d) => d.name);

  it('sorts Chinese names by pinyin with {locale: "zh"} and by code point without collation', async () => {
    expect(names(await deputies.find({}, { collation: zh }).sort({ name: 1 }).toArray())).to.deep.equal(['安然', '陈静', '李娜', '王芳', '张伟', '赵磊']);
    expect(names(await deputies.find({}, { collation: zh }).sort({ name: -1 }).limit(2).toArray())).to.deep.equal(['赵磊', '张伟']);
    const binary = names(await deputies.find({}).sort({ name: 1 }).toArray());
    expect(binary).to.deep.equal([...binary].sort());
  });

  it('compares ranges under the collation', async () => {
    // pinyin: names from "l" up to (not including) "w"
    const docs = await deputies.find({ name: { $gte: '李', $lt: '王' } }, { collation: zh }).sort({ name: 1 }).toArray();
    expect(names(docs)).to.deep.equal(['李娜']);
  });

  it('matches case-insensitively with strength 2 in find, count, distinct, update and delete', async () => {
    const ids = (await deputies.find({ dept: 'alpha' }, { collation: ci }).sort({ _id: 1 }).toArray()).map((d) => d._id);
    expect(ids).to.deep.equal([2, 3, 5]);
    expect(await deputies.countDocuments({ dept: 'alpha' }, { collation: ci })).to.equal(3);
    expect(await deputies.countDocuments({ dept: 'alpha' })).to.equal(1);
    expect(await deputies.countDocuments({ dept: { $in: ['BETA'] } }, { collation: ci })).to.equal(2);
    const distinct = await deputies.distinct('dept', {}, { collation: ci });
    expect(distinct.map((d: string) => d.toLowerCase()).sort()).to.deep.equal(['alpha', 'beta', 'gamma']);
    const upd = await deputies.updateMany({ dept: 'GAMMA' }, { $set: { flagged: true } }, { collation: ci });
    expect(upd.modifiedCount).to.equal(1);
    const scratch = h.db.collection('scratch');
    await scratch.insertMany([{ k: 'X' }, { k: 'x' }, { k: 'y' }]);
    expect((await scratch.deleteMany({ k: 'x' }, { collation: ci })).deletedCount).to.equal(2);
  });

  it('sorts case-insensitively with strength 1 and numerically with numericOrdering', async () => {
    const c = h.db.collection('codes');
    await c.insertMany([{ v: 'b' }, { v: 'A' }, { v: 'a10' }, { v: 'a9' }, { v: 'B2' }]);
    const sorted = (await c.find({}, { collation: { locale: 'en', strength: 1, numericOrdering: true } }).sort({ v: 1, _id: 1 }).toArray()).map((d) => d.v);
    expect(sorted).to.deep.equal(['A', 'a9', 'a10', 'b', 'B2']);
  });

  it('applies the collation in aggregate ($match and $sort) and findOneAndUpdate', async () => {
    const out = await deputies.aggregate([{ $match: { dept: { $in: ['alpha', 'beta'] } } }, { $sort: { name: 1 } }, { $project: { _id: 0, name: 1 } }], { collation: { locale: 'zh', strength: 2 } }).toArray();
    expect(names(out)).to.deep.equal(['安然', '李娜', '王芳', '张伟', '赵磊']);
    const r = await deputies.findOneAndUpdate({ dept: 'BETA' }, { $set: { seen: 1 } }, { collation: ci, sort: { name: 1 }, returnDocument: 'after' });
    expect(r?.seen).to.equal(1);
  });

  it('uses the collection default collation when the query has none', async () => {
    await h.db.createCollection('zhColl', { collation: zh });
    const c = h.db.collection('zhColl');
    await c.insertMany([{ name: '张' }, { name: '安' }, { name: '李' }]);
    expect(names(await c.find({}).sort({ name: 1 }).toArray())).to.deep.equal(['安', '李', '张']);
    const info = (await h.db.listCollections({ name: 'zhColl' }).toArray())[0] as Document;
    expect(info.options.collation.locale).to.equal('zh');
  });

  it('stores an index collation and answers by the query collation whichever index exists', async () => {
    await deputies.createIndex({ name: 1 }, { name: 'name_zh', collation: zh });
    await deputies.createIndex({ dept: 1 });
    const idx = (await deputies.listIndexes().toArray()).find((i) => i.name === 'name_zh');
    expect(idx?.collation.locale).to.equal('zh');
    expect(idx?.collation.strength).to.equal(3);
    // with the index's collation: pinyin order
    expect(names(await deputies.find({}, { collation: zh }).sort({ name: 1 }).toArray())).to.deep.equal(['安然', '陈静', '李娜', '王芳', '张伟', '赵磊']);
    // without a collation the zh index cannot give the order: binary order still
    const binary = names(await deputies.find({}).sort({ name: 1 }).toArray());
    expect(binary).to.deep.equal([...binary].sort());
    // a case-insensitive query over a binary index still finds every case
    const ids = (await deputies.find({ dept: 'alpha' }, { collation: ci }).sort({ _id: 1 }).toArray()).map((d) => d._id);
    expect(ids).to.deep.equal([2, 3, 5]);
  });

  it('rejects an unknown collation field and a missing locale', async () => {
    const err = await deputies.find({}, { collation: { strength: 2 } as never }).toArray().catch((e) => e);
    expect(err).to.be.instanceOf(Error);
  });
});

describe('embedded-mongo: collation and index choice', () => {
  let h: Awaited<ReturnType<typeof openDb>>;
  before(async () => (h = await openDb('emb_collation_plan')));
  after(() => h.close());

  it('a query without collation does not use a collated index; one with a collation gets collated results', async () => {
    const c = h.db.collection<Document>('names');
    await c.insertMany([{ n: 'b' }, { n: 'B' }, { n: 'a' }, { n: 'A' }]);
    await c.createIndex({ n: 1 }, { collation: { locale: 'en', strength: 2 } });
    // simple collation: binary comparison whatever the index
    expect((await c.find({ n: 'a' }).toArray()).map((d) => d.n)).to.deep.equal(['a']);
    expect((await c.find({}, { projection: { _id: 0 } }).sort({ n: 1 }).toArray()).map((d) => d.n)).to.deep.equal(['A', 'B', 'a', 'b']);
    // the index's collation: case-insensitive equality and order
    expect((await c.find({ n: 'a' }, { collation: { locale: 'en', strength: 2 } }).toArray()).map((d) => d.n).sort()).to.deep.equal(['A', 'a']);
    const ci = (await c.find({}, { collation: { locale: 'en', strength: 2 } }).sort({ n: 1 }).toArray()).map((d) => d.n.toLowerCase());
    expect(ci).to.deep.equal(['a', 'a', 'b', 'b']);
  });

  it('finds by _id on a collection with a default collation', async () => {
    await h.db.createCollection('withDefault', { collation: { locale: 'zh' } });
    const c = h.db.collection<Document>('withDefault');
    const { insertedId } = await c.insertOne({ name: '张' });
    expect((await c.findOne({ _id: insertedId }))?.name).to.equal('张');
  });
});

describe('embedded-mongo: $sort stages in BSON order', () => {
  let h: Awaited<ReturnType<typeof openDb>>;
  before(async () => (h = await openDb('emb_sort_stage')));
  after(() => h.close());

  it('orders mixed types and arrays as mongod after a computing stage, and $expr sees Long values as numbers', async () => {
    const c = h.db.collection('mixed');
    await c.insertMany([{ _id: 1, v: 'b' }, { _id: 2, v: 2 }, { _id: 3, v: null }, { _id: 4, v: [3, 1] }, { _id: 5, v: { a: 1 } }, { _id: 6, v: 1.5 }] as Document[]);
    const asc = await c.aggregate([{ $project: { v: 1 } }, { $sort: { v: 1 } }]).toArray();
    expect(asc.map((d) => d._id)).to.deep.equal([3, 4, 6, 2, 1, 5]);
    const desc = await c.aggregate([{ $project: { v: 1 } }, { $sort: { v: -1 } }]).toArray();
    expect(desc.map((d) => d._id)).to.deep.equal([5, 1, 4, 2, 6, 3]);
    await c.insertOne({ _id: 7 as never, v: Long.fromNumber(40) });
    expect((await c.find({ $expr: { $and: [{ $isNumber: '$v' }, { $gt: ['$v', 30] }] } }).toArray()).map((d) => d._id)).to.deep.equal([7]);
    expect((await c.find({ $expr: { $eq: ['$v', 40] } }).toArray()).map((d) => d._id)).to.deep.equal([7]);
  });
});

describe('embedded-mongo: sort + skip + limit without an index', () => {
  let h: Awaited<ReturnType<typeof openDb>>;
  before(async () => (h = await openDb('emb_sort_top')));
  after(() => h.close());

  it('returns the same page as a full sort would, binary and collated', async () => {
    const c = h.db.collection('many');
    await c.insertMany(Array.from({ length: 100 }, (_, i) => ({ _id: i, v: i % 10, s: i % 2 ? `N${i}` : `n${i}` })) as Document[]);
    const page = await c.find({}).sort({ v: -1, _id: 1 }).skip(3).limit(7).toArray();
    expect(page.map((d) => d._id)).to.deep.equal([39, 49, 59, 69, 79, 89, 99]);
    const ci = await c.find({}, { collation: { locale: 'en', strength: 2, numericOrdering: true } }).sort({ s: 1 }).skip(2).limit(4).toArray();
    expect(ci.map((d) => d._id)).to.deep.equal([2, 3, 4, 5]);
  });
});
