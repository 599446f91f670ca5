import { expect } from 'chai';
import { MongoBulkWriteError, type Document } from 'mongodb';
import { openDb } from './helpers';

const codes = (err: unknown) => (err as MongoBulkWriteError).writeErrors as unknown as { index: number; code: number; errmsg: string }[];

/**
 * Batch inserts into a collection with a unique index besides `_id` (the WeChat claims' shape): each document is
 * checked as if inserted alone, in order, against the stored documents and the ones accepted before it in the batch;
 * updates that leave a unique key alone are not refused by it.
 */
describe('embedded-mongo: batch writes with a second unique index', () => {
  let h: Awaited<ReturnType<typeof openDb>>;
  before(async () => {
    h = await openDb('emb_batch_unique');
  });
  after(() => h.close());

  async function claims(name: string) {
    const c = h.db.collection<Document & { _id: string }>(name);
    await c.createIndex({ sig: 1 }, { unique: true, sparse: true });
    await c.createIndex({ at: 1 });
    await c.insertOne({ _id: 'stored', sig: 's-stored', at: 0 });
    return c;
  }

  it('unordered: reports every duplicate by position, the _id first when both collide, and stores the rest', async () => {
    const c = await claims('unordered');
    const err = await c
      .insertMany(
        [
          { _id: 'a', sig: 's-a', at: 1 },
          { _id: 'stored', sig: 's-new', at: 2 }, // taken _id
          { _id: 'b', sig: 's-a', at: 3 }, // signature of an earlier document of the batch
          { _id: 'stored', sig: 's-stored', at: 4 }, // both taken: the _id is reported
          { _id: 'a', sig: 's-c', at: 5 }, // _id of an earlier document of the batch
          { _id: 'c', sig: 's-new', at: 6 }, // the signature of a document refused above is free
          { _id: 'd', at: 7 }, // sparse: no signature, no entry
          { _id: 'e', at: 8 },
        ],
        { ordered: false },
      )
      .catch((e: unknown) => e);
    expect(err).to.be.instanceOf(MongoBulkWriteError);
    const errors = codes(err);
    expect(errors.map((e) => [e.index, e.code])).to.deep.equal([[1, 11000], [2, 11000], [3, 11000], [4, 11000]]);
    expect(errors[0].errmsg).to.include('index: _id_');
    expect(errors[1].errmsg).to.include('index: sig_1');
    expect(errors[2].errmsg).to.include('index: _id_');
    expect(errors[3].errmsg).to.include('index: _id_');
    expect((err as MongoBulkWriteError).result.insertedCount).to.equal(4);
    const back = await c.find({}, { sort: { at: 1 } }).toArray();
    expect(back.map((d) => d._id)).to.deep.equal(['stored', 'a', 'c', 'd', 'e']);
    expect(await c.find({ sig: 's-new' }).toArray()).to.deep.equal([{ _id: 'c', sig: 's-new', at: 6 }]);
    expect(await c.countDocuments({ at: { $gte: 1 } })).to.equal(4);
  });

  it('ordered: stops at the first duplicate and keeps the documents before it', async () => {
    const c = await claims('ordered');
    const err = await c
      .insertMany([
        { _id: 'a', sig: 's-a', at: 1 },
        { _id: 'b', sig: 's-b', at: 2 },
        { _id: 'c', sig: 's-a', at: 3 },
        { _id: 'd', sig: 's-d', at: 4 },
      ])
      .catch((e: unknown) => e);
    expect(codes(err).map((e) => [e.index, e.code])).to.deep.equal([[2, 11000]]);
    expect((await c.find({}, { sort: { _id: 1 } }).toArray()).map((d) => d._id)).to.deep.equal(['a', 'b', 'stored']);
  });

  it('a batch of signatures taken within the same command is seen by later writes of it and after it', async () => {
    const c = await claims('later');
    await c.insertMany(Array.from({ length: 250 }, (_, i) => ({ _id: `m${i}`, sig: `s${i}`, at: i })), { ordered: false });
    const err = await c.insertOne({ _id: 'x', sig: 's249', at: 0 }).catch((e: unknown) => e);
    expect((err as { code?: number }).code).to.equal(11000);
    expect(await c.countDocuments()).to.equal(251);
    expect(await c.findOne({ sig: 's17' })).to.deep.equal({ _id: 'm17', sig: 's17', at: 17 });
  });

  it('updates that keep their unique key succeed; those taking another document\'s key are refused', async () => {
    const c = await claims('updates');
    await c.insertMany([
      { _id: 'a', sig: 's-a', at: 1 },
      { _id: 'b', sig: 's-b', at: 2 },
    ]);
    const res = await c.bulkWrite(
      [
        { updateOne: { filter: { _id: 'a' }, update: { $set: { reply: 'ok', sig: 's-a' } } } },
        { updateOne: { filter: { _id: 'b' }, update: { $set: { sig: 's-a' } } } },
        { updateOne: { filter: { _id: 'b' }, update: { $set: { reply: 'fine' } } } },
      ],
      { ordered: false },
    ).catch((e: unknown) => e);
    expect(codes(res).map((e) => [e.index, e.code])).to.deep.equal([[1, 11000]]);
    expect(await c.find({ _id: { $in: ['a', 'b'] } }, { sort: { _id: 1 } }).toArray()).to.deep.equal([
      { _id: 'a', sig: 's-a', at: 1, reply: 'ok' },
      { _id: 'b', sig: 's-b', at: 2, reply: 'fine' },
    ]);
  });
});
