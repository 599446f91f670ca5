import { expect } from 'chai';
import { MongoBulkWriteError, MongoServerError, ObjectId, type Collection, type Db } from 'mongodb';
import { openDb } from './helpers';

describe('embedded-mongo: CRUD through the official driver', () => {
  let db: Db;
  let close: () => Promise<void>;
  before(async () => ({ db, close } = await openDb('crud')));
  after(async () => close());

  describe('insert and find', () => {
    let c: Collection;
    before(async () => {
      c = db.collection('items');
      await c.insertMany([
        { _id: 1 as never, name: 'a', n: 5, tags: ['x', 'y'], sub: { k: 1 } },
        { _id: 2 as never, name: 'b', n: 3, tags: ['y'], sub: { k: 2 } },
        { _id: 3 as never, name: 'c', n: 9, tags: [], sub: { k: 3 } },
        { _id: 4 as never, name: 'd', n: null },
        { _id: 5 as never, name: 'e' },
      ]);
    });

    it('assigns an ObjectId when _id is missing and returns it', async () => {
      const r = await db.collection('auto').insertOne({ x: 1 });
      expect(r.insertedId).to.be.instanceOf(ObjectId);
      const doc = await db.collection('auto').findOne({ _id: r.insertedId });
      expect(doc).to.deep.equal({ _id: r.insertedId, x: 1 });
    });

    it('filters with comparison, logical, array and element operators', async () => {
      const ids = async (f: object) => (await c.find(f).sort({ _id: 1 }).toArray()).map((d) => d._id);
      expect(await ids({ n: { $gt: 4 } })).to.deep.equal([1, 3]);
      expect(await ids({ n: { $gte: 3, $lt: 9 } })).to.deep.equal([1, 2]);
      expect(await ids({ n: null })).to.deep.equal([4, 5]);
      expect(await ids({ n: { $exists: false } })).to.deep.equal([5]);
      expect(await ids({ tags: 'y' })).to.deep.equal([1, 2]);
      expect(await ids({ tags: { $size: 0 } })).to.deep.equal([3]);
      expect(await ids({ tags: { $all: ['x', 'y'] } })).to.deep.equal([1]);
      expect(await ids({ $or: [{ name: 'a' }, { n: 3 }] })).to.deep.equal([1, 2]);
      expect(await ids({ name: { $in: ['c', 'e', 'zz'] } })).to.deep.equal([3, 5]);
      expect(await ids({ name: { $nin: ['a', 'b'] } })).to.deep.equal([3, 4, 5]);
      expect(await ids({ name: /^[bc]$/ })).to.deep.equal([2, 3]);
      expect(await ids({ 'sub.k': { $ne: 2 } })).to.deep.equal([1, 3, 4, 5]);
      expect(await ids({ sub: { k: 2 } })).to.deep.equal([2]);
      expect(await ids({ $expr: { $gt: ['$n', 4] } })).to.deep.equal([1, 3]);
    });

    it('projects, sorts, skips and limits', async () => {
      const docs = await c.find({ n: { $type: 'number' } }, { projection: { name: 1, _id: 0 } }).sort({ n: -1 }).skip(1).limit(1).toArray();
      expect(docs).to.deep.equal([{ name: 'a' }]);
      const excl = await c.findOne({ _id: 1 as never }, { projection: { tags: 0, sub: 0 } });
      expect(excl).to.deep.equal({ _id: 1, name: 'a', n: 5 });
      const slice = await c.findOne({ _id: 1 as never }, { projection: { tags: { $slice: 1 } } });
      expect(slice?.tags).to.deep.equal(['x']);
    });

    it('sorts mixed types in BSON order (null/missing < numbers < strings)', async () => {
      const m = db.collection('mixed');
      await m.insertMany([{ v: 'b' }, { v: 2 }, { v: null }, { v: 1.5 }, {}, { v: 'a' }, { v: new Date(0) }, { v: true }]);
      const vs = (await m.find({}, { projection: { _id: 0 } }).sort({ v: 1 }).toArray()).map((d) => d.v);
      expect(vs.slice(2)).to.deep.equal([1.5, 2, 'a', 'b', true, new Date(0)]);
    });

    it('counts and distincts', async () => {
      expect(await c.countDocuments({ n: { $gte: 5 } })).to.equal(2);
      expect(await c.estimatedDocumentCount()).to.equal(5);
      expect(await c.distinct('tags')).to.deep.equal(['x', 'y']);
      expect(await c.distinct('sub.k', { 'sub.k': { $gt: 1 } })).to.deep.equal([2, 3]);
    });
  });

  describe('updates', () => {
    let c: Collection;
    beforeEach(async () => {
      c = db.collection('upd');
      await c.deleteMany({});
      await c.insertMany([
        { _id: 1 as never, n: 1, arr: [1, 2, 3], items: [{ k: 'a', q: 1 }, { k: 'b', q: 2 }], name: 'x' },
        { _id: 2 as never, n: 2, arr: [], items: [], name: 'y' },
      ]);
    });

    it('applies field operators and reports matched/modified counts', async () => {
      const r = await c.updateOne({ _id: 1 as never }, { $set: { name: 'z', 'deep.a': 1 }, $inc: { n: 2 }, $unset: { arr: '' }, $currentDate: { at: true } });
      expect([r.matchedCount, r.modifiedCount]).to.deep.equal([1, 1]);
      const d = await c.findOne({ _id: 1 as never });
      expect(d).to.include({ name: 'z', n: 3 });
      expect(d?.deep).to.deep.equal({ a: 1 });
      expect(d?.at).to.be.instanceOf(Date);
      expect(d).not.to.have.property('arr');
      const same = await c.updateOne({ _id: 1 as never }, { $set: { name: 'z' } });
      expect([same.matchedCount, same.modifiedCount]).to.deep.equal([1, 0]);
      await c.updateOne({ _id: 1 as never }, { $min: { n: 0 }, $rename: { name: 'label' } });
      expect(await c.findOne({ _id: 1 as never }, { projection: { n: 1, label: 1 } })).to.deep.equal({ _id: 1, n: 0, label: 'z' });
    });

    it('updates arrays: $push with $each/$sort/$slice, $addToSet, $pull, positional $, $[] and $[id]', async () => {
      await c.updateOne({ _id: 2 as never }, { $push: { arr: { $each: [5, 1, 4], $sort: 1, $slice: -2 } } as never });
      expect((await c.findOne({ _id: 2 as never }))?.arr).to.deep.equal([4, 5]);
      await c.updateOne({ _id: 1 as never }, { $addToSet: { arr: { $each: [3, 4] } }, $pull: { items: { k: 'a' } } } as never);
      let d = await c.findOne({ _id: 1 as never });
      expect(d?.arr).to.deep.equal([1, 2, 3, 4]);
      expect(d?.items).to.deep.equal([{ k: 'b', q: 2 }]);
      await c.updateOne({ _id: 1 as never, 'items.k': 'b' }, { $set: { 'items.$.q': 20 } });
      await c.updateOne({ _id: 1 as never }, { $inc: { 'arr.$[]': 10 } });
      await c.updateOne({ _id: 1 as never }, { $set: { 'arr.$[big]': 0 } }, { arrayFilters: [{ big: { $gte: 13 } }] });
      d = await c.findOne({ _id: 1 as never });
      expect(d?.items).to.deep.equal([{ k: 'b', q: 20 }]);
      expect(d?.arr).to.deep.equal([11, 12, 0, 0]);
    });

    it('positional $: several fields of the matched element in one update, as mongod allows', async () => {
      const col = db.collection('positional');
      await col.insertOne({ _id: 1 as never, people: [{ p: 'a', s: 'queued', n: 0 }, { p: 'b', s: 'queued', n: 0 }] });
      await col.updateOne({ _id: 1 as never, 'people.p': 'b' }, { $set: { 'people.$.s': 'sent', 'people.$.at': 7 }, $inc: { 'people.$.n': 1 } });
      await col.updateOne({ people: { $elemMatch: { p: 'a', s: 'queued' } } }, { $set: { 'people.$.s': 'failed' } });
      expect((await col.findOne({ _id: 1 as never }))?.people).to.deep.equal([
        { p: 'a', s: 'failed', n: 0 },
        { p: 'b', s: 'sent', n: 1, at: 7 },
      ]);
      const err = await col.updateOne({ _id: 1 as never }, { $set: { 'people.$.s': 'x' } }).catch((e) => e);
      expect(err).to.be.instanceOf(MongoServerError);
      expect(err.code).to.equal(2);
      expect(err.message).to.contain('positional operator did not find the match');
    });

    it('a projection that excludes a nested field never changes the stored document', async () => {
      const col = db.collection('nested_exclusion');
      await col.insertOne({ _id: 1 as never, recipients: [{ phone: 'a', params: { link: 'L1' } }], n: 1 });
      await col.updateOne({ _id: 1 as never }, { $set: { n: 2 } });
      const projected = await col.find({ _id: 1 as never }, { projection: { 'recipients.params': 0 } }).toArray();
      expect(projected).to.deep.equal([{ _id: 1, recipients: [{ phone: 'a' }], n: 2 }]);
      expect(await col.findOne({ _id: 1 as never })).to.deep.equal({ _id: 1, recipients: [{ phone: 'a', params: { link: 'L1' } }], n: 2 });
    });

    it('replaces documents, keeping _id, and refuses to change _id', async () => {
      await c.replaceOne({ _id: 2 as never }, { only: true });
      expect(await c.findOne({ _id: 2 as never })).to.deep.equal({ _id: 2, only: true });
      const err = await c.updateOne({ _id: 2 as never }, { $set: { _id: 99 } } as never).catch((e) => e);
      expect(err).to.be.instanceOf(MongoServerError);
      expect(err.code).to.equal(66);
    });

    it('upserts with $setOnInsert and reports upsertedId', async () => {
      const r = await c.updateOne({ name: 'new', n: { $gt: 5 } }, { $set: { v: 1 }, $setOnInsert: { created: true } }, { upsert: true });
      expect(r.upsertedCount).to.equal(1);
      const d = await c.findOne({ _id: r.upsertedId as never });
      expect(d).to.deep.include({ name: 'new', v: 1, created: true });
      const again = await c.updateOne({ name: 'new' }, { $set: { v: 2 }, $setOnInsert: { created: false } }, { upsert: true });
      expect([again.matchedCount, again.upsertedCount]).to.deep.equal([1, 0]);
      expect((await c.findOne({ name: 'new' }))?.created).to.equal(true);
      const rep = await c.replaceOne({ _id: 77 as never }, { replaced: 1 }, { upsert: true });
      expect(rep.upsertedId).to.equal(77);
    });

    it('updates many documents and supports pipeline-style updates', async () => {
      const r = await c.updateMany({}, { $inc: { n: 10 } });
      expect([r.matchedCount, r.modifiedCount]).to.deep.equal([2, 2]);
      await c.updateMany({}, [{ $set: { total: { $add: ['$n', 1] } } }]);
      const docs = await c.find().sort({ _id: 1 }).toArray();
      expect(docs.map((d) => d.total)).to.deep.equal([12, 13]);
    });

    it('rejects unknown update operators with FailedToParse', async () => {
      const err = await c.updateOne({ _id: 1 as never }, { $bogus: { a: 1 } } as never).catch((e) => e);
      expect(err.code).to.equal(9);
    });
  });

  describe('deletes and findAndModify', () => {
    let c: Collection;
    beforeEach(async () => {
      c = db.collection('fam');
      await c.deleteMany({});
      await c.insertMany([1, 2, 3, 4].map((i) => ({ _id: i as never, n: i, g: i % 2 })));
    });

    it('deletes one or many', async () => {
      expect((await c.deleteOne({ g: 1 })).deletedCount).to.equal(1);
      expect((await c.deleteMany({ g: 0 })).deletedCount).to.equal(2);
      expect(await c.countDocuments()).to.equal(1);
    });

    it('findOneAndUpdate honours sort, returnDocument, projection and upsert', async () => {
      const before = await c.findOneAndUpdate({ g: 0 }, { $inc: { n: 100 } }, { sort: { n: -1 } });
      expect(before).to.deep.equal({ _id: 4, n: 4, g: 0 });
      const after = await c.findOneAndUpdate({ _id: 4 as never }, { $inc: { n: 1 } }, { returnDocument: 'after', projection: { n: 1 } });
      expect(after).to.deep.equal({ _id: 4, n: 105 });
      const meta = await c.findOneAndUpdate({ _id: 50 as never }, { $set: { n: 50 } }, { upsert: true, returnDocument: 'after', includeResultMetadata: true });
      expect(meta.value).to.deep.equal({ _id: 50, n: 50 });
      expect(meta.lastErrorObject).to.deep.include({ n: 1, updatedExisting: false, upserted: 50 });
      expect(await c.findOneAndUpdate({ _id: 999 as never }, { $set: { n: 1 } })).to.equal(null);
    });

    it('findOneAndDelete and findOneAndReplace', async () => {
      expect(await c.findOneAndDelete({ g: 1 }, { sort: { n: 1 } })).to.deep.equal({ _id: 1, n: 1, g: 1 });
      expect(await c.findOneAndReplace({ _id: 2 as never }, { r: true }, { returnDocument: 'after' })).to.deep.equal({ _id: 2, r: true });
    });
  });

  describe('bulk writes and duplicate keys', () => {
    it('stops ordered inserts at the first duplicate and reports writeErrors', async () => {
      const c = db.collection('bulk');
      await c.insertOne({ _id: 2 as never });
      const err = await c.insertMany([{ _id: 1 }, { _id: 2 }, { _id: 3 }] as never[]).catch((e) => e);
      expect(err).to.be.instanceOf(MongoBulkWriteError);
      expect(err.code).to.equal(11000);
      expect(err.result.insertedCount).to.equal(1);
      expect(err.writeErrors[0].index).to.equal(1);
      expect(err.writeErrors[0].errmsg).to.match(/^E11000 duplicate key error collection: \S+\.bulk index: _id_ dup key: \{ _id: 2 \}$/);
      expect(await c.countDocuments()).to.equal(2);
    });

    it('continues unordered inserts past duplicates', async () => {
      const c = db.collection('bulk2');
      await c.insertOne({ _id: 2 as never });
      const err = await c.insertMany([{ _id: 1 }, { _id: 2 }, { _id: 3 }, { _id: 1 }] as never[], { ordered: false }).catch((e) => e);
      expect(err.result.insertedCount).to.equal(2);
      expect(err.writeErrors.map((w: { index: number }) => w.index)).to.deep.equal([1, 3]);
    });

    it('reports a duplicate deep inside a large batch at its position, ordered and unordered, with index entries only for what was stored', async () => {
      const c = db.collection('bulkLarge');
      await c.createIndex({ k: 1 });
      await c.insertOne({ _id: 150 as never, k: -1 });
      const batch = () => Array.from({ length: 250 }, (_, i) => ({ _id: i, k: i })) as never[];
      const ordered = await c.insertMany(batch()).catch((e) => e);
      expect(ordered.result.insertedCount).to.equal(150);
      expect(ordered.writeErrors.map((w: { index: number }) => w.index)).to.deep.equal([150]);
      expect(await c.countDocuments({ k: { $gte: 0 } })).to.equal(150);
      expect(await c.countDocuments()).to.equal(151);

      const rest = Array.from({ length: 250 }, (_, i) => ({ _id: i, k: i })).concat([{ _id: 260, k: 260 }, { _id: 260, k: 261 }]) as never[];
      const unordered = await c.insertMany(rest, { ordered: false }).catch((e) => e);
      expect(unordered.result.insertedCount).to.equal(100); // 151..249 and the first 260
      expect(unordered.writeErrors.length).to.equal(152); // 0..150 taken, then the second 260
      expect(unordered.writeErrors.at(-1).index).to.equal(251);
      expect(await c.find({ k: { $gte: 0 } }).sort({ k: 1 }).toArray()).to.have.length(250);
      expect(await c.findOne({ _id: 260 as never })).to.deep.equal({ _id: 260, k: 260 });
      expect(await c.countDocuments({ k: 261 })).to.equal(0);
    });

    it('an ordered batch reports the earlier of a duplicate and a document that cannot be stored', async () => {
      const c = db.collection('bulkMixed');
      await c.insertOne({ _id: 5 as never });
      const docs = Array.from({ length: 10 }, (_, i) => ({ _id: i })) as unknown[];
      docs[7] = { _id: [1, 2] }; // an array _id is refused
      const err = await c.insertMany(docs as never[]).catch((e) => e);
      expect(err.result.insertedCount).to.equal(5);
      expect(err.writeErrors.map((w: { index: number; code: number }) => [w.index, w.code])).to.deep.equal([[5, 11000]]);
      expect(await c.countDocuments()).to.equal(6);
    });

    it('runs mixed bulkWrite operations', async () => {
      const c = db.collection('bulk3');
      const r = await c.bulkWrite([
        { insertOne: { document: { _id: 1 as never, n: 1 } } },
        { updateOne: { filter: { _id: 1 as never }, update: { $inc: { n: 1 } } } },
        { updateOne: { filter: { _id: 2 as never }, update: { $set: { n: 5 } }, upsert: true } },
        { deleteOne: { filter: { _id: 1 as never } } },
      ]);
      expect([r.insertedCount, r.modifiedCount, r.upsertedCount, r.deletedCount]).to.deep.equal([1, 1, 1, 1]);
    });

    it('maps a unique-index violation on update to E11000 with keyPattern/keyValue', async () => {
      const c = db.collection('uniq');
      await c.createIndex({ email: 1 }, { unique: true });
      await c.insertMany([{ email: 'a@x' }, { email: 'b@x' }]);
      const err = await c.updateOne({ email: 'b@x' }, { $set: { email: 'a@x' } }).catch((e) => e);
      expect(err.code).to.equal(11000);
      expect(err.keyPattern).to.deep.equal({ email: 1 });
      expect(err.keyValue).to.deep.equal({ email: 'a@x' });
      expect(await c.countDocuments({ email: 'b@x' })).to.equal(1);
    });
  });
});
