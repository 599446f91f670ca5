import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { calculateObjectSize, type Document } from 'bson';
import { MongoClient } from 'mongodb';
import { startEmbeddedMongo } from '../../src/embedded-mongo';
import { embeddedEngine } from '../support/database';
import { openDb } from './helpers';

const bsonBytes = (docs: Document[]) => docs.reduce((n, d) => n + calculateObjectSize(d), 0);

/** Documents whose BSON sizes are known: every figure below is checked against them. */
type Person = { _id: number; name: string; region: string; bio: string };

function people(from: number, to: number): Person[] {
  return Array.from({ length: to - from }, (_, i) => ({ _id: from + i, name: `代表-${from + i}`, region: ['黄浦', '徐汇', '静安'][i % 3], bio: 'x'.repeat(50 + (i % 7) * 10) }));
}

/** Within 10 %: mongod's figures are exact too right after writes, but its storage engine's accounting is its own. */
const near = (actual: number, expected: number) => expect(actual).to.be.within(expected * 0.9, expected * 1.1);

describe('embedded-mongo: collStats, $collStats, dbStats and listDatabases sizes (kept figures, nothing scanned)', () => {
  let h: Awaited<ReturnType<typeof openDb>>;
  before(async () => (h = await openDb('emb_sizes')));
  after(() => h.close());

  it('collStats reports the count, BSON bytes and every index, and follows inserts, updates and deletes', async () => {
    const c = h.db.collection<Person>('people');
    await c.createIndex({ region: 1, name: 1 });
    const docs = people(0, 600);
    await c.insertMany(docs);
    let s = await h.db.command({ collStats: 'people' });
    expect(s.count).to.equal(600);
    near(s.size, bsonBytes(docs));
    expect(s.avgObjSize).to.be.within(Math.floor((bsonBytes(docs) / 600) * 0.9), Math.ceil((bsonBytes(docs) / 600) * 1.1));
    expect(s.nindexes).to.equal(2);
    expect(Object.keys(s.indexSizes).sort()).to.deep.equal(['_id_', 'region_1_name_1']);
    for (const v of Object.values(s.indexSizes)) expect(v).to.be.a('number').above(0);
    expect(s.totalIndexSize).to.equal((Object.values(s.indexSizes) as number[]).reduce((a, b) => a + b, 0));
    expect(s.storageSize).to.be.above(0);
    expect(s.totalSize).to.equal(s.storageSize + s.totalIndexSize);
    expect(s.scaleFactor).to.equal(1);

    // each update grows a document by 100 bytes of `bio`
    await c.updateMany({ _id: { $lt: 100 } }, [{ $set: { bio: { $concat: ['$bio', 'y'.repeat(100)] } } }]);
    const grown = bsonBytes(docs) + 100 * 100;
    s = await h.db.command({ collStats: 'people' });
    near(s.size, grown);
    await c.deleteMany({ _id: { $gte: 300 } });
    s = await h.db.command({ collStats: 'people', scale: 1024 });
    expect(s.count).to.equal(300);
    near(s.size * 1024, bsonBytes(docs.slice(0, 300)) + 100 * 100);
    expect(s.scaleFactor).to.equal(1024);
    if (embeddedEngine()) expect(s.size).to.equal(Math.trunc((bsonBytes(docs.slice(0, 300)) + 100 * 100) / 1024)); // exact on the engine
  });

  it('$collStats storageStats and count agree with collStats', async () => {
    const [st] = await h.db.collection('people').aggregate([{ $collStats: { storageStats: {}, count: {} } }]).toArray();
    const s = await h.db.command({ collStats: 'people' });
    expect(st.count).to.equal(300);
    expect(st.storageStats).to.include({ count: s.count, size: s.size, nindexes: 2 });
    expect(Object.keys(st.storageStats.indexSizes).sort()).to.deep.equal(['_id_', 'region_1_name_1']);
  });

  it('dbStats sums the collections, and listDatabases gives the database a size on disk', async () => {
    const other = people(1000, 1200);
    await h.db.collection<Person>('others').insertMany(other);
    const s = await h.db.command({ collStats: 'people' });
    const ds = await h.db.stats();
    expect(ds.collections).to.equal(2);
    expect(ds.objects).to.equal(500);
    near(ds.dataSize, s.size + bsonBytes(other));
    expect(ds.indexes).to.equal(3);
    expect(ds.indexSize).to.be.above(s.totalIndexSize);
    expect(ds.storageSize).to.be.above(0);
    expect(ds.fsTotalSize).to.be.above(0);
    expect(ds.fsUsedSize).to.be.above(0).and.at.most(ds.fsTotalSize);
    const { databases } = await h.client.db('admin').admin().listDatabases();
    const mine = databases.find((d) => d.name === h.db.databaseName);
    expect(mine?.sizeOnDisk).to.be.a('number').above(0);
    expect(mine?.empty).to.equal(false);
  });

  it('a batch stopped by a duplicate counts exactly what it stored; a failed index build leaves the figures as they were (engine only)', async function () {
    if (!embeddedEngine()) this.skip();
    const c = h.db.collection<Person>('others');
    const before = await h.db.command({ collStats: 'others' });
    // a unique index makes the engine check each document; the duplicate fails the ordered batch after 50 documents
    await c.createIndex({ name: 1 }, { unique: true });
    const withIndex = await h.db.command({ collStats: 'others' });
    const batch = people(2000, 2100);
    batch[50] = { ...batch[50], name: '代表-1000' };
    await c.insertMany(batch).catch(() => undefined);
    const after = await h.db.command({ collStats: 'others' });
    expect(after.count).to.equal(before.count + 50);
    expect(after.size).to.equal(before.size + bsonBytes(batch.slice(0, 50)));
    expect(after.indexSizes.name_1).to.be.above(withIndex.indexSizes.name_1);
    // building a unique index over duplicate regions fails and rolls back: no tree, no change in any figure
    expect(await c.createIndex({ region: 1 }, { unique: true }).catch((e) => e.code)).to.equal(11000);
    const failed = await h.db.command({ collStats: 'others' });
    expect(failed).to.deep.include({ count: after.count, size: after.size, totalIndexSize: after.totalIndexSize, nindexes: after.nindexes });
  });
});

