import { expect } from 'chai';
import { Double, Long, ObjectId, type Document } from 'mongodb';
import { openDb, planStages } from './helpers';

/** Point operations (`{ _id: v }`, `{ field: v }`): the same matches, order and plans as any other query. */
describe('embedded-mongo: point queries', () => {
  let h: Awaited<ReturnType<typeof openDb>>;
  before(async () => {
    h = await openDb('emb_point');
  });
  after(() => h.close());

  const ids = (docs: Document[]) => docs.map((d) => d.n);
  // documents and filters with any kind of _id
  const collection = (name: string) => h.db.collection<Document>(name);
  const id = (v: unknown): Document => ({ _id: v });

  it('finds by _id across numeric types and by ObjectId, string and date', async () => {
    const c = collection('by_id');
    const oid = new ObjectId();
    const when = new Date(Date.UTC(2001, 0, 2));
    await c.insertMany([{ _id: 1, n: 'int' }, { _id: new Double(2.5), n: 'double' } as Document, { _id: oid, n: 'oid' }, { _id: 'x', n: 'string' }, { _id: when, n: 'date' } as Document]);
    expect((await c.findOne(id(new Long(1))))?.n).to.equal('int');
    expect((await c.findOne(id(1.0)))?.n).to.equal('int');
    expect((await c.findOne(id(2.5)))?.n).to.equal('double');
    expect((await c.findOne(id(new ObjectId(oid.toHexString()))))?.n).to.equal('oid');
    expect((await c.findOne(id('x')))?.n).to.equal('string');
    expect((await c.findOne(id(new Date(when.getTime()))))?.n).to.equal('date');
    expect(await c.findOne(id('1'))).to.equal(null);
    expect(planStages(await c.find(id(1)).explain())).to.include('IDHACK');
  });

  it('finds by an indexed field: numbers across types, array elements once, in index order', async () => {
    const c = collection('by_field');
    await c.createIndex({ k: 1, n: 1 });
    await c.insertMany([{ n: 3, k: 7 }, { n: 1, k: new Double(7) }, { n: 2, k: [7, 7, 8] }, { n: 4, k: '7' }, { n: 5, k: [[7]] }, { n: 6 }]);
    expect(ids(await c.find({ k: 7 }).toArray())).to.deep.equal([1, 2, 3]);
    expect(ids(await c.find({ k: new Long(7) }).toArray())).to.deep.equal([1, 2, 3]);
    expect(ids(await c.find({ k: '7' }).toArray())).to.deep.equal([4]);
    expect((await c.findOne({ k: 8 }))?.n).to.equal(2);
    const plan = await c.find({ k: 7 }).explain('executionStats');
    expect(planStages(plan)).to.include('IXSCAN');
    expect((plan.executionStats as Document).nReturned).to.equal(3);
  });

  it('updates by _id and by an indexed field, keeping the index in step', async () => {
    const c = collection('update_point');
    await c.createIndex({ k: 1 });
    await c.insertMany([{ _id: 1, k: 'a', v: 1 }, { _id: 2, k: 'b', v: 1 }] as never[]);
    expect((await c.updateOne(id(1), { $inc: { v: 2 } })).modifiedCount).to.equal(1);
    expect((await c.updateOne({ k: 'b' }, { $set: { k: 'c' } })).modifiedCount).to.equal(1);
    expect(await c.findOne({ k: 'b' })).to.equal(null);
    expect(await c.findOne({ k: 'c' })).to.deep.equal({ _id: 2, k: 'c', v: 1 });
    expect(await c.findOne(id(1))).to.deep.equal({ _id: 1, k: 'a', v: 3 });
  });

  it('leaves a collated string equality to the collation', async () => {
    const c = collection('point_collated');
    await h.db.createCollection('point_collated', { collation: { locale: 'en', strength: 2 } });
    await c.createIndex({ name: 1 });
    await c.insertMany([{ _id: 'A', name: 'Ann' }, { _id: 'b', name: 'bob' }] as never[]);
    expect((await c.findOne({ name: 'ANN' }))?._id).to.equal('A');
    expect((await c.findOne(id('a')))?._id).to.equal('A');
    expect(await c.findOne({ name: 'ANN' }, { collation: { locale: 'simple' } })).to.equal(null);
  });
});
