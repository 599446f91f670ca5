import { expect } from 'chai';
import type { Document } from 'mongodb';
import { openDb } from './helpers';

/** What mongosh asks for: coll.stats() ($collStats), createView and views, currentOp, usersInfo, show dbs. */
describe('embedded-mongo: mongosh commands', () => {
  let h: Awaited<ReturnType<typeof openDb>>;
  before(async () => {
    h = await openDb('emb_mongosh');
    await h.db.collection('articles').insertMany([
      { _id: 1, title: 'a', status: 'published', region: '黄浦', views: 10 },
      { _id: 2, title: 'b', status: 'draft', region: '黄浦', views: 3 },
      { _id: 3, title: 'c', status: 'published', region: '徐汇', views: 7 },
    ] as Document[]);
  });
  after(() => h.close());

  it('$collStats answers storageStats and count', async () => {
    const [s] = await h.db.collection('articles').aggregate([{ $collStats: { storageStats: {}, count: {} } }]).toArray();
    expect(s.ns).to.equal(`${h.db.databaseName}.articles`);
    expect(s.storageStats.count).to.equal(3);
    expect(s.storageStats.size).to.be.above(0);
    expect(s.storageStats.nindexes).to.equal(1);
    expect(s.count).to.equal(3);
  });

  it('creates a view, lists it and reads it through find, count, distinct and aggregate', async () => {
    await h.db.createCollection('published', { viewOn: 'articles', pipeline: [{ $match: { status: 'published' } }, { $project: { status: 0 } }] });
    const info = (await h.db.listCollections({ name: 'published' }).toArray())[0] as Document;
    expect(info.type).to.equal('view');
    expect(info.options.viewOn).to.equal('articles');
    const v = h.db.collection('published');
    expect(await v.find({}).sort({ views: -1 }).toArray()).to.deep.equal([
      { _id: 1, title: 'a', region: '黄浦', views: 10 },
      { _id: 3, title: 'c', region: '徐汇', views: 7 },
    ]);
    expect(await v.find({ region: '徐汇' }, { projection: { title: 1 } }).toArray()).to.deep.equal([{ _id: 3, title: 'c' }]);
    expect(await v.countDocuments({ views: { $gt: 8 } })).to.equal(1);
    expect((await v.distinct('region')).sort()).to.deep.equal(['徐汇', '黄浦']);
    expect(await v.aggregate([{ $group: { _id: null, total: { $sum: '$views' } } }]).toArray()).to.deep.equal([{ _id: null, total: 17 }]);
    const err = await v.insertOne({ title: 'x' }).catch((e) => e);
    expect(err.code).to.equal(166);
    // a view on a view
    await h.db.createCollection('popular', { viewOn: 'published', pipeline: [{ $match: { views: { $gte: 8 } } }] });
    expect((await h.db.collection('popular').find().toArray()).map((d) => d._id)).to.deep.equal([1]);
    await h.db.collection('popular').drop();
    expect((await h.db.listCollections({ name: 'popular' }).toArray()).length).to.equal(0);
  });

  it('currentOp lists operations in progress', async () => {
    const r = await h.client.db('admin').command({ currentOp: 1 });
    expect(r.ok).to.equal(1);
    expect(r.inprog).to.be.an('array');
    const ops = await h.client.db('admin').aggregate([{ $currentOp: {} }]).toArray();
    expect(ops).to.be.an('array');
  });

  it('usersInfo answers with a users list', async () => {
    const r = await h.db.command({ usersInfo: 1 });
    expect(r.ok).to.equal(1);
    expect(r.users).to.be.an('array');
  });

  it('listDatabases includes admin, config and local', async () => {
    const { databases } = await h.client.db('admin').admin().listDatabases();
    const names = databases.map((d) => d.name);
    expect(names).to.include.members(['admin', 'config', 'local', h.db.databaseName]);
  });
});

describe('embedded-mongo: views joined and guarded', () => {
  let h: Awaited<ReturnType<typeof openDb>>;
  before(async () => {
    h = await openDb('emb_views');
    await h.db.collection('deputies').insertMany([{ _id: 1, name: '张伟', active: true }, { _id: 2, name: '李娜', active: false }] as Document[]);
    await h.db.collection('activities').insertMany([{ _id: 10, deputy: 1 }, { _id: 11, deputy: 2 }] as Document[]);
    await h.db.createCollection('activeDeputies', { viewOn: 'deputies', pipeline: [{ $match: { active: true } }] });
  });
  after(() => h.close());

  it('$lookup from a view sees the view’s documents', async () => {
    const out = await h.db.collection('activities').aggregate([{ $lookup: { from: 'activeDeputies', localField: 'deputy', foreignField: '_id', as: 'd' } }, { $sort: { _id: 1 } }]).toArray();
    expect(out.map((a) => a.d.length)).to.deep.equal([1, 0]);
  });

  it('listIndexes, createIndexes, update and delete on a view answer 166', async () => {
    const v = h.db.collection('activeDeputies');
    for (const op of [() => v.listIndexes().toArray(), () => v.createIndex({ name: 1 }), () => v.updateOne({}, { $set: { x: 1 } }), () => v.deleteMany({})]) {
      const err = await op().catch((e) => e);
      expect(err.code).to.equal(166);
    }
  });
});
