import { expect } from 'chai';
import type { Collection, Document } from 'mongodb';
import { openDb, planStages } from './helpers';

/**
 * A `2d` index (flat plane, legacy pairs) answers $near, $geoWithin $box / $center / $polygon and $geoNear
 * (spherical: false) by scanning its keys: results equal the definition (distances computed here, or the same
 * query over a collection without the index), and explain shows the index with few documents read.
 */
describe('embedded-mongo: planar geo queries through a 2d index', function () {
  this.timeout(120_000);
  let seed = 20261201;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  let h: Awaited<ReturnType<typeof openDb>>;
  let indexed: Collection<Document>, plain: Collection<Document>, grid: Collection<Document>;
  const points = new Map<number, number[]>();
  const ids = (docs: Document[]) => docs.map((d) => d._id as number);
  const byDistance = (c: number[], max = Infinity) =>
    [...points]
      .map(([id, p]) => ({ id, d: Math.hypot(p[0] - c[0], p[1] - c[1]) }))
      .filter((x) => x.d <= max)
      .sort((a, b) => a.d - b.d || a.id - b.id);

  before(async () => {
    h = await openDb('emb_geo_2d');
    indexed = h.db.collection('desks');
    plain = h.db.collection('desks_unindexed');
    grid = h.db.collection('floor');
    const docs = Array.from({ length: 4000 }, (_, i): Document => {
      if (i % 40 === 0) return { _id: i, floor: i % 3 }; // no location
      // default bounds [-180, 180) on both axes: y beyond ±90 is a valid flat coordinate
      const p = [-170 + random() * 340, -170 + random() * 340];
      points.set(i, p);
      return { _id: i, floor: i % 3, at: p };
    });
    await indexed.insertMany(docs.slice(0, 2000));
    await indexed.createIndex({ at: '2d' });
    await indexed.insertMany(docs.slice(2000));
    await plain.insertMany(docs);
    // custom bounds: a floor plan in centimetres
    await grid.createIndex({ at: '2d', floor: 1 }, { min: 0, max: 10000 });
    await grid.insertMany(Array.from({ length: 1000 }, (_, i) => ({ _id: i, floor: i % 2, at: [(i % 40) * 250, Math.floor(i / 40) * 400] }) as Document));
  });
  after(() => h.close());

  it('$near returns the nearest first within $maxDistance, with and without a limit', async () => {
    for (const c of [[0, 0], [150, -160], [-179, 179], [33.3, 120]]) {
      const got = await indexed.find({ at: { $near: c, $maxDistance: 40 } }).toArray();
      const want = byDistance(c, 40);
      expect(got.length).to.equal(want.length);
      got.forEach((d, i) => expect(Math.hypot(d.at[0] - c[0], d.at[1] - c[1])).to.be.closeTo(want[i].d, 1e-9));
      const first = await indexed.find({ at: { $near: c } }).limit(7).toArray();
      expect(first.map((d) => Math.hypot(d.at[0] - c[0], d.at[1] - c[1]))).to.deep.equal(byDistance(c).slice(0, 7).map((x) => x.d));
    }
  });

  it('$geoWithin $box, $center and $polygon match the collection without the index', async () => {
    const same = async (filter: Document) => {
      const a = ids(await indexed.find(filter).sort({ _id: 1 }).toArray());
      expect(a).to.deep.equal(ids(await plain.find(filter).sort({ _id: 1 }).toArray()));
      return a;
    };
    expect((await same({ at: { $geoWithin: { $box: [[-20, 95], [30, 150]] } } })).length).to.be.greaterThan(10);
    expect((await same({ at: { $geoWithin: { $center: [[100, -100], 25] } }, floor: 1 })).length).to.be.greaterThan(3);
    expect((await same({ at: { $geoWithin: { $polygon: [[0, 0], [60, 0], [0, 60]] } } })).length).to.be.greaterThan(10);
    expect(await same({ at: { $geoWithin: { $box: [[-200, -200], [-180.5, -180.5]] } } })).to.deep.equal([]);
  });

  it('explain shows the 2d index and few documents read', async () => {
    const near = await indexed.find({ at: { $near: [10, 10] } }).limit(10).explain('executionStats');
    expect(planStages(near)).to.include('GEO_NEAR_2D');
    expect(JSON.stringify(near.queryPlanner.winningPlan)).to.contain('at_2d');
    expect(near.executionStats.nReturned).to.equal(10);
    expect(near.executionStats.totalDocsExamined).to.be.below(200);
    const box = await indexed.find({ at: { $geoWithin: { $box: [[0, 0], [20, 20]] } } }).explain('executionStats');
    expect(planStages(box)).to.include('IXSCAN');
    expect(JSON.stringify(box.queryPlanner.winningPlan)).to.contain('at_2d');
    expect(box.executionStats.totalDocsExamined).to.be.at.most(2 * box.executionStats.nReturned + 30);
  });

  it('$geoNear (planar) through the 2d index: distances, query and limit', async () => {
    const c = [-50, 60];
    const out = await indexed.aggregate([{ $geoNear: { near: c, distanceField: 'd', query: { floor: 2 } } }, { $limit: 5 }]).toArray();
    const want = byDistance(c).filter((x) => x.id % 3 === 2).slice(0, 5);
    expect(ids(out)).to.deep.equal(want.map((x) => x.id));
    out.forEach((doc, i) => expect(doc.d).to.be.closeTo(want[i].d, 1e-9));
  });

  it('a compound 2d index with its own bounds (a floor plan in centimetres)', async () => {
    const got = await grid.find({ at: { $near: [5000, 5000], $maxDistance: 500 } }).toArray();
    const want = Array.from({ length: 1000 }, (_, i) => ({ i, d: Math.hypot((i % 40) * 250 - 5000, Math.floor(i / 40) * 400 - 5000) })).filter((x) => x.d <= 500);
    expect(got.length).to.equal(want.length);
    expect(ids(await grid.find({ at: { $geoWithin: { $box: [[0, 0], [500, 400]] } }, floor: 0 }).sort({ _id: 1 }).toArray())).to.deep.equal([0, 2, 40, 42]);
  });
});
