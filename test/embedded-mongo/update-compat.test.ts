import { expect } from 'chai';
import type { Collection, Document } from 'mongodb';
import { openDb } from './helpers';

describe('embedded-mongo: update and match corner cases', () => {
  let h: Awaited<ReturnType<typeof openDb>>;
  let c: Collection<Document>;
  before(async () => {
    h = await openDb('emb_update_compat');
    c = h.db.collection('docs');
  });
  beforeEach(async () => {
    await c.deleteMany({});
    await c.insertMany([
      { _id: 1, n: 5, tags: ['a', 'b'], items: [{ k: 1, v: 'x' }, { k: 2, v: 'y' }, { k: 3, v: 'z' }] },
      { _id: 2, n: [5, 6], tags: 'a' },
    ] as Document[]);
  });
  after(() => h.close());

  it('$pull with $or removes every element matching one of the branches', async () => {
    await c.updateOne({ _id: 1 as never }, { $pull: { items: { $or: [{ k: 1 }, { v: 'z' }] } } as never });
    expect((await c.findOne({ _id: 1 as never }))?.items).to.deep.equal([{ k: 2, v: 'y' }]);
  });

  it('$pull with operator conditions on scalars', async () => {
    await c.updateOne({ _id: 1 as never }, { $pull: { tags: { $in: ['a'] } } as never });
    expect((await c.findOne({ _id: 1 as never }))?.tags).to.deep.equal(['b']);
  });

  it('$all on a non-array field matches a scalar equal to every value', async () => {
    const ids = async (f: Document) => (await c.find(f).sort({ _id: 1 }).toArray()).map((d) => d._id);
    expect(await ids({ n: { $all: [5] } })).to.deep.equal([1, 2]);
    expect(await ids({ tags: { $all: ['a'] } })).to.deep.equal([1, 2]);
    expect(await ids({ tags: { $all: ['a', 'b'] } })).to.deep.equal([1]);
    expect(await ids({ n: { $all: [5, 6] } })).to.deep.equal([2]);
    expect(await ids({ n: { $all: [] } })).to.deep.equal([]);
  });

  it('$set of an unchanged _id is allowed, a changed one refused', async () => {
    const r = await c.updateOne({ _id: 1 as never }, { $set: { _id: 1, n: 9 } as never });
    expect(r.modifiedCount).to.equal(1);
    expect((await c.findOne({ _id: 1 as never }))?.n).to.equal(9);
    const err = await c.updateOne({ _id: 1 as never }, { $set: { _id: 3 } as never }).catch((e) => e);
    expect(err.code).to.equal(66);
  });

  it('two paths under one positional operator update the same element', async () => {
    await c.updateOne({ _id: 1 as never, 'items.k': 2 } as Document, { $set: { 'items.$.v': 'Y', 'items.$.w': true } });
    expect((await c.findOne({ _id: 1 as never }))?.items[1]).to.deep.equal({ k: 2, v: 'Y', w: true });
    await c.updateOne({ _id: 1 as never, 'items.k': 3 } as Document, { $set: { 'items.$.v': 'Z' }, $inc: { 'items.$.k': 10 } });
    expect((await c.findOne({ _id: 1 as never }))?.items[2]).to.deep.equal({ k: 13, v: 'Z' });
    await c.updateOne({ _id: 1 as never }, { $set: { 'items.$[e].v': 'all', 'items.$[e].seen': 1 } }, { arrayFilters: [{ 'e.k': { $gte: 2 } }] });
    expect((await c.findOne({ _id: 1 as never }))?.items.map((i: Document) => i.v)).to.deep.equal(['x', 'all', 'all']);
    const conflict = await c.updateOne({ _id: 1 as never, 'items.k': 1 } as Document, { $set: { 'items.$': { k: 0 }, 'items.$.v': 'q' } }).catch((e) => e);
    expect(conflict.code).to.equal(40);
  });
});

describe('embedded-mongo: $jsonSchema validators', () => {
  let h: Awaited<ReturnType<typeof openDb>>;
  const schema = {
    $jsonSchema: {
      bsonType: 'object',
      required: ['name', 'age'],
      properties: {
        name: { bsonType: 'string', minLength: 1, description: '姓名' },
        age: { bsonType: ['int', 'long'], minimum: 18, maximum: 120 },
        phone: { bsonType: 'string', pattern: '^1[3-9]\\d{9}$' },
        role: { enum: ['deputy', 'staff'] },
        tags: { bsonType: 'array', items: { bsonType: 'string' }, maxItems: 3 },
      },
    },
  };
  before(async () => (h = await openDb('emb_validation')));
  after(() => h.close());

  it('enforces a create validator on insert and update with code 121', async () => {
    await h.db.createCollection('people', { validator: schema });
    const c = h.db.collection('people');
    await c.insertOne({ name: '张伟', age: 40, phone: '13800138000', role: 'deputy', tags: ['a'] });
    for (const bad of [{ name: '李娜' }, { name: '', age: 30 }, { name: 'x', age: 12 }, { name: 'x', age: 30.5 }, { name: 'x', age: 30, phone: '123' }, { name: 'x', age: 30, role: 'boss' }, { name: 'x', age: 30, tags: [1] }, { name: 'x', age: 30, tags: ['a', 'b', 'c', 'd'] }]) {
      const err = await c.insertOne(bad).catch((e) => e);
      expect(err.code, JSON.stringify(bad)).to.equal(121);
    }
    const err = await c.updateOne({ name: '张伟' }, { $set: { age: 5 } }).catch((e) => e);
    expect(err.code).to.equal(121);
    expect((await c.findOne({ name: '张伟' }))?.age).to.equal(40);
    expect(await c.countDocuments()).to.equal(1);
    await c.insertOne({ name: 'bypass' }, { bypassDocumentValidation: true });
    expect(await c.countDocuments()).to.equal(2);
  });

  it('collMod sets a validator; moderate level spares invalid existing documents; warn only logs', async () => {
    const c = h.db.collection('later');
    await c.insertMany([{ name: 'old' }, { name: 'ok', age: 30 }]);
    await h.db.command({ collMod: 'later', validator: schema, validationLevel: 'moderate' });
    const info = (await h.db.listCollections({ name: 'later' }).toArray())[0] as Document;
    expect(info.options.validationLevel).to.equal('moderate');
    expect(info.options.validator).to.deep.equal(schema);
    await c.updateOne({ name: 'old' }, { $set: { x: 1 } });
    const err = await c.updateOne({ name: 'ok' }, { $unset: { age: '' } }).catch((e) => e);
    expect(err.code).to.equal(121);
    await h.db.command({ collMod: 'later', validationAction: 'warn' });
    await c.insertOne({ name: 'warned' });
    expect(await c.countDocuments({ name: 'warned' })).to.equal(1);
    await h.db.command({ collMod: 'later', validationLevel: 'off', validationAction: 'error' });
    await c.insertOne({ nothing: true });
    expect(await c.countDocuments({ nothing: true })).to.equal(1);
  });

  it('a query-operator validator works as well', async () => {
    await h.db.createCollection('q', { validator: { status: { $in: ['draft', 'published'] } } });
    const err = await h.db.collection('q').insertOne({ status: 'x' }).catch((e) => e);
    expect(err.code).to.equal(121);
    await h.db.collection('q').insertOne({ status: 'draft' });
  });

  it('findMatching documents with $jsonSchema in a query', async () => {
    const c = h.db.collection('people');
    expect(await c.countDocuments({ $jsonSchema: { required: ['phone'] } })).to.equal(1);
  });
});
