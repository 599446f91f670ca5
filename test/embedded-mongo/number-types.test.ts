import { expect } from 'chai';
import { Binary, Decimal128, Double, Int32, Long, MongoClient, ObjectId, type Collection, type Document } from 'mongodb';
import { mongoUriFor } from '../support/database';
import { openDb } from './helpers';

/** BSON numeric types survive storage, updates and projections; $type matches them as mongod does. */
describe('embedded-mongo: BSON types end to end', () => {
  let h: Awaited<ReturnType<typeof openDb>>;
  let c: Collection<Document>;
  const raw = { promoteValues: false } as const;
  before(async () => {
    h = await openDb('emb_types');
    c = h.db.collection('values');
    await c.insertOne({ _id: 1 as never, d: new Double(2), l: Long.fromNumber(5), i: new Int32(3), f: 1.5, dec: Decimal128.fromString('1.10'), bin: new Binary(Buffer.from('hi')), oid: new ObjectId(), s: 'x' });
    await c.insertOne({ _id: 2 as never, d: 7, l: 'not a long' });
  });
  after(() => h.close());

  it('returns Double(2) as a double and Long(5) as a long, also after an update', async () => {
    const check = (doc: Document | null) => {
      expect(doc?.d).to.be.instanceOf(Double);
      expect(doc?.l).to.be.instanceOf(Long);
      expect(doc?.i).to.be.instanceOf(Int32);
      expect(doc?.f).to.be.instanceOf(Double);
    };
    check(await c.findOne({ _id: 1 as never }, raw));
    await c.updateOne({ _id: 1 as never }, { $set: { s: 'y' } });
    check(await c.findOne({ _id: 1 as never }, raw));
    check(await c.findOne({ _id: 1 as never }, { ...raw, projection: { d: 1, l: 1, i: 1, f: 1 } }));
    check((await c.aggregate([{ $match: { _id: 1 } }], raw).toArray())[0]);
  });

  it('keeps nested doubles and longs (in sub-documents and arrays) through an update', async () => {
    await c.insertOne({ _id: 3 as never, sub: { d: new Double(3), s: 'x', arr: [new Double(4), 4, Long.fromNumber(9)] } });
    await c.updateOne({ _id: 3 as never }, { $set: { touched: true } });
    const doc = await c.findOne({ _id: 3 as never }, raw);
    expect(doc?.sub.d).to.be.instanceOf(Double);
    expect(doc?.sub.arr[0]).to.be.instanceOf(Double);
    expect(doc?.sub.arr[1]).to.be.instanceOf(Int32);
    expect(doc?.sub.arr[2]).to.be.instanceOf(Long);
    await c.deleteOne({ _id: 3 as never });
  });

  it('matches $type by BSON type name and number', async () => {
    const ids = async (f: Document) => (await c.find(f).sort({ _id: 1 }).toArray()).map((d) => d._id);
    expect(await ids({ d: { $type: 'double' } })).to.deep.equal([1]);
    expect(await ids({ d: { $type: 'int' } })).to.deep.equal([2]);
    expect(await ids({ l: { $type: 'long' } })).to.deep.equal([1]);
    expect(await ids({ l: { $type: 18 } })).to.deep.equal([1]);
    expect(await ids({ i: { $type: 'int' } })).to.deep.equal([1]);
    expect(await ids({ f: { $type: 1 } })).to.deep.equal([1]);
    expect(await ids({ dec: { $type: 'decimal' } })).to.deep.equal([1]);
    expect(await ids({ bin: { $type: 'binData' } })).to.deep.equal([1]);
    expect(await ids({ oid: { $type: 'objectId' } })).to.deep.equal([1]);
    expect(await ids({ _id: { $type: 'int' } })).to.deep.equal([1, 2]);
    expect(await ids({ l: { $type: ['long', 'string'] } })).to.deep.equal([1, 2]);
    expect(await ids({ l: { $type: 'number' } })).to.deep.equal([1]);
    expect(await ids({ s: { $type: 'string' } })).to.deep.equal([1]);
  });

  it('compares a Long, a Double and an int by value', async () => {
    expect((await c.find({ l: 5 }).toArray()).map((d) => d._id)).to.deep.equal([1]);
    expect((await c.find({ d: { $gte: 2, $lt: 3 } }).toArray()).map((d) => d._id)).to.deep.equal([1]);
    expect((await c.find({ l: { $in: [Long.fromNumber(5)] } }).toArray()).map((d) => d._id)).to.deep.equal([1]);
  });

  it('keeps the type through $inc: long + int stays long, int + double becomes double', async () => {
    await c.updateOne({ _id: 1 as never }, { $inc: { l: 1, i: 1.5 } });
    const doc = await c.findOne({ _id: 1 as never }, raw);
    expect(doc?.l).to.be.instanceOf(Long);
    expect(String(doc?.l)).to.equal('6');
    expect(doc?.i).to.be.instanceOf(Double);
    expect(Number(doc?.i)).to.equal(4.5);
  });

  it('round-trips bigint through a client with useBigInt64', async () => {
    const client = await MongoClient.connect(mongoUriFor(h.db.databaseName), { useBigInt64: true });
    try {
      const big = client.db(h.db.databaseName).collection('big');
      await big.insertOne({ _id: 1 as never, n: 2n ** 60n + 1n, small: 7n });
      await big.updateOne({ _id: 1 as never }, { $set: { touched: true } });
      const doc = await big.findOne({ _id: 1 as never });
      expect(doc?.n).to.equal(2n ** 60n + 1n);
      expect(doc?.small).to.equal(7n);
      expect(await big.countDocuments({ small: { $type: 'long' } })).to.equal(1);
    } finally {
      await client.close();
    }
  });
});

describe('embedded-mongo: $min / $max / $addToSet compare across numeric types', () => {
  let h: Awaited<ReturnType<typeof openDb>>;
  before(async () => (h = await openDb('emb_types_ops')));
  after(() => h.close());

  it('treats Long(5), 5 and 5.0 as one value and keeps the stored type when nothing changes', async () => {
    const c = h.db.collection('ops');
    await c.insertOne({ _id: 1 as never, l: Long.fromNumber(5), set: [Long.fromNumber(5), 'a'] });
    expect((await c.updateOne({ _id: 1 as never }, { $max: { l: 3 } })).modifiedCount).to.equal(0);
    expect((await c.updateOne({ _id: 1 as never }, { $addToSet: { set: 5 } })).modifiedCount).to.equal(0);
    await c.updateOne({ _id: 1 as never }, { $addToSet: { set: { $each: [5.5, 'a', 'b', 'b'] } } });
    await c.updateOne({ _id: 1 as never }, { $min: { l: 2 }, $max: { m: 1 } });
    const doc = await c.findOne({ _id: 1 as never }, { promoteValues: false });
    expect(doc?.set.map(String)).to.deep.equal(['5', 'a', '5.5', 'b']);
    expect(doc?.set[0]).to.be.instanceOf(Long);
    expect(Number(doc?.l)).to.equal(2);
    expect(Number(doc?.m)).to.equal(1);
  });
});
