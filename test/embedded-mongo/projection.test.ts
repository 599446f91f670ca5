import { expect } from 'chai';
import type { Collection, Document } from 'mongodb';
import { openDb } from './helpers';

/** find projections as mongod answers them: $slice, $elemMatch, and field order (_id first, then the document's). */
describe('embedded-mongo: projections', () => {
  let h: Awaited<ReturnType<typeof openDb>>;
  let c: Collection<Document>;
  const doc = { _id: 1, name: 'a', tags: ['x', 'y', 'z'], scores: [70, 85, 92], sub: { k: 1, j: 2 }, n: 5, items: [{ k: 1, v: 'p' }, { k: 2, v: 'q' }] };
  before(async () => {
    h = await openDb('emb_projection');
    c = h.db.collection('docs');
    await c.insertOne(doc as Document);
  });
  after(() => h.close());

  const one = (projection: Document) => c.findOne({ _id: 1 as never }, { projection });

  it('$slice alone keeps every other field', async () => {
    expect(await one({ tags: { $slice: 1 } })).to.deep.equal({ ...doc, tags: ['x'] });
    expect(await one({ tags: { $slice: -2 } })).to.deep.equal({ ...doc, tags: ['y', 'z'] });
    expect(await one({ tags: { $slice: [1, 1] } })).to.deep.equal({ ...doc, tags: ['y'] });
  });

  it('$slice with an exclusion excludes and slices', async () => {
    const { sub: _sub, n: _n, ...rest } = doc;
    expect(await one({ tags: { $slice: 2 }, sub: 0, n: 0 })).to.deep.equal({ ...rest, tags: ['x', 'y'] });
  });

  it('$slice with an inclusion returns only the included fields', async () => {
    expect(await one({ name: 1, tags: { $slice: -1 } })).to.deep.equal({ _id: 1, name: 'a', tags: ['z'] });
  });

  it('$elemMatch with operator-only conditions on scalars and documents', async () => {
    expect(await one({ scores: { $elemMatch: { $gte: 80 } } })).to.deep.equal({ _id: 1, scores: [85] });
    expect(await one({ tags: { $elemMatch: { $in: ['z', 'y'] } } })).to.deep.equal({ _id: 1, tags: ['y'] });
    expect(await one({ items: { $elemMatch: { k: { $gt: 1 } } }, name: 1 })).to.deep.equal({ _id: 1, name: 'a', items: [{ k: 2, v: 'q' }] });
    expect(await one({ scores: { $elemMatch: { $gt: 100 } } })).to.deep.equal({ _id: 1 });
    // the $elemMatch field comes after the other included fields, whatever the document's order
    const r = await one({ scores: { $elemMatch: { $lt: 80 } }, n: 1 });
    expect(r).to.deep.equal({ _id: 1, n: 5, scores: [70] });
    expect(Object.keys(r ?? {})).to.deep.equal(['_id', 'n', 'scores']);
  });

  it('orders fields as the document has them, _id first', async () => {
    const r = await one({ n: 1, name: 1, _id: 1 });
    expect(Object.keys(r ?? {})).to.deep.equal(['_id', 'name', 'n']);
    const nested = await one({ 'sub.j': 1, 'sub.k': 1, tags: 1 });
    expect(Object.keys(r ?? {})).to.deep.equal(['_id', 'name', 'n']);
    expect(nested).to.deep.equal({ _id: 1, tags: ['x', 'y', 'z'], sub: { k: 1, j: 2 } });
    expect(Object.keys(nested ?? {})).to.deep.equal(['_id', 'tags', 'sub']);
    expect(Object.keys((await one({ _id: 0, n: 1, name: 1 })) ?? {})).to.deep.equal(['name', 'n']);
  });

  it('projects inside arrays of documents and excludes nested fields without touching the stored document', async () => {
    expect(await one({ 'items.v': 1, _id: 0 })).to.deep.equal({ items: [{ v: 'p' }, { v: 'q' }] });
    expect(await one({ 'items.v': 0, sub: 0, tags: 0, scores: 0 })).to.deep.equal({ _id: 1, name: 'a', n: 5, items: [{ k: 1 }, { k: 2 }] });
    expect(await c.findOne({ _id: 1 as never })).to.deep.equal(doc);
  });

  it('positional projection returns the element the query matched', async () => {
    const r = await c.findOne({ 'items.k': 2 } as Document, { projection: { 'items.$': 1 } });
    expect(r).to.deep.equal({ _id: 1, items: [{ k: 2, v: 'q' }] });
  });

  it('refuses mixing inclusion and exclusion', async () => {
    const err = await c.findOne({}, { projection: { name: 1, n: 0 } }).catch((e) => e);
    expect(err).to.be.instanceOf(Error);
    expect(err.code).to.equal(31254);
  });
});
