import { expect } from 'chai';
import { MongoServerError, type Db, type Document } from 'mongodb';
import { openDb } from './helpers';

/** Blocking stages within mongod's per-stage memory limit: spill with allowDiskUse, code 292 without. */
describe('embedded-mongo: memory limits of $sort and $group', () => {
  let db: Db;
  let close: () => Promise<void>;
  let saved: Document;
  const LIMIT = 256 * 1024;
  const N = 3000;
  const docs = Array.from({ length: N }, (_, i) => ({ _id: i, k: (i * 7919) % N, g: i % 1000, v: i % 13 === 0 ? undefined : i % 50, pad: 'x'.repeat(200) }));

  before(async () => {
    ({ db, close } = await openDb('stagemem'));
    const admin = db.admin();
    saved = await admin.command({ getParameter: 1, internalQueryMaxBlockingSortMemoryUsageBytes: 1, internalDocumentSourceGroupMaxMemoryBytes: 1 });
    await admin.command({ setParameter: 1, internalQueryMaxBlockingSortMemoryUsageBytes: LIMIT });
    await admin.command({ setParameter: 1, internalDocumentSourceGroupMaxMemoryBytes: 64 * 1024 });
    await db.collection('rows').insertMany(docs.map(({ v, ...d }) => (v === undefined ? d : { ...d, v })) as never[]);
  });
  after(async () => {
    await db.admin().command({ setParameter: 1, internalQueryMaxBlockingSortMemoryUsageBytes: saved.internalQueryMaxBlockingSortMemoryUsageBytes });
    await db.admin().command({ setParameter: 1, internalDocumentSourceGroupMaxMemoryBytes: saved.internalDocumentSourceGroupMaxMemoryBytes });
    await close();
  });

  const rows = () => db.collection('rows');

  it('fails a $sort over its memory limit without allowDiskUse with code 292', async () => {
    const err = await rows().aggregate([{ $sort: { k: 1 } }], { allowDiskUse: false }).toArray().catch((e: unknown) => e);
    expect(err).to.be.instanceOf(MongoServerError);
    expect((err as MongoServerError).code).to.equal(292);
    expect((err as MongoServerError).codeName).to.equal('QueryExceededMemoryLimitNoDiskUseAllowed');
  });

  it('sorts past its memory limit by spilling to disk, with allowDiskUse and by default', async () => {
    const expected = [...docs].sort((a, b) => b.k - a.k).map((d) => d._id);
    for (const options of [{ allowDiskUse: true }, {}]) {
      const out = await rows().aggregate([{ $sort: { k: -1 } }, { $project: { _id: 1 } }], options).toArray();
      expect(out.map((d) => d._id)).to.deep.equal(expected);
    }
    // after a computing stage too, and read in batches through getMore
    const cursor = rows().aggregate([{ $match: { g: { $lt: 900 } } }, { $set: { twice: { $multiply: ['$k', 2] } } }, { $sort: { twice: 1 } }, { $project: { twice: 1 } }], { allowDiskUse: true, batchSize: 500 });
    const got = await cursor.toArray();
    const want = docs.filter((d) => d.g < 900).sort((a, b) => a.k - b.k);
    expect(got).to.deep.equal(want.map((d) => ({ _id: d._id, twice: d.k * 2 })));
  });

  it('fails a $group whose groups exceed its memory limit without allowDiskUse, and groups them with it', async () => {
    const pipeline = [{ $group: { _id: '$_id', n: { $sum: 1 } } }];
    const err = await rows().aggregate(pipeline, { allowDiskUse: false }).toArray().catch((e: unknown) => e);
    expect((err as MongoServerError).code).to.equal(292);
    const out = await rows().aggregate([...pipeline, { $sort: { _id: 1 } }], { allowDiskUse: true }).toArray();
    expect(out).to.have.length(N);
    expect(out[N - 1]).to.deep.equal({ _id: N - 1, n: 1 });
  });

  it('folds $sum $avg $min $max $first $last and $count per group, ignoring missing values as mongod', async () => {
    const out = await rows()
      .aggregate([
        { $match: { g: { $in: [0, 13, 7] } } },
        { $sort: { _id: 1 } },
        { $group: { _id: '$g', n: { $sum: 1 }, c: { $count: {} }, total: { $sum: '$v' }, avg: { $avg: '$v' }, min: { $min: '$v' }, max: { $max: '$v' }, first: { $first: '$_id' }, last: { $last: '$v' } } },
        { $sort: { _id: 1 } },
      ])
      .toArray();
    const expected = [0, 7, 13].map((g) => {
      const group = docs.filter((d) => d.g === g);
      const vs = group.map((d) => d.v).filter((v): v is number => v !== undefined);
      const lastV = group[group.length - 1].v;
      return {
        _id: g,
        n: group.length,
        c: group.length,
        total: vs.reduce((a, b) => a + b, 0),
        avg: vs.length ? vs.reduce((a, b) => a + b, 0) / vs.length : null,
        min: vs.length ? Math.min(...vs) : null,
        max: vs.length ? Math.max(...vs) : null,
        first: group[0]._id,
        last: lastV === undefined ? null : lastV,
      };
    });
    expect(out).to.deep.equal(expected);
  });

  it('answers getParameter and refuses setParameter outside admin', async () => {
    const got = await db.admin().command({ getParameter: 1, internalQueryMaxBlockingSortMemoryUsageBytes: 1 });
    expect(got.internalQueryMaxBlockingSortMemoryUsageBytes).to.equal(LIMIT);
    const err = await db.command({ setParameter: 1, internalQueryMaxBlockingSortMemoryUsageBytes: LIMIT }).catch((e: unknown) => e);
    expect((err as MongoServerError).code).to.equal(13);
  });
});
