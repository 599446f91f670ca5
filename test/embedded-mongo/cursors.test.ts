import { expect } from 'chai';
import { Long, type Db } from 'mongodb';
import { openDb } from './helpers';

describe('embedded-mongo: cursors', () => {
  let db: Db;
  let close: () => Promise<void>;
  before(async () => {
    ({ db, close } = await openDb('cur'));
    await db.collection('c').insertMany(Array.from({ length: 1050 }, (_, i) => ({ _id: i as never, pad: 'x'.repeat(100) })));
  });
  after(async () => close());

  it('returns firstBatch/nextBatch with a cursor id until exhausted', async () => {
    const first = await db.command({ find: 'c', filter: {}, sort: { _id: 1 }, batchSize: 100 });
    expect(first.cursor.firstBatch.length).to.equal(100);
    expect(first.cursor.ns).to.equal(`${db.databaseName}.c`);
    expect(Long.isLong(first.cursor.id) || typeof first.cursor.id === 'number').to.equal(true);
    expect(String(first.cursor.id)).to.not.equal('0');
    const more = await db.command({ getMore: first.cursor.id, collection: 'c', batchSize: 1000 });
    expect(more.cursor.nextBatch.length).to.equal(950);
    expect(more.cursor.nextBatch[0]._id).to.equal(100);
    expect(String(more.cursor.id)).to.equal('0');
    const gone = await db.command({ getMore: first.cursor.id, collection: 'c' }).catch((e) => e);
    expect(gone.code).to.equal(43);
  });

  it('iterates a driver cursor over many batches', async () => {
    let n = 0, last = -1;
    for await (const doc of db.collection('c').find({}, { batchSize: 64 }).sort({ _id: 1 })) {
      expect(doc._id).to.equal(last + 1);
      last = doc._id as unknown as number;
      n++;
    }
    expect(n).to.equal(1050);
  });

  it('closes the cursor after limit and with singleBatch', async () => {
    const limited = await db.command({ find: 'c', filter: {}, limit: 5, batchSize: 2 });
    expect(limited.cursor.firstBatch.length).to.equal(2);
    const rest = await db.command({ getMore: limited.cursor.id, collection: 'c' });
    expect(rest.cursor.nextBatch.length).to.equal(3);
    expect(String(rest.cursor.id)).to.equal('0');
    const single = await db.command({ find: 'c', filter: {}, batchSize: 3, singleBatch: true });
    expect(String(single.cursor.id)).to.equal('0');
  });

  it('kills cursors', async () => {
    const first = await db.command({ find: 'c', filter: {}, batchSize: 1 });
    const killed = await db.command({ killCursors: 'c', cursors: [first.cursor.id] });
    expect(killed.cursorsKilled.map(String)).to.deep.equal([String(first.cursor.id)]);
    const err = await db.command({ getMore: first.cursor.id, collection: 'c' }).catch((e) => e);
    expect(err.code).to.equal(43);
    const cursor = db.collection('c').find({}, { batchSize: 10 });
    await cursor.next();
    await cursor.close();
  });

  it('gives an empty first batch for batchSize 0', async () => {
    const r = await db.command({ find: 'c', filter: {}, batchSize: 0 });
    expect(r.cursor.firstBatch).to.deep.equal([]);
    await db.command({ killCursors: 'c', cursors: [r.cursor.id] });
  });
});
