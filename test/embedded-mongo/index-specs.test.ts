import { expect } from 'chai';
import type { Db } from 'mongodb';
import { openDb } from './helpers';

/** createIndexes / collMod refuse what mongod refuses, and leave the existing indexes as they were. */
describe('embedded-mongo: index specification checks', () => {
  let h: Awaited<ReturnType<typeof openDb>>;
  let db: Db;
  before(async () => {
    h = await openDb('emb_index_specs');
    db = h.db;
  });
  after(() => h.close());

  const names = async (coll: string) => (await db.collection(coll).listIndexes().toArray()).map((i) => i.name);
  const create = (coll: string, indexes: object[]) => db.command({ createIndexes: coll, indexes }).catch((e) => e);

  it('refuses an existing key pattern under another name with 85 IndexOptionsConflict', async () => {
    await db.collection('dup').createIndex({ a: 1 }, { name: 'a_1' });
    const same = await create('dup', [{ key: { a: 1 }, name: 'other' }]);
    expect(same.code).to.equal(85);
    expect(same.message).to.equal('Index already exists with a different name: a_1');
    const differentOptions = await create('dup', [{ key: { a: 1 }, name: 'other', unique: true }]);
    expect(differentOptions.code).to.equal(85);
    expect(await names('dup')).to.deep.equal(['_id_', 'a_1']);
    // a different partial filter makes it a different index, as in mongod
    await db.collection('dup').createIndex({ a: 1 }, { name: 'a_published', partialFilterExpression: { s: 'p' } });
    expect(await names('dup')).to.deep.equal(['_id_', 'a_1', 'a_published']);
  });

  it('refuses the same key pattern twice in one request, and the same name with another key', async () => {
    const twice = await create('twice', [{ key: { b: 1 }, name: 'b1' }, { key: { b: 1 }, name: 'b2' }]);
    expect(twice.code).to.equal(85);
    const sameName = await create('twice', [{ key: { b: 1 }, name: 'x' }, { key: { c: 1 }, name: 'x' }]);
    expect(sameName.code).to.equal(86);
    expect((await db.listCollections({ name: 'twice' }).toArray()).length).to.equal(0);
  });

  it('refuses a non-finite, negative or non-numeric expireAfterSeconds, and TTL on _id', async () => {
    for (const bad of [NaN, Infinity, -1, 'soon']) {
      const err = await create('ttl', [{ key: { at: 1 }, name: 'at_1', expireAfterSeconds: bad }]);
      expect(err.code, String(bad)).to.equal(67);
    }
    const onId = await create('ttl', [{ key: { _id: 1 }, name: 'id_ttl', expireAfterSeconds: 10 }]);
    expect(onId.code).to.equal(197);
    await db.collection('ttl').createIndex({ at: 1 }, { expireAfterSeconds: 60 });
    const collModNaN = await db.command({ collMod: 'ttl', index: { name: 'at_1', expireAfterSeconds: NaN } }).catch((e) => e);
    expect(collModNaN).to.be.instanceOf(Error);
    const collModId = await db.command({ collMod: 'ttl', index: { name: '_id_', expireAfterSeconds: 10 } }).catch((e) => e);
    expect(collModId).to.be.instanceOf(Error);
    const ok = await db.command({ collMod: 'ttl', index: { name: 'at_1', expireAfterSeconds: 120 } });
    expect(ok).to.include({ expireAfterSeconds_old: 60, expireAfterSeconds_new: 120 });
    const specs = await db.collection('ttl').listIndexes().toArray();
    expect(specs.map((i) => [i.name, i.expireAfterSeconds])).to.deep.equal([['_id_', undefined], ['at_1', 120]]);
  });
});
