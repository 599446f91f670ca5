import { expect } from 'chai';
import type { Db } from 'mongodb';
import { openDb } from './helpers';

describe('embedded-mongo: aggregation', () => {
  let db: Db;
  let close: () => Promise<void>;
  before(async () => {
    ({ db, close } = await openDb('agg'));
    await db.collection('orders').insertMany([
      { _id: 1 as never, cust: 'a', amount: 10, items: ['x', 'y'] },
      { _id: 2 as never, cust: 'b', amount: 20, items: ['y'] },
      { _id: 3 as never, cust: 'a', amount: 5, items: [] },
      { _id: 4 as never, cust: 'c', amount: 7, items: ['z'] },
    ]);
    await db.collection('customers').insertMany([
      { _id: 'a' as never, name: 'Alice' },
      { _id: 'b' as never, name: 'Bob' },
    ]);
  });
  after(async () => close());

  const orders = () => db.collection('orders');

  it('runs $match, $group, $sort, $project, $skip, $limit and $count', async () => {
    const totals = await orders()
      .aggregate([{ $match: { amount: { $gte: 5 } } }, { $group: { _id: '$cust', total: { $sum: '$amount' }, n: { $sum: 1 } } }, { $sort: { total: -1 } }, { $project: { _id: 0, cust: '$_id', total: 1, n: 1 } }])
      .toArray();
    expect(totals).to.deep.equal([{ total: 20, n: 1, cust: 'b' }, { total: 15, n: 2, cust: 'a' }, { total: 7, n: 1, cust: 'c' }]);
    const page = await orders().aggregate([{ $sort: { amount: 1 } }, { $skip: 1 }, { $limit: 2 }, { $project: { amount: 1 } }]).toArray();
    expect(page).to.deep.equal([{ _id: 4, amount: 7 }, { _id: 1, amount: 10 }]);
    expect(await orders().aggregate([{ $match: { cust: 'a' } }, { $count: 'n' }]).toArray()).to.deep.equal([{ n: 2 }]);
  });

  it('runs $unwind, $addFields/$set and $lookup across collections of the database', async () => {
    const unwound = await orders().aggregate([{ $unwind: '$items' }, { $group: { _id: '$items', c: { $sum: 1 } } }, { $sort: { _id: 1 } }]).toArray();
    expect(unwound).to.deep.equal([{ _id: 'x', c: 1 }, { _id: 'y', c: 2 }, { _id: 'z', c: 1 }]);
    const joined = await orders()
      .aggregate([
        { $match: { _id: { $in: [1, 4] } } },
        { $lookup: { from: 'customers', localField: 'cust', foreignField: '_id', as: 'customer' } },
        { $set: { who: { $ifNull: [{ $first: '$customer.name' }, 'unknown'] } } },
        { $project: { who: 1 } },
        { $sort: { _id: 1 } },
      ])
      .toArray();
    expect(joined).to.deep.equal([{ _id: 1, who: 'Alice' }, { _id: 4, who: 'unknown' }]);
    // the source documents were not modified by the pipeline
    expect(await orders().findOne({ _id: 1 as never })).to.not.have.property('customer');
  });

  it('runs $facet with several sub-pipelines', async () => {
    const [facets] = await orders()
      .aggregate([{ $facet: { count: [{ $count: 'n' }], top: [{ $sort: { amount: -1 } }, { $limit: 1 }, { $project: { _id: 1 } }], byCust: [{ $group: { _id: '$cust' } }, { $sort: { _id: 1 } }] } }])
      .toArray();
    expect(facets).to.deep.equal({ count: [{ n: 4 }], top: [{ _id: 2 }], byCust: [{ _id: 'a' }, { _id: 'b' }, { _id: 'c' }] });
  });

  it('returns aggregation results in cursor batches', async () => {
    const c = db.collection('many');
    await c.insertMany(Array.from({ length: 250 }, (_, i) => ({ i })));
    const cursor = c.aggregate([{ $match: {} }, { $project: { i: 1, _id: 0 } }], { batchSize: 40 });
    const all = await cursor.toArray();
    expect(all.length).to.equal(250);
    expect(all[249]).to.deep.equal({ i: 249 });
  });

  it('writes results with $out', async () => {
    await orders().aggregate([{ $match: { cust: 'a' } }, { $out: 'a_orders' }]).toArray();
    expect(await db.collection('a_orders').countDocuments()).to.equal(2);
  });

  it('answers MongoDB errors for unknown stages', async () => {
    const err = await orders().aggregate([{ $bogusStage: {} }]).toArray().catch((e) => e);
    expect(err.code).to.equal(40324);
  });

  it('counts with mongoose-style countDocuments pipelines', async () => {
    expect(await orders().countDocuments({ amount: { $gt: 6 } })).to.equal(3);
    expect(await orders().countDocuments({}, { skip: 1, limit: 2 })).to.equal(2);
  });
});
