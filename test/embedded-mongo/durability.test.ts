import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { MongoClient } from 'mongodb';
import { DataDirLockedError, findRunningEngine, startEmbeddedMongo } from '../../src/embedded-mongo';
import { embeddedEngine } from '../support/database';
import { payloadFor } from './fixtures/crash-writer';

type UserDoc = { _id: number; email: string; at?: Date; nested?: unknown };

describe('embedded-mongo: durability and data-directory ownership (engine only; skipped against a real MongoDB)', () => {
  const dirs: string[] = [];
  const newDir = () => {
    const d = mkdtempSync(path.join(tmpdir(), 'lianxin-engine-'));
    dirs.push(d);
    return d;
  };
  beforeEach(function () {
    if (!embeddedEngine()) this.skip();
  });
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('reloads documents, indexes and unique constraints after a restart (engine only)', async () => {
    const dir = newDir();
    let engine = await startEmbeddedMongo({ dbPath: dir });
    let client = await MongoClient.connect(engine.uri);
    const docs = Array.from({ length: 500 }, (_, i) => ({ _id: i, email: `u${i}@x`, at: new Date(i), nested: { a: [i, { b: 'x' }] } }));
    await client.db('app').collection<UserDoc>('users').createIndex({ email: 1 }, { unique: true });
    await client.db('app').collection<UserDoc>('users').insertMany(docs);
    await client.db('app').collection<UserDoc>('users').updateOne({ _id: 3 }, { $set: { email: 'changed@x' } });
    await client.db('app').collection<UserDoc>('users').deleteOne({ _id: 4 });
    await client.db('other').createCollection('empty');
    await client.close();
    await engine.stop();

    engine = await startEmbeddedMongo({ dbPath: dir });
    client = await MongoClient.connect(engine.uri);
    try {
      const users = client.db('app').collection<UserDoc>('users');
      expect(await users.countDocuments()).to.equal(499);
      expect(await users.findOne({ _id: 7 })).to.deep.equal(docs[7]);
      expect((await users.findOne({ _id: 3 }))?.email).to.equal('changed@x');
      expect((await users.listIndexes().toArray()).map((i) => i.name)).to.deep.equal(['_id_', 'email_1']);
      expect((await users.insertOne({ _id: 1000, email: 'u9@x' }).catch((e) => e)).code).to.equal(11000);
      expect((await client.db('other').listCollections().toArray()).map((c) => c.name)).to.deep.equal(['empty']);
    } finally {
      await client.close();
      await engine.stop();
    }
  });

  it('keeps documents and index entries on disk: a restart loads none of them and the cache stays within its bound (engine only)', async () => {
    const dir = newDir();
    let engine = await startEmbeddedMongo({ dbPath: dir, cacheMb: 1 });
    let client = await MongoClient.connect(engine.uri);
    const cacheOf = async () => ((await client.db('admin').command({ serverStatus: 1 })).wiredTiger as { cache: Record<string, number> }).cache;
    const docs = Array.from({ length: 3000 }, (_, i) => ({ _id: i, k: i % 100, body: 'x'.repeat(2000) }));
    const coll = () => client.db('app').collection<{ _id: number; k: number; body: string }>('big');
    await coll().createIndex({ k: 1 });
    for (let i = 0; i < docs.length; i += 500) await coll().insertMany(docs.slice(i, i + 500));
    for (let i = 0; i < docs.length; i += 7) expect((await coll().findOne({ _id: i }))?.k).to.equal(i % 100);
    let cache = await cacheOf();
    // cacheMb bounds both caches: a quarter is SQLite's page cache, the rest the document cache reported here
    expect(cache['maximum bytes configured']).to.equal(768 * 1024);
    expect(cache['bytes currently in the cache']).to.be.at.most(768 * 1024);
    await client.close();
    await engine.stop();

    engine = await startEmbeddedMongo({ dbPath: dir, cacheMb: 1 });
    client = await MongoClient.connect(engine.uri);
    try {
      cache = await cacheOf();
      expect(cache['documents currently in the cache']).to.equal(0);
      expect(await coll().countDocuments()).to.equal(3000);
      const plan = (await coll().find({ k: 42 }).explain('executionStats')) as { executionStats: { nReturned: number; totalDocsExamined: number } };
      expect(plan.executionStats).to.include({ nReturned: 30, totalDocsExamined: 30 });
      expect((await coll().find({ k: { $gte: 98 } }).sort({ k: -1, _id: 1 }).limit(3).toArray()).map((d) => [d.k, d._id])).to.deep.equal([[99, 99], [99, 199], [99, 299]]);
    } finally {
      await client.close();
      await engine.stop();
    }
  });

  it('builds index entries once for a data file written before they were stored (engine only)', async () => {
    const dir = newDir();
    let engine = await startEmbeddedMongo({ dbPath: dir });
    let client = await MongoClient.connect(engine.uri);
    await client.db('app').collection('users').createIndex({ email: 1 }, { unique: true });
    await client.db('app').collection('users').insertMany([{ email: 'a@x' }, { email: 'b@x' }]);
    await client.close();
    await engine.stop();
    const file = new Database(path.join(dir, 'engine.sqlite'));
    file.exec('DROP TABLE index_entries; DROP TABLE index_trees;');
    file.close();

    engine = await startEmbeddedMongo({ dbPath: dir });
    client = await MongoClient.connect(engine.uri);
    try {
      const users = client.db('app').collection('users');
      expect((await users.insertOne({ email: 'a@x' }).catch((e) => e)).code).to.equal(11000);
      const plan = (await users.find({ email: 'b@x' }).explain('executionStats')) as { executionStats: { nReturned: number; totalDocsExamined: number } };
      expect(plan.executionStats).to.include({ nReturned: 1, totalDocsExamined: 1 });
      expect((await users.listIndexes().toArray()).map((i) => i.name)).to.deep.equal(['_id_', 'email_1']);
    } finally {
      await client.close();
      await engine.stop();
    }
  });

  it('opens a data file whose documents table had no rowid (an older layout) with every document, once (engine only)', async () => {
    const dir = newDir();
    let engine = await startEmbeddedMongo({ dbPath: dir });
    let client = await MongoClient.connect(engine.uri);
    const docs = Array.from({ length: 300 }, (_, i) => ({ _id: i, email: `u${i}@x`, body: 'x'.repeat(i * 10) }));
    const usersOf = (c: MongoClient) => c.db('app').collection<{ _id: number; email: string; body?: string }>('users');
    await usersOf(client).createIndex({ email: 1 }, { unique: true });
    await usersOf(client).insertMany(docs);
    await client.close();
    await engine.stop();
    // The older layout: the same rows in a WITHOUT ROWID table.
    const file = new Database(path.join(dir, 'engine.sqlite'));
    file.exec(`
      CREATE TABLE old_documents (ns TEXT NOT NULL, id TEXT NOT NULL, body BLOB NOT NULL, PRIMARY KEY (ns, id)) WITHOUT ROWID;
      INSERT INTO old_documents SELECT ns, id, body FROM documents;
      DROP TABLE documents;
      ALTER TABLE old_documents RENAME TO documents;
      DROP TABLE document_counts;
    `);
    file.close();

    engine = await startEmbeddedMongo({ dbPath: dir });
    client = await MongoClient.connect(engine.uri);
    try {
      const users = usersOf(client);
      expect(await users.estimatedDocumentCount()).to.equal(300);
      expect(await users.find().sort({ _id: 1 }).toArray()).to.deep.equal(docs);
      expect((await users.insertOne({ _id: 5, email: 'new@x' }).catch((e) => e)).code).to.equal(11000);
      await users.updateOne({ _id: 7 }, { $set: { email: 'seven@x' } });
      expect(await users.findOne({ email: 'seven@x' })).to.deep.equal({ ...docs[7], email: 'seven@x' });
      await users.insertOne({ _id: 300, email: 'u300@x' });
      await users.deleteMany({ _id: { $lt: 10 } });
    } finally {
      await client.close();
      await engine.stop();
    }
    // the kept count (document_counts) is right after a restart, without the documents being counted again
    engine = await startEmbeddedMongo({ dbPath: dir });
    client = await MongoClient.connect(engine.uri);
    try {
      expect(await usersOf(client).estimatedDocumentCount()).to.equal(291);
      await client.db('app').collection('users').rename('people');
      expect(await client.db('app').collection('people').estimatedDocumentCount()).to.equal(291);
      await client.db('app').collection('people').drop();
      expect(await client.db('app').collection('people').estimatedDocumentCount()).to.equal(0);
    } finally {
      await client.close();
      await engine.stop();
    }
    const reopened = new Database(path.join(dir, 'engine.sqlite'));
    expect(reopened.prepare("SELECT sql FROM sqlite_schema WHERE name = 'documents'").pluck().get()).to.not.match(/WITHOUT ROWID/i);
    reopened.close();
  });

  it('rebuilds a collated index once for a data file whose collated keys were binary (format 0) (engine only)', async () => {
    const dir = newDir();
    let engine = await startEmbeddedMongo({ dbPath: dir });
    let client = await MongoClient.connect(engine.uri);
    const ci = { locale: 'en', strength: 2 };
    await client.db('app').collection('depts').createIndex({ name: 1 }, { unique: true, collation: ci });
    // An older engine's tree for this index held binary keys: emptied here, the rebuild must refill it with collation keys.
    await client.db('app').collection('depts').insertMany([{ name: 'Alpha' }, { name: 'Beta' }]);
    await client.close();
    await engine.stop();
    const file = new Database(path.join(dir, 'engine.sqlite'));
    file.pragma('user_version = 0');
    const ix = file.prepare("SELECT ix FROM index_trees WHERE name = 'name_1'").pluck().get();
    file.prepare('DELETE FROM index_entries WHERE ix = ?').run(ix);
    file.close();

    engine = await startEmbeddedMongo({ dbPath: dir });
    client = await MongoClient.connect(engine.uri);
    try {
      const depts = client.db('app').collection('depts');
      expect((await depts.insertOne({ name: 'ALPHA' }).catch((e) => e)).code).to.equal(11000);
      await depts.insertOne({ name: 'Gamma' });
      expect((await depts.listIndexes().toArray()).find((i) => i.name === 'name_1')?.collation).to.include(ci);
    } finally {
      await client.close();
      await engine.stop();
    }
    const reopened = new Database(path.join(dir, 'engine.sqlite'));
    expect(reopened.pragma('user_version', { simple: true })).to.equal(3);
    reopened.close();
  });

  it('rebuilds a 2dsphere index once for a data file whose geo keys were the raw values (format 1) (engine only)', async () => {
    const dir = newDir();
    let engine = await startEmbeddedMongo({ dbPath: dir });
    let client = await MongoClient.connect(engine.uri);
    const point = (lng: number, lat: number) => ({ type: 'Point', coordinates: [lng, lat] });
    await client.db('app').collection('stations').createIndex({ loc: '2dsphere' });
    await client.db('app').collection('stations').insertMany([{ _id: 1, loc: point(111.69, 29.03) }, { _id: 2, loc: point(111.7, 29.05) }] as never[]);
    await client.close();
    await engine.stop();
    // An older engine's tree held other keys: emptied here, the rebuild must refill it with cell keys.
    const file = new Database(path.join(dir, 'engine.sqlite'));
    file.pragma('user_version = 1');
    const ix = file.prepare("SELECT ix FROM index_trees WHERE name = 'loc_2dsphere'").pluck().get();
    file.prepare('DELETE FROM index_entries WHERE ix = ?').run(ix);
    file.close();

    engine = await startEmbeddedMongo({ dbPath: dir });
    client = await MongoClient.connect(engine.uri);
    try {
      const near = await client.db('app').collection('stations').find({ loc: { $near: { $geometry: point(111.7, 29.05) } } }).toArray();
      expect(near.map((d) => d._id)).to.deep.equal([2, 1]);
    } finally {
      await client.close();
      await engine.stop();
    }
    const reopened = new Database(path.join(dir, 'engine.sqlite'));
    expect(reopened.pragma('user_version', { simple: true })).to.equal(3);
    reopened.close();
  });

  it("rebuilds a 2d index once for a data file whose keys were the pair's elements (format 2) (engine only)", async () => {
    const dir = newDir();
    let engine = await startEmbeddedMongo({ dbPath: dir });
    let client = await MongoClient.connect(engine.uri);
    await client.db('app').collection('desks').createIndex({ at: '2d' });
    await client.db('app').collection('desks').insertMany([{ _id: 1, at: [10, 10] }, { _id: 2, at: [12, 11] }, { _id: 3, at: [-50, 100] }] as never[]);
    await client.close();
    await engine.stop();
    const file = new Database(path.join(dir, 'engine.sqlite'));
    file.pragma('user_version = 2');
    file.prepare("DELETE FROM index_entries WHERE ix = (SELECT ix FROM index_trees WHERE name = 'at_2d')").run();
    file.close();

    engine = await startEmbeddedMongo({ dbPath: dir });
    client = await MongoClient.connect(engine.uri);
    try {
      const near = await client.db('app').collection('desks').find({ at: { $near: [12, 12] } }).toArray();
      expect(near.map((d) => d._id)).to.deep.equal([2, 1, 3]);
    } finally {
      await client.close();
      await engine.stop();
    }
    const reopened = new Database(path.join(dir, 'engine.sqlite'));
    expect(reopened.pragma('user_version', { simple: true })).to.equal(3);
    reopened.close();
  });

  it('lets only one engine own a data directory and publishes its address (engine only)', async () => {
    const dir = newDir();
    const engine = await startEmbeddedMongo({ dbPath: dir });
    try {
      const err = await startEmbeddedMongo({ dbPath: dir }).catch((e) => e);
      expect(err).to.be.instanceOf(DataDirLockedError);
      expect(err.message).to.match(/is in use by another engine process/);
      const expected = { pid: process.pid, socket: engine.socketPath, role: 'script' };
      expect(err.address).to.deep.equal(expected);
      expect(await findRunningEngine(dir)).to.deep.equal(expected);
    } finally {
      await engine.stop();
    }
    expect(await findRunningEngine(dir)).to.equal(null);
  });

  it('keeps every acknowledged insert across kill -9 of the engine process (engine only)', async function () {
    this.timeout(60_000);
    const dir = newDir();
    const acked = new Set<number>();
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'fixtures', 'crash-writer.ts'), dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    let buffered = '';
    let readyResolve: () => void;
    const ready = new Promise<void>((r) => (readyResolve = r));
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const l of lines) {
        if (l.startsWith('ready')) readyResolve();
        else if (l.startsWith('ack ')) acked.add(Number(l.slice(4)));
      }
    });
    const exited = new Promise<void>((r) => child.on('exit', () => r()));
    await Promise.race([ready, exited]);
    expect(stderr).to.equal('');
    // let it write for a while, then kill it mid-stream
    const until = Date.now() + 1500;
    while (Date.now() < until && acked.size < 3000) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    await exited;
    expect(acked.size).to.be.greaterThan(50);

    const engine = await startEmbeddedMongo({ dbPath: dir });
    const client = await MongoClient.connect(engine.uri);
    try {
      const docs = await client.db('crash').collection<{ _id: number; payload: string; n: number }>('docs').find().toArray();
      const present = new Set(docs.map((d) => d._id));
      const missing = [...acked].filter((id) => !present.has(id));
      expect(missing, 'acknowledged but missing').to.deep.equal([]);
      for (const d of docs) expect(d).to.deep.equal({ _id: d._id, payload: payloadFor(d._id), n: d._id });
      // still writable after recovery
      await client.db('crash').collection('docs').insertOne({ _id: -1 } as never);
    } finally {
      await client.close();
      await engine.stop();
    }
  });
});
