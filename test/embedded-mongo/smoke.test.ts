import { expect } from 'chai';
import mongoose from 'mongoose';
import { mongoUriFor, uniqueDbName } from '../support/database';

describe('embedded-mongo: mongoose smoke test', () => {
  let conn: mongoose.Connection;

  before(async () => {
    conn = await mongoose.createConnection(mongoUriFor(uniqueDbName('smoke'))).asPromise();
  });
  after(async () => {
    await conn.dropDatabase();
    await conn.close();
  });

  it('connects, enforces a unique index, and does CRUD', async () => {
    const User = conn.model('User', new mongoose.Schema({ name: { type: String, unique: true }, age: Number }));
    await User.init();
    const a = await User.create({ name: 'alice', age: 30 });
    await User.create({ name: 'bob', age: 25 });
    expect((await User.findById(a._id))?.name).to.equal('alice');
    expect(await User.countDocuments({ age: { $gte: 26 } })).to.equal(1);
    await User.updateOne({ name: 'bob' }, { $inc: { age: 1 } });
    expect((await User.findOne({ name: 'bob' }).lean())?.age).to.equal(26);
    const err = await User.create({ name: 'alice', age: 1 }).catch((e: unknown) => e as { code?: number; message: string; keyValue?: unknown });
    expect(err).to.have.property('code', 11000);
    expect((err as { message: string }).message).to.match(/E11000 duplicate key error collection: .*\.users index: name_1 dup key: \{ name: "alice" \}/);
    expect((err as { keyValue?: unknown }).keyValue).to.deep.equal({ name: 'alice' });
    await User.deleteOne({ name: 'bob' });
    expect(await User.countDocuments()).to.equal(1);
    const sorted = await User.find().sort({ name: -1 }).lean();
    expect(sorted.map((u) => u.name)).to.deep.equal(['alice']);
  });
});
