import { expect } from 'chai';
import type { Collection, Document } from 'mongodb';
import { openDb } from './helpers';

/** 2dsphere indexes, $near / $nearSphere / $geoWithin and $geoNear — "the liaison station nearest to me". */
describe('embedded-mongo: geospatial queries', () => {
  let h: Awaited<ReturnType<typeof openDb>>;
  let stations: Collection<Document>;
  const pt = (lng: number, lat: number) => ({ type: 'Point', coordinates: [lng, lat] });
  // around the Bund, Shanghai
  const me = pt(121.4903, 31.2405);
  before(async () => {
    h = await openDb('emb_geo');
    stations = h.db.collection('stations');
    await stations.createIndex({ loc: '2dsphere' });
    await stations.insertMany([
      { _id: 1, name: '外滩代表之家', kind: 'home', loc: pt(121.4905, 31.2410) }, // ~60 m
      { _id: 2, name: '人民广场联络站', kind: 'station', loc: pt(121.4737, 31.2304) }, // ~1.9 km
      { _id: 3, name: '陆家嘴联络站', kind: 'station', loc: pt(121.5055, 31.2397) }, // ~1.45 km
      { _id: 4, name: '徐家汇联络站', kind: 'station', loc: pt(121.4365, 31.1886) }, // ~7.7 km
      { _id: 5, name: '北京联络站', kind: 'station', loc: pt(116.4074, 39.9042) }, // ~1070 km
      { _id: 6, name: '无坐标', kind: 'station' },
    ] as Document[]);
  });
  after(() => h.close());

  const ids = (docs: Document[]) => docs.map((d) => d._id);

  it('$near with $geometry sorts by distance and honours $maxDistance / $minDistance in meters', async () => {
    expect(ids(await stations.find({ loc: { $near: { $geometry: me } } }).toArray())).to.deep.equal([1, 3, 2, 4, 5]);
    expect(ids(await stations.find({ loc: { $near: { $geometry: me, $maxDistance: 2000 } } }).toArray())).to.deep.equal([1, 3, 2]);
    expect(ids(await stations.find({ loc: { $near: { $geometry: me, $minDistance: 1000, $maxDistance: 10000 } }, kind: 'station' }).toArray())).to.deep.equal([3, 2, 4]);
    expect(ids(await stations.find({ loc: { $nearSphere: { $geometry: me, $maxDistance: 1500 } } }).limit(1).toArray())).to.deep.equal([1]);
  });

  it('$geoWithin with $centerSphere and a GeoJSON polygon', async () => {
    const within = async (shape: Document) => ids(await stations.find({ loc: { $geoWithin: shape } }).sort({ _id: 1 }).toArray());
    expect(await within({ $centerSphere: [[121.4903, 31.2405], 2 / 6378.1] })).to.deep.equal([1, 2, 3]);
    const square = { type: 'Polygon', coordinates: [[[121.48, 31.23], [121.52, 31.23], [121.52, 31.25], [121.48, 31.25], [121.48, 31.23]]] };
    expect(await within({ $geometry: square })).to.deep.equal([1, 3]);
  });

  it('legacy coordinate pairs: $box, $center, and $near with $maxDistance in coordinate units', async () => {
    const grid = h.db.collection('grid');
    await grid.createIndex({ pos: '2d' });
    await grid.insertMany([{ _id: 1, pos: [1, 1] }, { _id: 2, pos: [3, 4] }, { _id: 3, pos: [10, 10] }, { _id: 4, pos: { x: 2, y: 2 } }] as Document[]);
    const within = async (shape: Document) => ids(await grid.find({ pos: { $geoWithin: shape } }).sort({ _id: 1 }).toArray());
    expect(await within({ $box: [[0, 0], [5, 5]] })).to.deep.equal([1, 2, 4]);
    expect(await within({ $center: [[0, 0], 3] })).to.deep.equal([1, 4]);
    expect(ids(await grid.find({ pos: { $near: [0, 0], $maxDistance: 6 } }).toArray())).to.deep.equal([1, 4, 2]);
    expect(ids(await grid.find({ pos: { $near: [0, 0], $maxDistance: 4 } }).toArray())).to.deep.equal([1, 4]);
  });

  it('$geoNear returns distances in meters with query, maxDistance and distanceField', async () => {
    const out = await stations.aggregate([
      { $geoNear: { near: me, distanceField: 'dist.calculated', maxDistance: 10000, query: { kind: 'station' }, spherical: true } },
      { $project: { name: 1, dist: 1 } },
    ]).toArray();
    expect(ids(out)).to.deep.equal([3, 2, 4]);
    expect(out[0].dist.calculated).to.be.within(1300, 1600);
    expect(out[2].dist.calculated).to.be.within(7000, 8500);
    const nearest = await stations.aggregate([{ $geoNear: { near: me, distanceField: 'd', key: 'loc' } }, { $limit: 1 }]).toArray();
    expect(nearest[0].name).to.equal('外滩代表之家');
    expect(nearest[0].d).to.be.below(100);
  });

  it('refuses a point outside longitude/latitude bounds in a 2dsphere-indexed field', async () => {
    const err = await stations.insertOne({ loc: pt(200, 95) }).catch((e) => e);
    expect(err.code).to.equal(16755);
    const bad = await stations.insertOne({ loc: { type: 'Point', coordinates: 'x' } }).catch((e) => e);
    expect(bad.code).to.equal(16755);
    expect(await stations.countDocuments()).to.equal(6);
  });

  it('$near without a geospatial index fails', async () => {
    const c = h.db.collection('noindex');
    await c.insertOne({ loc: pt(1, 1) });
    const err = await c.find({ loc: { $near: { $geometry: pt(1, 1) } } }).toArray().catch((e) => e);
    expect(err).to.be.instanceOf(Error);
    expect(err.message).to.contain('unable to find index for $geoNear query');
  });
});
