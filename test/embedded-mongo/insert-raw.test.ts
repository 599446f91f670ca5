import { expect } from 'chai';
import { Binary, BSONRegExp, Code, Decimal128, Double, Int32, Long, MaxKey, MinKey, ObjectId, Timestamp, type Document } from 'mongodb';
import { arrayDocuments, moveIdFirst } from '../../src/embedded-mongo/raw-bson';
import { serialize } from 'bson';
import { openDb } from './helpers';

/** Inserted documents keep every value and type, with `_id` first, whether the client or the driver gave the _id. */
describe('embedded-mongo: inserted documents as sent', () => {
  let h: Awaited<ReturnType<typeof openDb>>;
  before(async () => {
    h = await openDb('emb_insert_raw');
  });
  after(() => h.close());

  const everyType = (i: number): Document => ({
    title: `第${i}篇`,
    dbl: new Double(2),
    int: new Int32(7),
    long: Long.fromString('9007199254740993'),
    dec: Decimal128.fromString('1.10'),
    when: new Date(Date.UTC(2020, 0, i + 1)),
    flag: i % 2 === 0,
    none: null,
    oid: new ObjectId(),
    bin: new Binary(Buffer.from([1, 2, 3]), 4),
    re: new BSONRegExp('^a', 'i'),
    code: new Code('x'),
    ts: new Timestamp({ t: 1, i: 2 }),
    min: new MinKey(),
    max: new MaxKey(),
    tags: ['产业扶贫', { nested: [1, 'two'] }],
    sub: { a: { b: 'c' } },
  });

  it('stores the driver-generated _id first and every field unchanged (insertMany without _id)', async () => {
    const c = h.db.collection('articles');
    const sent = [0, 1, 2].map(everyType);
    await c.insertMany(sent);
    const back = await c.find({}, { promoteValues: false, promoteLongs: false }).sort({ when: 1 }).toArray();
    expect(back).to.have.length(3);
    back.forEach((doc, i) => {
      expect(Object.keys(doc)).to.deep.equal(['_id', ...Object.keys(everyType(0))]);
      expect(serialize(doc)).to.deep.equal(serialize({ _id: sent[i]._id, ...everyType(i), oid: sent[i].oid }));
    });
  });

  it('stores an insertOne document (sent inside the command body) the same way, as sent with _id first', async () => {
    const c = h.db.collection('single');
    const sent = everyType(5);
    await c.insertOne(sent);
    await c.insertOne({ _id: 'given' as unknown as ObjectId, ...everyType(6) });
    const [generated, given] = await c.find({}, { promoteValues: false, promoteLongs: false }).sort({ when: 1 }).toArray();
    expect(serialize(generated)).to.deep.equal(serialize({ _id: sent._id, ...everyType(5), oid: sent.oid }));
    expect(given._id).to.equal('given');
    expect(Object.keys(given)).to.deep.equal(['_id', ...Object.keys(everyType(0))]);
  });

  it('arrayDocuments: the bytes of each document of a top-level array, or undefined for anything else', () => {
    const docs = [{ a: 1 }, { b: 'x', c: [1, { d: 2 }] }];
    const body = Buffer.from(serialize({ insert: 'c', documents: docs, ordered: true }));
    expect(arrayDocuments(body, 'documents')).to.deep.equal(docs.map((d) => Buffer.from(serialize(d))));
    expect(arrayDocuments(Buffer.from(serialize({ insert: 'c', documents: [{ a: 1 }, 2] })), 'documents')).to.equal(undefined);
    expect(arrayDocuments(body, 'missing')).to.equal(undefined);
  });

  it('moveIdFirst: the same bytes mongod would store, or undefined when there is no _id', () => {
    const id = new ObjectId();
    const doc = { a: 1, s: 'x', r: new BSONRegExp('a', 'i'), _id: id, z: [1] };
    expect(moveIdFirst(Buffer.from(serialize(doc)))).to.deep.equal(Buffer.from(serialize({ _id: id, a: 1, s: 'x', r: new BSONRegExp('a', 'i'), z: [1] })));
    expect(moveIdFirst(Buffer.from(serialize({ a: 1 })))).to.equal(undefined);
    const first = Buffer.from(serialize({ _id: 1, a: 2 }));
    expect(moveIdFirst(first)).to.equal(first);
  });
});
