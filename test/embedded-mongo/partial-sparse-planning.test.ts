import { expect } from 'chai';
import type { Document } from 'mongodb';
import { openDb, planStages } from './helpers';

/** Sparse and partial indexes serve the queries they hold every match for, and only those. */
describe('embedded-mongo: query planning with sparse and partial indexes', () => {
  let h: Awaited<ReturnType<typeof openDb>>;
  before(async () => {
    h = await openDb('emb_partial');
  });
  after(() => h.close());

  const examined = (e: Document) => e.executionStats.totalDocsExamined as number;

  it('uses a partial unique index for an equality on its key that implies the partial filter', async () => {
    // the shape Publication uses: dedupeKey unique only where it exists
    const c = h.db.collection('pubs');
    await c.createIndex({ dedupeKey: 1 }, { unique: true, partialFilterExpression: { dedupeKey: { $exists: true } } });
    const docs: Document[] = [];
    for (let i = 0; i < 3000; i++) docs.push(i % 3 === 0 ? { n: i } : { n: i, dedupeKey: `k${i}` });
    await c.insertMany(docs);
    const hit = await c.find({ dedupeKey: 'k1234' }).explain('executionStats');
    expect(planStages(hit)).to.include('IXSCAN');
    expect(examined(hit)).to.equal(1);
    expect(hit.executionStats.nReturned).to.equal(1);
    // null matches documents without the field, which the index leaves out: it must not be used
    const nulls = await c.find({ dedupeKey: null }).explain('executionStats');
    expect(nulls.executionStats.nReturned).to.equal(1000);
    expect(await c.countDocuments({ dedupeKey: null })).to.equal(1000);
  });

  it('uses a compound partial index filtered by $type for an equality of that type', async () => {
    // the shape the SMS channel uses for delivery receipts
    const c = h.db.collection('sms');
    await c.createIndex({ providerMessageId: 1, phone: 1 }, { partialFilterExpression: { providerMessageId: { $type: 'string' } } });
    const docs: Document[] = [];
    for (let i = 0; i < 2000; i++) docs.push(i % 4 ? { providerMessageId: `p${i}`, phone: `1380000${i % 7}` } : { phone: '1' });
    await c.insertMany(docs);
    const hit = await c.find({ providerMessageId: 'p1001', phone: '13800000' }).explain('executionStats');
    expect(planStages(hit)).to.include('IXSCAN');
    expect(examined(hit)).to.equal(1);
    const numeric = await c.find({ providerMessageId: 5 }).explain('executionStats');
    expect(planStages(numeric)).to.include('COLLSCAN');
  });

  it('uses a partial index whose filter is met by the query, and not one whose filter is not', async () => {
    const c = h.db.collection('states');
    await c.createIndex({ owner: 1 }, { partialFilterExpression: { status: 'published', score: { $gte: 5 } }, name: 'owner_published' });
    const docs: Document[] = [];
    for (let i = 0; i < 2000; i++) docs.push({ owner: i % 50, status: i % 3 ? 'published' : 'draft', score: Math.floor(i / 50) % 10 });
    await c.insertMany(docs);
    const expected = (owner: number, score?: number) => docs.filter((d) => d.owner === owner && d.status === 'published' && (score === undefined || d.score === score)).length;
    // the query pins status and score, so every match is in the index
    const used = await c.find({ owner: 7, status: 'published', score: 7 }).explain('executionStats');
    expect(planStages(used)).to.include('IXSCAN');
    expect(examined(used)).to.be.at.most(40);
    expect(used.executionStats.nReturned).to.equal(expected(7, 7)).and.to.be.greaterThan(0);
    // score unconstrained (or below 5): matches outside the index exist, so it must not be used
    const notUsed = await c.find({ owner: 7, status: 'published' }).explain('executionStats');
    expect(planStages(notUsed)).to.include('COLLSCAN');
    expect(notUsed.executionStats.nReturned).to.equal(expected(7));
    expect((await c.find({ owner: 7, status: 'published', score: 3 }).toArray()).length).to.equal(expected(7, 3)).and.to.be.greaterThan(0);
  });

  it('uses a sparse index for a non-null equality on a nested array path, and not for null', async () => {
    const c = h.db.collection('deliveries');
    await c.createIndex({ 'recipients.providerMessageId': 1 }, { sparse: true });
    const docs: Document[] = [];
    for (let i = 0; i < 3000; i++) docs.push(i % 2 ? { i, recipients: [{ to: 'a', providerMessageId: `m${i}` }, { to: 'b', providerMessageId: `n${i}` }] } : { i });
    await c.insertMany(docs);
    const hit = await c.find({ 'recipients.providerMessageId': 'n2001' }).explain('executionStats');
    expect(planStages(hit)).to.include('IXSCAN');
    expect(examined(hit)).to.equal(1);
    expect(hit.executionStats.nReturned).to.equal(1);
    const inq = await c.find({ 'recipients.providerMessageId': { $in: ['m1', 'm3', 'zz'] } }).explain('executionStats');
    expect(examined(inq)).to.equal(2);
    expect(await c.countDocuments({ 'recipients.providerMessageId': null })).to.equal(1500);
    expect(await c.countDocuments({ 'recipients.providerMessageId': { $exists: false } })).to.equal(1500);
  });
});
