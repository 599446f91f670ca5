import { expect } from 'chai';
import mongoose from 'mongoose';
import { Long, MongoServerError, UUID, type Db, type MongoClient } from 'mongodb';
import { mongoUriFor, uniqueDbName } from '../support/database';
import { openDb } from './helpers';

describe('embedded-mongo: server and collection commands', () => {
  let db: Db;
  let client: MongoClient;
  let close: () => Promise<void>;
  before(async () => ({ db, client, close } = await openDb('cmd')));
  after(async () => close());

  it('answers hello, ping, buildInfo, getParameter and serverStatus like a standalone mongod', async () => {
    const admin = client.db('admin');
    const hello = await admin.command({ hello: 1 });
    expect(hello).to.include({ isWritablePrimary: true, maxBsonObjectSize: 16777216, maxMessageSizeBytes: 48000000, maxWriteBatchSize: 100000 });
    expect(hello.maxWireVersion).to.be.at.least(17);
    expect(hello.logicalSessionTimeoutMinutes).to.be.a('number');
    expect(hello.localTime).to.be.instanceOf(Date);
    expect(hello).to.not.have.property('setName');
    expect((await admin.command({ isMaster: 1 })).ismaster).to.equal(true);
    expect((await admin.command({ ping: 1 })).ok).to.equal(1);
    const info = await admin.command({ buildInfo: 1 });
    expect(info.version).to.match(/^\d+\.\d+/);
    expect(info.versionArray).to.be.an('array');
    const fcv = await admin.command({ getParameter: 1, featureCompatibilityVersion: 1 });
    expect(fcv.featureCompatibilityVersion.version).to.be.a('string');
    const status = await admin.command({ serverStatus: 1 });
    expect(status.connections.current).to.be.at.least(1);
    expect(status.uptime).to.be.a('number');
    expect((await admin.command({ connectionStatus: 1 })).authInfo).to.have.property('authenticatedUsers');
    expect((await admin.command({ whatsmyuri: 1 })).you).to.match(/:\d+$/);
    expect((await admin.command({ getLog: 'startupWarnings' })).log).to.be.an('array');
  });

  it('answers CommandNotFound for unknown commands, matching case-sensitively', async () => {
    const err = await db.command({ noSuchThing: 1 }).catch((e) => e);
    expect(err).to.be.instanceOf(MongoServerError);
    expect(err.code).to.equal(59);
    expect(err.codeName).to.equal('CommandNotFound');
    expect(err.message).to.equal("no such command: 'noSuchThing'");
    expect((await db.command({ PING: 1 }).catch((e) => e)).code).to.equal(59);
  });

  it('refuses transactions as a standalone server does', async () => {
    const session = client.startSession();
    try {
      session.startTransaction();
      const err = await db.collection('tx').insertOne({ a: 1 }, { session }).catch((e) => e);
      expect(err).to.be.instanceOf(Error);
      // mongod answers code 20, which the driver rewords ("does not support retryable writes")
      expect(err.message).to.match(/Transaction numbers are only allowed on a replica set member or mongos|does not support (transactions|retryable writes)/);
      await session.abortTransaction().catch(() => undefined);
    } finally {
      await session.endSession();
    }
    // sent raw, the server answers IllegalOperation
    const raw = await db
      .command({ insert: 'tx', documents: [{ a: 1 }], lsid: { id: new UUID() }, txnNumber: Long.fromNumber(1), startTransaction: true, autocommit: false })
      .catch((e) => e);
    expect(raw.code).to.equal(20);
    expect(raw.message).to.equal('Transaction numbers are only allowed on a replica set member or mongos');
    // plain session use (no transaction) works
    const s2 = client.startSession();
    await db.collection('tx').insertOne({ b: 1 }, { session: s2 });
    expect(await db.collection('tx').countDocuments({}, { session: s2 })).to.equal(1);
    await s2.endSession();
  });

  it('creates, lists, renames and drops collections and databases', async () => {
    await db.createCollection('made');
    const dup = await db.createCollection('made').catch((e) => e);
    expect(dup.code).to.equal(48);
    await db.collection('implicit').insertOne({ a: 1 });
    const names = (await db.listCollections().toArray()).map((c) => c.name).sort();
    expect(names).to.include.members(['implicit', 'made']);
    const info = (await db.listCollections({ name: 'made' }).toArray())[0];
    expect(info).to.deep.include({ name: 'made', type: 'collection' });
    expect((info as { idIndex?: unknown }).idIndex).to.deep.include({ key: { _id: 1 }, name: '_id_' });
    expect((await db.listCollections({}, { nameOnly: true }).toArray()).every((c) => typeof c.name === 'string')).to.equal(true);
    await db.renameCollection('implicit', 'renamed');
    expect(await db.collection('renamed').countDocuments()).to.equal(1);
    expect(await db.collection('made').drop()).to.equal(true);
    const dbs = await client.db('admin').admin().listDatabases();
    const mine = dbs.databases.find((d) => d.name === db.databaseName);
    expect(mine?.sizeOnDisk).to.be.a('number');
    const other = client.db(uniqueDbName('dropme'));
    await other.collection('x').insertOne({ a: 1 });
    expect(await other.dropDatabase()).to.equal(true);
    const after = await client.db('admin').admin().listDatabases({ nameOnly: true });
    expect(after.databases.map((d) => d.name)).to.not.include(other.databaseName);
  });

  it('reports collStats and dbStats', async () => {
    await db.collection('stats').insertMany([{ a: 1 }, { a: 2 }]);
    const cs = await db.command({ collStats: 'stats' });
    expect(cs).to.include({ count: 2, nindexes: 1 });
    expect(cs.size).to.be.greaterThan(0);
    const ds = await db.stats();
    expect(ds.collections).to.be.at.least(1);
    expect(ds.objects).to.be.at.least(2);
  });

  // Only acceptance is checked: whether { j: true } fsyncs before replying is not observable through the
  // wire (a kill -9 keeps OS-buffered writes either way); durability itself is durability.test.ts's job.
  it('accepts writeConcern { j: true } and { w: 0 }, and both writes land', async () => {
    const c = db.collection('wc');
    await c.insertOne({ a: 1 }, { writeConcern: { w: 1, j: true } });
    await c.insertOne({ a: 2 }, { writeConcern: { w: 0 } });
    await db.command({ ping: 1 });
    expect(await c.countDocuments()).to.equal(2);
  });

  it('accepts collation (ignored by the engine) and hint', async () => {
    const c = db.collection('coll8n');
    await c.insertMany([{ s: 'b' }, { s: 'a' }]);
    const docs = await c.find({}, { collation: { locale: 'en' } }).sort({ s: 1 }).toArray();
    expect(docs.map((d) => d.s)).to.deep.equal(['a', 'b']);
  });

  it('serves mongoose models with indexes, validation errors and lean queries', async () => {
    const conn = await mongoose.createConnection(mongoUriFor(db.databaseName)).asPromise();
    try {
      const Post = conn.model('Post', new mongoose.Schema({ slug: { type: String, unique: true, required: true }, tags: [String], views: { type: Number, default: 0 } }, { timestamps: true }));
      await Post.init();
      await Post.create([{ slug: 'a', tags: ['t1'] }, { slug: 'b', tags: ['t1', 't2'] }]);
      await Post.updateOne({ slug: 'a' }, { $inc: { views: 5 } });
      const top = await Post.find({ tags: 't1' }).sort({ views: -1 }).select('slug views').lean();
      expect(top.map((p) => p.slug)).to.deep.equal(['a', 'b']);
      const doc = await Post.findOneAndUpdate({ slug: 'b' }, { $push: { tags: 't3' } }, { returnDocument: 'after' });
      expect(doc?.tags).to.deep.equal(['t1', 't2', 't3']);
      const dup = await Post.create({ slug: 'a' }).catch((e) => e);
      expect(dup.code).to.equal(11000);
      const invalid = await Post.create({}).catch((e) => e);
      expect(invalid.name).to.equal('ValidationError');
      const indexes = await Post.listIndexes();
      expect(indexes.map((i) => i.name)).to.include('slug_1');
      expect(await Post.exists({ slug: 'b' })).to.not.equal(null);
      const agg = await Post.aggregate([{ $unwind: '$tags' }, { $group: { _id: '$tags', n: { $sum: 1 } } }, { $sort: { _id: 1 } }]);
      expect(agg).to.deep.equal([{ _id: 't1', n: 2 }, { _id: 't2', n: 1 }, { _id: 't3', n: 1 }]);
      await Post.deleteMany({});
      expect(await Post.estimatedDocumentCount()).to.equal(0);
    } finally {
      await conn.close();
    }
  });
});
