import { expect } from 'chai';
import type { Collection, Document } from 'mongodb';
import { openDb } from './helpers';

/** Updates a document cannot take fail with mongod's codes and leave the document as it was. */
describe('embedded-mongo: type-invalid updates', () => {
  let h: Awaited<ReturnType<typeof openDb>>;
  let c: Collection<{ _id: number } & Document>;
  const original = { _id: 1, a: 1, s: 'str', o: { x: 1 }, arr: [1, 2], docs: [{ k: 1 }, { k: 2 }] };
  before(async () => {
    h = await openDb('emb_update_errors');
    c = h.db.collection<{ _id: number } & Document>('docs');
  });
  beforeEach(async () => {
    await c.deleteMany({});
    await c.insertOne({ ...original });
  });
  after(() => h.close());

  const failure = async (update: Document) => {
    const err = await c.updateOne({ _id: 1 }, update).catch((e) => e);
    expect(err, JSON.stringify(update)).to.be.instanceOf(Error);
    expect(await c.findOne({ _id: 1 })).to.deep.equal(original);
    return err as { code: number; codeName: string; message: string };
  };

  it('$inc / $mul on a non-number answers 14 TypeMismatch', async () => {
    const inc = await failure({ $inc: { s: 1 } });
    expect(inc.code).to.equal(14);
    expect(inc.message).to.equal("Cannot apply $inc to a value of non-numeric type. {_id: 1} has the field 's' of non-numeric type string");
    expect((await failure({ $mul: { o: 2 } })).code).to.equal(14);
    expect((await failure({ $inc: { a: 'x' } })).code).to.equal(14);
  });

  it('$push / $addToSet / $pull on a non-array answer 2 BadValue, $pop 14', async () => {
    const push = await failure({ $push: { a: 2 } });
    expect(push.code).to.equal(2);
    expect(push.message).to.equal("The field 'a' must be an array but is of type int in document {_id: 1}");
    expect((await failure({ $addToSet: { s: 'x' } })).code).to.equal(2);
    expect((await failure({ $pull: { o: 1 } })).code).to.equal(2);
    expect((await failure({ $pop: { a: 1 } })).code).to.equal(14);
  });

  it('a path through a scalar answers 28 PathNotViable', async () => {
    const set = await failure({ $set: { 'a.b': 1 } });
    expect(set.code).to.equal(28);
    expect(set.message).to.equal("Cannot create field 'b' in element {a: 1}");
    const deep = await failure({ $set: { 'o.x.y': 1 } });
    expect(deep.code).to.equal(28);
    expect(deep.message).to.equal("Cannot create field 'y' in element {x: 1}");
    expect((await failure({ $inc: { 's.n': 1 } })).code).to.equal(28);
    expect((await failure({ $set: { 'arr.b': 1 } })).code).to.equal(28);
  });

  it('still applies the valid shapes next to those checks', async () => {
    await c.updateOne({ _id: 1 }, { $set: { 'arr.1': 5, 'o.y.z': 2, 'docs.0.k': 9 }, $inc: { n: 1 }, $push: { fresh: 1 } } as Document);
    await c.updateOne({ _id: 1 }, { $unset: { 'a.b': '' }, $pop: { arr: 1 }, $pull: { docs: { k: 2 } } } as Document);
    expect(await c.findOne({ _id: 1 })).to.deep.equal({ _id: 1, a: 1, s: 'str', o: { x: 1, y: { z: 2 } }, arr: [1], docs: [{ k: 9 }], n: 1, fresh: [1] });
  });

  it('reports the failure per statement in a bulk write and keeps the earlier statements', async () => {
    const res = await c.bulkWrite([{ updateOne: { filter: { _id: 1 }, update: { $set: { ok: true } } } }, { updateOne: { filter: { _id: 1 }, update: { $inc: { s: 1 } } } }], { ordered: true }).catch((e) => e);
    expect(res.writeErrors?.[0]?.code ?? res.code).to.equal(14);
    expect((await c.findOne({ _id: 1 }))?.ok).to.equal(true);
  });
});
