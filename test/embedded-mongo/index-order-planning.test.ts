import { expect } from 'chai';
import type { Document } from 'mongodb';
import { openDb, planStages } from './helpers';

/** Index scans in the index's own order: null equality, sorts behind an equality on an array field, date ranges. */
describe('embedded-mongo: planning with index order (multikey, null, ranges)', () => {
  let h: Awaited<ReturnType<typeof openDb>>;
  before(async () => {
    h = await openDb('emb_order');
  });
  after(() => h.close());

  const stats = (e: Document) => e.executionStats as { nReturned: number; totalDocsExamined: number };

  it('answers { field: null } from an index, matching missing and null, not an empty array', async () => {
    const c = h.db.collection('soft');
    await c.createIndex({ deletedAt: 1 });
    const docs: Document[] = [];
    for (let i = 0; i < 600; i++) docs.push(i % 3 === 0 ? { i, deletedAt: new Date(i) } : i % 3 === 1 ? { i, deletedAt: null } : { i });
    docs.push({ i: 1000, deletedAt: [] });
    await c.insertMany(docs);
    const plan = await c.find({ deletedAt: null }).explain('executionStats');
    expect(stats(plan).nReturned).to.equal(400);
    expect(stats(plan).totalDocsExamined).to.equal(400);
    expect(planStages(plan)).to.include('IXSCAN');
    expect(await c.countDocuments({ deletedAt: null })).to.equal(400);
    expect(await c.countDocuments({ deletedAt: { $eq: null } })).to.equal(400);
  });

  it('does not answer { field: null } from a sparse index (it leaves the missing ones out)', async () => {
    const c = h.db.collection('sparse_null');
    await c.createIndex({ tag: 1 }, { sparse: true });
    await c.insertMany([{ tag: 'a' }, { tag: null }, {}, {}]);
    expect(await c.countDocuments({ tag: null })).to.equal(3);
    expect(planStages(await c.find({ tag: null }).explain())).to.include('COLLSCAN');
  });

  it('sorts through a compound index behind an equality on its array field, stopping at the limit', async () => {
    const c = h.db.collection('tagged');
    await c.createIndex({ topics: 1, updatedAt: -1, _id: -1 });
    const docs: Document[] = [];
    for (let i = 0; i < 2000; i++) docs.push({ _id: i, topics: [`t${i % 5}`, `t${(i + 1) % 5}`], updatedAt: new Date(Date.UTC(2025, 0, 1) + ((i * 7919) % 2000) * 60_000) });
    await c.insertMany(docs);
    const expected = docs
      .filter((d) => (d.topics as string[]).includes('t3'))
      .sort((a, b) => (b.updatedAt as Date).getTime() - (a.updatedAt as Date).getTime() || (b._id as number) - (a._id as number))
      .slice(0, 20)
      .map((d) => d._id);
    const query = () => c.find({ topics: 't3' }).sort({ updatedAt: -1, _id: -1 }).limit(20);
    expect((await query().toArray()).map((d) => d._id)).to.deep.equal(expected);
    const plan = await query().explain('executionStats');
    expect(stats(plan).nReturned).to.equal(20);
    expect(stats(plan).totalDocsExamined).to.equal(20);
  });

  it('still sorts by an array field itself as MongoDB does (not in index order)', async () => {
    const c = h.db.collection<{ _id: number; k: unknown }>('array_sort');
    await c.createIndex({ k: 1 });
    await c.insertMany([{ _id: 1, k: [5, 1] }, { _id: 2, k: 3 }, { _id: 3, k: [4, 6] }]);
    expect((await c.find().sort({ k: 1 }).toArray()).map((d) => d._id)).to.deep.equal([1, 2, 3]);
    expect((await c.find().sort({ k: -1 }).toArray()).map((d) => d._id)).to.deep.equal([3, 1, 2]);
  });

  it('scans a date range with sort + limit in index order, in both directions', async () => {
    const c = h.db.collection<{ _id: number; at: Date }>('events');
    await c.createIndex({ at: -1, _id: -1 });
    const base = Date.UTC(2026, 2, 1);
    const docs = Array.from({ length: 3000 }, (_, i) => ({ _id: i, at: new Date(base + i * 3_600_000) }));
    await c.insertMany(docs);
    const from = new Date(base + 100 * 3_600_000), to = new Date(base + 200 * 3_600_000);
    const newest = await c.find({ at: { $gte: from, $lt: to } }).sort({ at: -1, _id: -1 }).limit(5).toArray();
    expect(newest.map((d) => d._id)).to.deep.equal([199, 198, 197, 196, 195]);
    const oldest = await c.find({ at: { $gte: from, $lt: to } }).sort({ at: 1, _id: 1 }).limit(5).toArray();
    expect(oldest.map((d) => d._id)).to.deep.equal([100, 101, 102, 103, 104]);
    const plan = await c.find({ at: { $gte: from, $lt: to } }).sort({ at: -1, _id: -1 }).limit(5).explain('executionStats');
    expect(stats(plan).totalDocsExamined).to.equal(5);
    expect(await c.countDocuments({ at: { $gte: from, $lt: to } })).to.equal(100);
  });
});
