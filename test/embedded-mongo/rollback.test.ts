import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MongoClient, type Db } from 'mongodb';
import { startEmbeddedMongo } from '../../src/embedded-mongo';
import { embeddedEngine } from '../support/database';

/**
 * A write command that fails after it changed something must leave nothing behind — in memory (what the
 * next query sees) and on disk (what a restart loads) alike. Each test looks before and after a restart.
 */
describe('embedded-mongo: failed write commands roll back memory and disk together (engine only; skipped against a real MongoDB)', () => {
  const dirs: string[] = [];
  beforeEach(function () {
    if (!embeddedEngine()) this.skip();
  });
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  /** Runs `act` on a fresh engine, then `check` on it and again on a restarted engine over the same directory. */
  async function beforeAndAfterRestart(act: (db: Db) => Promise<void>, check: (db: Db) => Promise<unknown>): Promise<void> {
    const dir = mkdtempSync(path.join(tmpdir(), 'lianxin-rollback-'));
    dirs.push(dir);
    for (const phase of ['act', 'restart'] as const) {
      const engine = await startEmbeddedMongo({ dbPath: dir });
      const client = await MongoClient.connect(engine.uri);
      try {
        const db = client.db('app');
        if (phase === 'act') await act(db);
        await check(db);
      } finally {
        await client.close();
        await engine.stop();
      }
    }
  }

  it('findOneAndUpdate with an invalid projection fails and changes nothing', async () => {
    await beforeAndAfterRestart(
      async (db) => {
        await db.collection('c').insertOne({ _id: 1, a: 1, b: 2 } as never);
        const err = await db.collection('c').findOneAndUpdate({ _id: 1 } as never, { $set: { a: 99 } }, { projection: { a: 1, b: 0 } }).catch((e) => e);
        expect(err).to.be.instanceOf(Error);
        expect(err.code).to.be.a('number');
      },
      async (db) => expect(await db.collection('c').findOne({ _id: 1 } as never)).to.deep.equal({ _id: 1, a: 1, b: 2 }),
    );
  });

  it('findOneAndDelete with an invalid projection fails and deletes nothing', async () => {
    await beforeAndAfterRestart(
      async (db) => {
        await db.collection('c').insertOne({ _id: 1, a: 1, b: 2 } as never);
        const err = await db.collection('c').findOneAndDelete({ _id: 1 } as never, { projection: { a: 1, b: 0 } }).catch((e) => e);
        expect(err).to.be.instanceOf(Error);
      },
      async (db) => expect(await db.collection('c').countDocuments()).to.equal(1),
    );
  });

  it('createIndexes with a bad spec does not create the collection, and later inserts survive a restart', async () => {
    await beforeAndAfterRestart(
      async (db) => {
        const err = await db.command({ createIndexes: 'fresh', indexes: [{ key: { a: 1 }, name: 'a_1' }, { key: { b: 'bogus' }, name: 'b' }] }).catch((e) => e);
        expect(err.code).to.equal(67);
        expect((await db.listCollections({ name: 'fresh' }).toArray()).length).to.equal(0);
        await db.collection('fresh').insertMany([{ n: 1 }, { n: 2 }]);
      },
      async (db) => {
        expect(await db.collection('fresh').countDocuments()).to.equal(2);
        expect((await db.collection('fresh').listIndexes().toArray()).map((i) => i.name)).to.deep.equal(['_id_']);
      },
    );
  });

  it('createIndexes failing on existing duplicates on a new index leaves no index and no half-built state', async () => {
    await beforeAndAfterRestart(
      async (db) => {
        await db.collection('d').insertMany([{ _id: 1, k: 'x' }, { _id: 2, k: 'x' }] as never[]);
        const err = await db.collection('d').createIndexes([{ key: { n: 1 }, name: 'n_1' }, { key: { k: 1 }, name: 'k_1', unique: true }]).catch((e) => e);
        expect(err.code).to.equal(11000);
      },
      async (db) => expect((await db.collection('d').listIndexes().toArray()).map((i) => i.name)).to.deep.equal(['_id_']),
    );
  });

  it('$out that hits a duplicate key leaves the existing target untouched', async () => {
    await beforeAndAfterRestart(
      async (db) => {
        await db.collection('target').insertOne({ _id: 'old', v: 1 } as never);
        await db.collection('target').createIndex({ k: 1 }, { unique: true });
        await db.collection('src').insertMany([{ _id: 1, k: 'same' }, { _id: 2, k: 'same' }] as never[]);
        const err = await db.collection('src').aggregate([{ $sort: { _id: 1 } }, { $out: 'target' }]).toArray().catch((e) => e);
        expect(err.code).to.equal(11000);
      },
      async (db) => {
        expect(await db.collection('target').find().toArray()).to.deep.equal([{ _id: 'old', v: 1 }]);
        expect((await db.collection('target').listIndexes().toArray()).map((i) => i.name)).to.deep.equal(['_id_', 'k_1']);
        expect((await db.listCollections().toArray()).map((c) => c.name).sort()).to.deep.equal(['src', 'target']);
      },
    );
  });

  it('$out that succeeds replaces the target and keeps its indexes', async () => {
    await beforeAndAfterRestart(
      async (db) => {
        await db.collection('target').insertOne({ _id: 'old', k: 'o' } as never);
        await db.collection('target').createIndex({ k: 1 }, { unique: true });
        await db.collection('src').insertMany([{ _id: 1, k: 'a' }, { _id: 2, k: 'b' }] as never[]);
        await db.collection('src').aggregate([{ $out: 'target' }]).toArray();
      },
      async (db) => {
        expect(await db.collection('target').find().sort({ _id: 1 }).toArray()).to.deep.equal([{ _id: 1, k: 'a' }, { _id: 2, k: 'b' }]);
        expect((await db.collection('target').listIndexes().toArray()).map((i) => i.name)).to.deep.equal(['_id_', 'k_1']);
        expect((await db.collection('target').insertOne({ _id: 3, k: 'a' } as never).catch((e) => e)).code).to.equal(11000);
      },
    );
  });
});
