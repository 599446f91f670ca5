import { expect } from 'chai';
import type { Collection, Document } from 'mongodb';
import { openDb } from './helpers';

/** The document an upsert inserts, and updates whose paths conflict. */
describe('embedded-mongo: upsert seeding and conflicting update paths', () => {
  let h: Awaited<ReturnType<typeof openDb>>;
  let c: Collection<Document>;
  before(async () => {
    h = await openDb('emb_upsert');
    c = h.db.collection('docs');
  });
  beforeEach(() => c.deleteMany({}));
  after(() => h.close());

  it('seeds an upsert with equality fields only, never with a regex match', async () => {
    await c.updateOne({ name: /^ab/, tag: 't', n: { $eq: 3 }, m: { $gt: 1 } }, { $set: { v: 1 } }, { upsert: true });
    const doc = await c.findOne({}, { projection: { _id: 0 } });
    expect(doc).to.deep.equal({ tag: 't', n: 3, v: 1 });
  });

  it('refuses $set and $setOnInsert on the same path with 40 ConflictingUpdateOperators', async () => {
    const err = await c.updateOne({ k: 1 }, { $set: { v: 1 }, $setOnInsert: { v: 2 } }, { upsert: true }).catch((e) => e);
    expect(err.code).to.equal(40);
    expect(err.message).to.equal("Updating the path 'v' would create a conflict at 'v'");
    const nested = await c.updateOne({ k: 1 }, { $set: { a: { b: 1 } }, $setOnInsert: { 'a.c': 2 } }, { upsert: true }).catch((e) => e);
    expect(nested.code).to.equal(40);
    expect(nested.message).to.equal("Updating the path 'a.c' would create a conflict at 'a'");
    const between = await c.updateOne({ k: 1 }, { $set: { 'x.y': 1 }, $inc: { x: 1 } }, { upsert: true }).catch((e) => e);
    expect(between.code).to.equal(40);
    expect(await c.countDocuments()).to.equal(0);
  });

  it('accepts replacement documents whose sub-documents share field names', async () => {
    await c.replaceOne({ k: 2 }, { k: 2, a: { x: 1 }, b: { x: 2 } }, { upsert: true });
    expect(await c.findOne({ k: 2 }, { projection: { _id: 0 } })).to.deep.equal({ k: 2, a: { x: 1 }, b: { x: 2 } });
  });

  it('applies $setOnInsert next to $set on other paths, only when inserting', async () => {
    await c.updateOne({ k: 1 }, { $set: { v: 1 }, $setOnInsert: { created: 'first' } }, { upsert: true });
    await c.updateOne({ k: 1 }, { $set: { v: 2 }, $setOnInsert: { created: 'second' } }, { upsert: true });
    expect(await c.findOne({ k: 1 }, { projection: { _id: 0 } })).to.deep.equal({ k: 1, v: 2, created: 'first' });
  });
});
