import { expect } from 'chai';
import type { Collection, Document } from 'mongodb';
import { openDb } from './helpers';

/**
 * Counts answered from index entries (countDocuments, the count command, `$count`) must equal what reading the
 * documents gives, for every shape the count-from-index path takes and for the shapes next to it that it must
 * leave alone. The truth is `find(filter)`, which always re-checks the whole filter on each document.
 */
describe('embedded-mongo: counting from index entries', () => {
  let h: Awaited<ReturnType<typeof openDb>>;
  let c: Collection;
  const regions = ['石门县', '青山区', '盘江县'];
  const statuses = ['published', 'draft', 'archived'];
  const titles = ['石门县脱贫攻坚第一期', '青山区代表调研', 'Rural Roads (phase 2)', 'rural schools', '盘江县产业扶贫', 'ſtreet lights', 'a.b+c'];

  before(async () => {
    h = await openDb('emb_icount');
    c = h.db.collection('items');
    await c.createIndex({ status: 1, deletedAt: 1, updatedAt: -1, _id: -1 });
    await c.createIndex({ regionKeys: 1, deletedAt: 1, updatedAt: -1, _id: -1 });
    await c.createIndex({ deletedAt: 1, title: 1, _id: 1 });
    await c.createIndex({ deletedAt: 1, label: -1 });
    await c.createIndex({ score: 1 });
    const docs: Document[] = [];
    for (let i = 0; i < 600; i++) {
      const doc: Document = {
        status: statuses[i % 3],
        regionKeys: ['云岭市', regions[i % 3]],
        title: `${titles[i % titles.length]} ${i}`,
        label: titles[(i * 3) % titles.length],
        updatedAt: new Date(Date.UTC(2020, 0, 1) + i * 3_600_000),
        score: i % 5 === 0 ? String(i) : i % 7 === 0 ? null : i,
      };
      if (i % 11 === 0) doc.deletedAt = new Date(Date.UTC(2021, 0, 1) + i * 60_000);
      else if (i % 2 === 0) doc.deletedAt = null; // the others have no deletedAt at all: both count as not deleted
      if (i % 13 === 0) delete doc.title;
      docs.push(doc);
    }
    docs.push({ status: 'published', deletedAt: null, title: /脱贫攻坚/ }); // a regex value: never a substring match
    await c.insertMany(docs);
  });
  after(() => h.close());

  const filters: [string, Document][] = [
    ['not deleted', { deletedAt: null }],
    ['deleted', { deletedAt: { $ne: null } }],
    ['status + not deleted', { status: 'published', deletedAt: null }],
    ['status + deleted', { status: 'draft', deletedAt: { $ne: null } }],
    ['status + $eq null', { status: 'archived', deletedAt: { $eq: null } }],
    ['array element + not deleted', { regionKeys: '石门县', deletedAt: null }],
    ['array element without deletedAt', { regionKeys: '青山区' }],
    ['$and of equalities', { $and: [{ status: 'draft' }, { deletedAt: null }] }],
    ['date range after the equality prefix', { status: 'published', deletedAt: null, updatedAt: { $gte: new Date(Date.UTC(2020, 0, 5)), $lt: new Date(Date.UTC(2020, 0, 20)) } }],
    ['open range', { status: 'published', deletedAt: null, updatedAt: { $gt: new Date(Date.UTC(2020, 0, 10)) } }],
    ['$in after the prefix', { deletedAt: null, title: { $in: ['rural schools 3', 'a.b+c 6', 'none'] } }],
    ['numeric range skips strings and null', { score: { $gt: 100 } }],
    ['string range skips numbers', { score: { $gte: '3' } }],
    ['null matches missing and null', { score: null }],
    ['CJK substring, case-insensitive', { deletedAt: null, title: { $regex: '脱贫攻坚', $options: 'i' } }],
    ['ASCII substring, case-insensitive', { deletedAt: null, title: { $regex: 'rural', $options: 'i' } }],
    ['ASCII substring, case-sensitive', { deletedAt: null, title: { $regex: 'Rural' } }],
    ['escaped punctuation', { deletedAt: null, title: { $regex: 'a\\.b\\+c' } }],
    ['s and ſ fold together under i', { deletedAt: null, title: { $regex: 'street', $options: 'i' } }],
    ['regex object on a descending field', { deletedAt: null, label: /调研/ }],
    ['deleted + title substring', { deletedAt: { $ne: null }, title: { $regex: '期' } }],
    ['not literal: anchored', { deletedAt: null, title: { $regex: '^青山' } }],
    ['not on an index: mixed', { deletedAt: null, status: 'published', label: 'x' }],
    ['$or is left to the documents', { $or: [{ status: 'draft' }, { deletedAt: { $ne: null } }] }],
  ];

  for (const [label, filter] of filters) {
    it(`counts like the documents: ${label}`, async () => {
      const truth = (await c.find(filter).toArray()).length;
      expect(await c.countDocuments(filter), 'countDocuments').to.equal(truth);
      expect(await c.countDocuments(filter, { limit: 7 }), 'countDocuments with limit').to.equal(Math.min(truth, 7));
      expect(await c.countDocuments(filter, { skip: 5, limit: 20 }), 'with skip').to.equal(Math.max(0, Math.min(truth - 5, 20)));
      const cmd = await h.db.command({ count: 'items', query: filter });
      expect(cmd.n, 'count command').to.equal(truth);
      const viaCount = await c.aggregate([{ $match: filter }, { $count: 'n' }]).toArray();
      expect(viaCount, '$count stage').to.deep.equal(truth ? [{ n: truth }] : []);
    });
  }

  it('answers the list counts without reading a document (COUNT_SCAN), and a filter off the index by reading them', async () => {
    const explain = (query: Document) => h.db.command({ explain: { count: 'items', query }, verbosity: 'executionStats' });
    for (const query of [{ status: 'published', deletedAt: null }, { regionKeys: '石门县', deletedAt: null }, { deletedAt: { $ne: null } }]) {
      const plan = await explain(query);
      expect(plan.executionStats.totalDocsExamined, JSON.stringify(query)).to.equal(0);
      expect(JSON.stringify(plan.queryPlanner.winningPlan)).to.include('COUNT_SCAN');
    }
    const mixed = await explain({ deletedAt: null, status: 'published', label: 'x' });
    expect(mixed.executionStats.totalDocsExamined).to.be.greaterThan(0);
  });

  it('keeps counting right once a range field turns multikey (each document once)', async () => {
    const m = h.db.collection('multi');
    await m.createIndex({ tags: 1 });
    await m.insertMany([{ tags: [1, 2, 3] }, { tags: [5] }, { tags: 2 }, { tags: [] }, {}]);
    for (const filter of [{ tags: { $gte: 2 } }, { tags: { $in: [1, 2] } }, { tags: 2 }, { tags: null }, { tags: { $ne: null } }]) {
      const truth = (await m.find(filter).toArray()).length;
      expect(await m.countDocuments(filter), JSON.stringify(filter)).to.equal(truth);
    }
  });

  it('counts under a collation by the collation, not by the binary index', async () => {
    const k = h.db.collection('names');
    await k.createIndex({ name: 1 });
    await k.insertMany([{ name: 'Anna' }, { name: 'anna' }, { name: 'ANNA' }, { name: 'Bob' }]);
    expect(await k.countDocuments({ name: 'anna' })).to.equal(1);
    expect(await k.countDocuments({ name: 'anna' }, { collation: { locale: 'en', strength: 2 } })).to.equal(3);
  });
});
