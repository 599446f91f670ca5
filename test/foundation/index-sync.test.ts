import { expect } from 'chai';
import mongoose from 'mongoose';
import { diffModelIndexes, syncModelIndexes } from '../../src/db/index-sync';
import { mongoUriFor, uniqueDbName } from '../support/database';

/** npm run db:migrate's index sync, through mongoose against the engine (or MONGODB_URI): drops what models no longer declare. */
describe('db: syncing indexes with the models', () => {
  let conn: mongoose.Connection;
  before(async () => {
    conn = await mongoose.createConnection(mongoUriFor(uniqueDbName('index_sync')), { autoIndex: false }).asPromise();
  });
  after(async () => {
    await conn.dropDatabase();
    await conn.close();
  });

  const names = async (collection: string) => (await conn.db!.collection(collection).listIndexes().toArray()).map((i) => String(i.name)).sort();

  it('drops indexes a model no longer declares, creates the new ones, keeps the unchanged ones (collation included)', async () => {
    const v1 = new mongoose.Schema({ code: String, region: String, title: String, status: String }, { collection: 'items', autoIndex: false });
    v1.index({ code: 1 }, { unique: true });
    v1.index({ region: 1 });
    v1.index({ title: 1 }, { collation: { locale: 'zh' } });
    v1.index({ status: 1 });
    const Old = conn.model('ItemV1', v1);
    await Old.createIndexes();
    await Old.create({ code: 'A1', region: '石门县', title: '甲', status: 'draft' });
    expect(await names('items')).to.deep.equal(['_id_', 'code_1', 'region_1', 'status_1', 'title_1']);

    // The next release: code no longer unique, region joined by deletedAt, status gone, title unchanged.
    const v2 = new mongoose.Schema({ code: String, region: String, title: String, status: String, deletedAt: Date }, { collection: 'items', autoIndex: false });
    v2.index({ code: 1 });
    v2.index({ region: 1, deletedAt: 1 });
    v2.index({ title: 1 }, { collation: { locale: 'zh' } });
    const New = conn.model('ItemV2', v2);

    const [diff] = await diffModelIndexes([New]);
    expect(diff.collection).to.equal('items');
    expect([...diff.toDrop].sort()).to.deep.equal(['code_1', 'region_1', 'status_1']);
    expect(diff.toCreate).to.have.members(['{"code":1}', '{"region":1,"deletedAt":1}']);
    expect(await names('items'), 'a diff changes nothing').to.have.length(5);

    const [result] = await syncModelIndexes([New]);
    expect([...result.dropped].sort()).to.deep.equal(['code_1', 'region_1', 'status_1']);
    expect(await names('items')).to.deep.equal(['_id_', 'code_1', 'region_1_deletedAt_1', 'title_1']);
    const code = (await conn.db!.collection('items').listIndexes().toArray()).find((i) => i.name === 'code_1');
    expect(code?.unique).to.not.equal(true);
    // What the old unique index refused is now allowed.
    await New.create({ code: 'A1', region: '石门县', title: '乙' });
    expect(await New.countDocuments({ code: 'A1' })).to.equal(2);

    expect(await syncModelIndexes([New]), 'a second run has nothing to do').to.deep.equal([]);
  });
});
