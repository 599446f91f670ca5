import { expect } from 'chai';
import type { Collection, Document } from 'mongodb';
import { openDb, planStages } from './helpers';

/**
 * Geo queries through a 2dsphere index give exactly what the definition gives: 5,000 liaison stations at
 * random over a city (Changde), results compared with distances computed here and with the same query over
 * a collection without the index; explain shows the index and few documents read.
 */
describe('embedded-mongo: geo queries through a 2dsphere index', function () {
  this.timeout(120_000);
  const R = 6378100; // mongod's earth radius in meters
  const rad = (d: number) => (d * Math.PI) / 180;
  const angle = ([lng1, lat1]: number[], [lng2, lat2]: number[]) => {
    const h = Math.sin(rad(lat2 - lat1) / 2) ** 2 + Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(rad(lng2 - lng1) / 2) ** 2;
    return 2 * Math.asin(Math.min(1, Math.sqrt(h)));
  };
  const pt = (lng: number, lat: number) => ({ type: 'Point', coordinates: [lng, lat] });
  let seed = 20261130;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };

  let h: Awaited<ReturnType<typeof openDb>>;
  let indexed: Collection<Document>, plain: Collection<Document>;
  const coords = new Map<number, number[]>(); // _id → [lng, lat] of stations that have one
  const station = (i: number): Document => {
    const kind = `k${i % 3}`;
    if (i % 50 === 0) return { _id: i, kind }; // no location
    if (i % 50 === 1) return { _id: i, kind, loc: null };
    const c = [111.5 + random() * 0.4, 28.9 + random() * 0.3];
    coords.set(i, c);
    return { _id: i, kind, loc: i % 7 === 0 ? c : pt(c[0], c[1]) }; // every 7th a legacy pair
  };
  const ids = (docs: Document[]) => docs.map((d) => d._id as number);
  /** Station ids by distance (meters) from `centre`, within [min, max]. */
  const nearest = (centre: number[], max = Infinity, min = 0, only?: (id: number) => boolean) =>
    [...coords]
      .map(([id, c]) => ({ id, d: angle(centre, c) * R }))
      .filter((x) => x.d <= max && x.d >= min && (!only || only(x.id)))
      .sort((a, b) => a.d - b.d)
      .map((x) => x.id);
  const centres = Array.from({ length: 8 }, () => [111.5 + random() * 0.4, 28.9 + random() * 0.3]);

  before(async () => {
    h = await openDb('emb_geo_index');
    indexed = h.db.collection('stations');
    plain = h.db.collection('stations_unindexed');
    const docs = Array.from({ length: 5000 }, (_, i) => station(i));
    // half before the index is built, half maintained on insert
    await indexed.insertMany(docs.slice(0, 2500));
    await indexed.createIndex({ loc: '2dsphere' });
    await indexed.insertMany(docs.slice(2500));
    await plain.insertMany(docs);
  });
  after(() => h.close());

  it('$near (GeoJSON centre) returns the stations within $maxDistance nearest first, with and without a limit', async () => {
    for (const c of centres) {
      expect(ids(await indexed.find({ loc: { $near: { $geometry: pt(c[0], c[1]), $maxDistance: 1500 } } }).toArray())).to.deep.equal(nearest(c, 1500));
      expect(ids(await indexed.find({ loc: { $near: { $geometry: pt(c[0], c[1]) } } }).limit(20).toArray())).to.deep.equal(nearest(c).slice(0, 20));
      expect(ids(await indexed.find({ loc: { $near: { $geometry: pt(c[0], c[1]), $minDistance: 2000, $maxDistance: 4000 } } }).limit(30).toArray())).to.deep.equal(nearest(c, 4000, 2000).slice(0, 30));
    }
  });

  it('$nearSphere with a legacy pair measures radians; other conditions and skip apply on top of the distance order', async () => {
    const c = centres[0];
    const got = await indexed.find({ loc: { $nearSphere: c, $maxDistance: 3000 / R }, kind: 'k1' }).skip(3).limit(10).toArray();
    expect(ids(got)).to.deep.equal(nearest(c, 3000, 0, (id) => id % 3 === 1).slice(3, 13));
  });

  it('every station with a location, and none without one, comes back from an unbounded $near', async () => {
    const all = ids(await indexed.find({ loc: { $near: { $geometry: pt(111.7, 29.05) } } }).toArray());
    expect(all).to.deep.equal(nearest([111.7, 29.05]));
    expect(all.length).to.equal(coords.size);
  });

  it('$maxDistance is inclusive to the meter: a station exactly at the bound is in, a hair less leaves it out', async () => {
    const c = centres[1];
    const [row] = await indexed.aggregate([{ $geoNear: { near: pt(c[0], c[1]), distanceField: 'd' } }, { $skip: 9 }, { $limit: 1 }]).toArray();
    const d = row.d as number;
    const within = async (max: number) => ids(await indexed.find({ loc: { $near: { $geometry: pt(c[0], c[1]), $maxDistance: max } } }).toArray());
    expect(await within(d * (1 + 1e-9))).to.include(row._id);
    expect(await within(d * (1 - 1e-9))).to.not.include(row._id);
  });

  it('$geoWithin ($centerSphere, Polygon, MultiPolygon) matches what the same query finds without the index', async () => {
    const same = async (filter: Document) => {
      const a = ids(await indexed.find(filter).sort({ _id: 1 }).toArray());
      expect(a).to.deep.equal(ids(await plain.find(filter).sort({ _id: 1 }).toArray()));
      return a;
    };
    for (const c of centres.slice(0, 4)) {
      const r = await same({ loc: { $geoWithin: { $centerSphere: [c, 2500 / R] } } });
      expect(r).to.deep.equal(nearest(c, 2500).sort((a, b) => a - b));
      expect(r.length).to.be.greaterThan(5);
    }
    const [x, y] = centres[2];
    const triangle = { type: 'Polygon', coordinates: [[[x, y], [x + 0.05, y], [x, y + 0.04], [x, y]]] };
    expect((await same({ loc: { $geoWithin: { $geometry: triangle } }, kind: 'k2' })).length).to.be.greaterThan(3);
    const [u, v] = centres[3];
    const squares = { type: 'MultiPolygon', coordinates: [triangle.coordinates, [[[u, v], [u + 0.02, v], [u + 0.02, v + 0.02], [u, v + 0.02], [u, v]]]] };
    expect((await same({ loc: { $geoWithin: { $geometry: squares } } })).length).to.be.greaterThan(3);
  });

  it('$geoIntersects with a Polygon or a Point goes through the index (explain) and matches the unindexed collection', async () => {
    const same = async (filter: Document) => {
      const a = ids(await indexed.find(filter).sort({ _id: 1 }).toArray());
      expect(a).to.deep.equal(ids(await plain.find(filter).sort({ _id: 1 }).toArray()));
      return a;
    };
    const [x, y] = centres[6];
    const square = { type: 'Polygon', coordinates: [[[x, y], [x + 0.03, y], [x + 0.03, y + 0.03], [x, y + 0.03], [x, y]]] };
    const inSquare = await same({ loc: { $geoIntersects: { $geometry: square } } });
    expect(inSquare.length).to.be.greaterThan(3);
    const plan = await indexed.find({ loc: { $geoIntersects: { $geometry: square } } }).explain('executionStats');
    expect(planStages(plan)).to.include('IXSCAN');
    expect(JSON.stringify(plan.queryPlanner.winningPlan)).to.contain('loc_2dsphere');
    expect(plan.executionStats.totalDocsExamined).to.be.below(5 * inSquare.length + 20);
    // a Point intersects the stations exactly there (GeoJSON or legacy pair)
    const [id, c] = [...coords].find(([i]) => i % 7 === 0)!;
    expect(await same({ loc: { $geoIntersects: { $geometry: pt(c[0], c[1]) } } })).to.deep.equal([id]);
    const pointPlan = await indexed.find({ loc: { $geoIntersects: { $geometry: pt(c[0], c[1]) } } }).explain('executionStats');
    expect(planStages(pointPlan)).to.include('IXSCAN');
    expect(pointPlan.executionStats.totalDocsExamined).to.equal(1);
  });

  it('$geoIntersects with a Point still finds a stored polygon around it (the index keys vertices: such a query reads the collection)', async () => {
    const areas = h.db.collection('areas');
    await areas.createIndex({ shape: '2dsphere' });
    const [x, y] = centres[7];
    await areas.insertMany([
      { _id: 1, shape: { type: 'Polygon', coordinates: [[[x - 0.1, y - 0.1], [x + 0.1, y - 0.1], [x + 0.1, y + 0.1], [x - 0.1, y + 0.1], [x - 0.1, y - 0.1]]] } },
      { _id: 2, shape: pt(x + 0.5, y) },
    ] as Document[]);
    expect(ids(await areas.find({ shape: { $geoIntersects: { $geometry: pt(x, y) } } }).toArray())).to.deep.equal([1]);
    expect(ids(await areas.find({ shape: { $geoIntersects: { $geometry: pt(x + 0.5, y) } } }).toArray())).to.deep.equal([2]);
  });

  it('$geoNear through the index: query, limit and distances', async () => {
    const c = centres[4];
    const out = await indexed.aggregate([{ $geoNear: { near: pt(c[0], c[1]), distanceField: 'meters', query: { kind: 'k0' }, maxDistance: 5000 } }, { $limit: 10 }]).toArray();
    const expected = nearest(c, 5000, 0, (id) => id % 3 === 0).slice(0, 10);
    expect(ids(out)).to.deep.equal(expected);
    out.forEach((doc) => expect(doc.meters).to.be.closeTo(angle(c, coords.get(doc._id as number)!) * R, 0.01));
  });

  it('explain shows the index, reading few more documents than it returns', async () => {
    const c = centres[5];
    const stats = (e: Document) => e.executionStats as { nReturned: number; totalDocsExamined: number };
    const near = await indexed.find({ loc: { $near: { $geometry: pt(c[0], c[1]) } } }).limit(10).explain('executionStats');
    expect(planStages(near)).to.include('GEO_NEAR_2DSPHERE');
    expect(JSON.stringify(near.queryPlanner.winningPlan)).to.contain('loc_2dsphere');
    expect(stats(near).nReturned).to.equal(10);
    expect(stats(near).totalDocsExamined).to.be.below(200);
    const within = await indexed.find({ loc: { $geoWithin: { $centerSphere: [c, 1000 / R] } } }).explain('executionStats');
    expect(planStages(within)).to.include('IXSCAN');
    expect(stats(within).nReturned).to.be.greaterThan(3);
    expect(stats(within).totalDocsExamined).to.be.at.most(2 * stats(within).nReturned + 20);
    const geoNear = await indexed.aggregate([{ $geoNear: { near: pt(c[0], c[1]), distanceField: 'd' } }, { $limit: 5 }]).explain('executionStats');
    expect(planStages(geoNear)).to.include('GEO_NEAR_2DSPHERE');
  });

  it('a compound index { kind, loc: 2dsphere } answers $near with the kind fixed, and follows moved stations', async () => {
    const compound = h.db.collection('stations_by_kind');
    await compound.createIndex({ kind: 1, loc: '2dsphere' });
    await compound.insertMany(await plain.find({}).toArray());
    const c = centres[6];
    const query = () => compound.find({ kind: 'k2', loc: { $near: { $geometry: pt(c[0], c[1]), $maxDistance: 3000 } } });
    expect(ids(await query().toArray())).to.deep.equal(nearest(c, 3000, 0, (id) => id % 3 === 2));
    expect(JSON.stringify((await query().explain()).queryPlanner.winningPlan)).to.contain('kind_1_loc_2dsphere');
    const far = [...coords].find(([id, p]) => id % 3 === 2 && angle(c, p) * R > 10000)![0];
    await compound.updateOne({ _id: far } as Document, { $set: { loc: pt(c[0], c[1] + 0.0001) } });
    expect(ids(await query().limit(1).toArray())).to.deep.equal([far]);
  });

  it('poles and the edges of S2 cube faces: points on them are found like any other', async () => {
    const edges = h.db.collection('edges');
    await edges.createIndex({ loc: '2dsphere' });
    const places: [number, number[]][] = [
      [1, [0, 90]], [2, [120, 89.9999]], [3, [-60, -90]], [4, [45, 0]], [5, [45.0000001, 0]], [6, [44.9999999, 0.0000001]],
      [7, [-135, 35.26438968]], [8, [135, -35.26438968]], [9, [0, 0]], [10, [-45, 0]], [11, [135, 0]], [12, [-30, 89.99]],
    ];
    await edges.insertMany(places.map(([id, c]) => ({ _id: id, loc: id % 2 ? pt(c[0], c[1]) : c })) as Document[]);
    const byDistance = (centre: number[], max: number) =>
      places.map(([id, c]) => ({ id, d: angle(centre, c) * R })).filter((x) => x.d <= max).sort((a, b) => a.d - b.d).map((x) => x.id);
    for (const [centre, max] of [[[0, 89.99], 5000], [[45, 0], 50], [[-135, 35.2644], 100], [[10, -89.9], 20000], [[91, 0], 6e6]] as [number[], number][]) {
      expect(ids(await edges.find({ loc: { $near: { $geometry: pt(centre[0], centre[1]), $maxDistance: max } } }).toArray())).to.deep.equal(byDistance(centre, max));
    }
    const cap = ids(await edges.find({ loc: { $geoWithin: { $centerSphere: [[0, 90], 0.001] } } }).sort({ _id: 1 }).toArray());
    expect(cap).to.deep.equal([1, 2, 12]);
  });
});