describe('embedded-mongo: sizes kept across a restart and counted once for an older data file (engine only; skipped against a real MongoDB)', () => {
  const dirs: string[] = [];
  beforeEach(function () {
    if (!embeddedEngine()) this.skip();
  });
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('answers the same figures after a restart, and after the kept figures were lost (a file from before they existed)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lianxin-sizes-'));
    dirs.push(dir);
    const docs = people(0, 250);
    let engine = await startEmbeddedMongo({ dbPath: dir });
    let client = await MongoClient.connect(engine.uri);
    await client.db('d').collection('p').createIndex({ region: 1 });
    await client.db('d').collection<Person>('p').insertMany(docs);
    const first = await client.db('d').command({ collStats: 'p' });
    expect(first.size).to.equal(bsonBytes(docs));
    await client.close();
    await engine.stop();

    engine = await startEmbeddedMongo({ dbPath: dir });
    client = await MongoClient.connect(engine.uri);
    const again = await client.db('d').command({ collStats: 'p' });
    expect({ count: again.count, size: again.size, indexSizes: again.indexSizes }).to.deep.equal({ count: first.count, size: first.size, indexSizes: first.indexSizes });
    await client.close();
    await engine.stop();

    // what a data file from before the byte figures holds: no bytes, no entry figures
    const sqlite = new Database(path.join(dir, 'engine.sqlite'));
    sqlite.exec('UPDATE document_counts SET bytes = NULL; UPDATE index_trees SET entries = NULL, entry_bytes = NULL;');
    sqlite.close();
    engine = await startEmbeddedMongo({ dbPath: dir });
    client = await MongoClient.connect(engine.uri);
    const p = client.db('d').collection<{ _id: number; name: string }>('p');
    // the kept count still serves writes and counts (no scan); the bytes are counted when first asked
    await p.insertOne({ _id: 999, name: 'n' });
    expect(await p.estimatedDocumentCount()).to.equal(251);
    const counted = await client.db('d').command({ collStats: 'p' });
    const all = bsonBytes(docs) + calculateObjectSize({ _id: 999, name: 'n' });
    expect({ count: counted.count, size: counted.size, entries: Object.keys(counted.indexSizes) }).to.deep.equal({ count: 251, size: all, entries: ['_id_', 'region_1'] });
    await p.deleteOne({ _id: 0 });
    const kept = await client.db('d').command({ collStats: 'p' });
    expect({ count: kept.count, size: kept.size }).to.deep.equal({ count: 250, size: all - calculateObjectSize(docs[0]) });
    await client.close();
    await engine.stop();
  });
});
