import { expect } from 'chai';
import { Decimal128, Long, type Collection, type Document } from 'mongodb';
import { openDb } from './helpers';

/** Index keys and sort order for values Number() or a null key would blur: empty arrays, wide Longs and Decimal128s. */
describe('embedded-mongo: empty-array and wide-number index keys', () => {
  let h: Awaited<ReturnType<typeof openDb>>;
  before(async () => {
    h = await openDb('emb_bson_keys');
  });
  after(() => h.close());
  const coll = (name: string) => h.db.collection<Document>(name) as Collection<Document>;

  it('indexes an empty array apart from a missing field (a unique index lets both in) and sorts it before null', async () => {
    const c = coll('empty');
    await c.createIndex({ t: 1 }, { unique: true });
    await c.insertOne({ _id: 'empty', t: [] } as Document);
    await c.insertOne({ _id: 'missing' } as Document);
    const again = await c.insertOne({ _id: 'empty2', t: [] } as Document).catch((e) => e);
    expect(again.code).to.equal(11000);
    await c.insertOne({ _id: 'one', t: 1 } as Document);
    expect((await c.find().sort({ t: 1 }).toArray()).map((d) => d._id)).to.deep.equal(['empty', 'missing', 'one']);
    expect((await c.find().sort({ t: -1 }).toArray()).map((d) => d._id)).to.deep.equal(['one', 'missing', 'empty']);
    expect(await c.countDocuments({ t: { $size: 0 } })).to.equal(1);
  });

  it('keeps Long values beyond 2^53 apart as _id and in a unique index, and orders them exactly', async () => {
    const c = coll('longs');
    await c.createIndex({ n: 1 }, { unique: true });
    const a = Long.fromString('9007199254740993'), b = Long.fromString('9007199254740992'), d = Long.fromString('9007199254740995');
    await c.insertMany([{ _id: a, n: a }, { _id: b, n: b }, { _id: d, n: d }] as Document[]);
    expect(await c.countDocuments()).to.equal(3);
    const found = await c.findOne({ _id: a } as Document, { promoteLongs: false });
    expect(String(found?.n)).to.equal('9007199254740993');
    expect((await c.find({}, { promoteLongs: false }).sort({ n: -1 }).toArray()).map((x) => String(x.n))).to.deep.equal(['9007199254740995', '9007199254740993', '9007199254740992']);
    const dup = await c.insertOne({ n: Long.fromString('9007199254740993') } as Document).catch((e) => e);
    expect(dup.code).to.equal(11000);
    // a Long equal to a double is still the same key
    expect((await c.insertOne({ n: 9007199254740992 } as Document).catch((e) => e)).code).to.equal(11000);
  });

  it('keeps Decimal128 values that round to the same double apart', async () => {
    const c = coll('decimals');
    await c.createIndex({ n: 1 }, { unique: true });
    await c.insertMany([{ n: Decimal128.fromString('12345678901234567890123') }, { n: Decimal128.fromString('12345678901234567890124') }, { n: Decimal128.fromString('0.5') }]);
    expect(await c.countDocuments({ n: Decimal128.fromString('12345678901234567890124') })).to.equal(1);
    expect((await c.insertOne({ n: 0.5 }).catch((e) => e)).code).to.equal(11000);
    expect((await c.find().sort({ n: 1 }).toArray()).map((x) => String(x.n))).to.deep.equal(['0.5', '12345678901234567890123', '12345678901234567890124']);
  });
});
