import { expect } from 'chai';
import mongoose from 'mongoose';
import { mongoUriFor, uniqueDbName } from '../support/database';

/** The compatibility features as the app's models use them: through mongoose. */
describe('embedded-mongo: mongoose with collation, geo, BSON types and validators', () => {
  let conn: mongoose.Connection;
  before(async () => {
    conn = await mongoose.createConnection(mongoUriFor(uniqueDbName('emb_mongoose'))).asPromise();
  });
  after(async () => {
    await conn.dropDatabase();
    await conn.close();
  });

  it('finds the nearest liaison station through a 2dsphere schema index and sorts names by pinyin', async () => {
    const pointSchema = new mongoose.Schema({ type: { type: String, enum: ['Point'], required: true }, coordinates: { type: [Number], required: true } }, { _id: false });
    const Station = conn.model('Station', new mongoose.Schema({ name: String, location: { type: pointSchema, index: '2dsphere' } }));
    await Station.init();
    await Station.create([
      { name: '徐家汇联络站', location: { type: 'Point', coordinates: [121.4365, 31.1886] } },
      { name: '外滩代表之家', location: { type: 'Point', coordinates: [121.4905, 31.241] } },
      { name: '陆家嘴联络站', location: { type: 'Point', coordinates: [121.5055, 31.2397] } },
    ]);
    const near = await Station.find({ location: { $near: { $geometry: { type: 'Point', coordinates: [121.4903, 31.2405] }, $maxDistance: 5000 } } }).lean();
    expect(near.map((s) => s.name)).to.deep.equal(['外滩代表之家', '陆家嘴联络站']);
    const byPinyin = await Station.find().collation({ locale: 'zh' }).sort({ name: 1 }).lean();
    expect(byPinyin.map((s) => s.name)).to.deep.equal(['陆家嘴联络站', '外滩代表之家', '徐家汇联络站']);
    const agg = await Station.aggregate([{ $geoNear: { near: { type: 'Point', coordinates: [121.4903, 31.2405] }, distanceField: 'meters', spherical: true } }, { $limit: 1 }]);
    expect(agg[0].name).to.equal('外滩代表之家');
    expect(agg[0].meters).to.be.below(100);
  });

  it('round-trips mongoose BigInt, Double and Int32 paths', async () => {
    const Counter = conn.model('Counter', new mongoose.Schema({ big: BigInt, d: mongoose.Schema.Types.Double, i: mongoose.Schema.Types.Int32 }));
    const c = await Counter.create({ big: 2n ** 60n, d: 2, i: 3 });
    await Counter.updateOne({ _id: c._id }, { $inc: { i: 1 } });
    const back = await Counter.findById(c._id);
    expect(back?.big).to.equal(2n ** 60n);
    expect(await Counter.countDocuments({ big: { $type: 'long' }, d: { $type: 'double' }, i: { $type: 'int' } })).to.equal(1);
  });

  it('a $jsonSchema validator refuses what the schema would not store', async () => {
    await conn.createCollection('notes', { validator: { $jsonSchema: { bsonType: 'object', required: ['text'], properties: { text: { bsonType: 'string' } } } } });
    const Note = conn.model('Note', new mongoose.Schema({ text: String, other: String }), 'notes');
    await Note.create({ text: 'ok' });
    const err = await Note.create({ other: 'no text' }).catch((e: unknown) => e as { code?: number });
    expect(err).to.have.property('code', 121);
  });
});
