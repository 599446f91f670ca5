import { expect } from 'chai';
import { MongoServerError, type Collection, type Document } from 'mongodb';
import { collationFolder } from '../../src/embedded-mongo/indexes/collation-keys';
import { openDb } from './helpers';

/** Indexes with a collation: their keys follow the collation's equality, so a unique index refuses case variants. */
describe('embedded-mongo: collated indexes', () => {
  let h: Awaited<ReturnType<typeof openDb>>;
  before(async () => {
    h = await openDb('emb_collated_ix');
  });
  after(() => h.close());

  const duplicate = async (p: Promise<unknown>) => {
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err, 'expected E11000').to.be.instanceOf(MongoServerError);
    expect((err as MongoServerError).code).to.equal(11000);
  };

  it('a unique index at strength 2 refuses case and width variants, accepts accent variants', async () => {
    const c: Collection<Document> = h.db.collection('departments');
    await c.createIndex({ name: 1 }, { unique: true, collation: { locale: 'en', strength: 2 } });
    await c.insertOne({ name: 'Alpha' });
    await duplicate(c.insertOne({ name: 'ALPHA' }));
    await duplicate(c.insertOne({ name: 'ａｌｐｈａ' })); // full-width: a tertiary difference in ICU
    await c.insertOne({ name: 'Álpha' }); // accents count at strength 2
    await c.insertOne({ name: '农业农村局' });
    await duplicate(c.insertMany([{ name: 'Beta' }, { name: '农业农村局' }], { ordered: true }));
    expect(await c.countDocuments({ name: 'Beta' })).to.equal(1); // ordered: written before the failure
    // A simple-collation query does not use the collated index: exact matches only.
    expect(await c.countDocuments({ name: 'alpha' })).to.equal(0);
    expect(await c.countDocuments({ name: 'alpha' }, { collation: { locale: 'en', strength: 2 } })).to.equal(1);
  });

  it('updates: a document may change its own case, not take another one’s name', async () => {
    const c = h.db.collection<{ _id: number; title: string }>('groups');
    await c.createIndex({ title: 1 }, { unique: true, collation: { locale: 'zh', strength: 2 } });
    await c.insertMany([{ _id: 1, title: 'Team A' }, { _id: 2, title: 'Team B' }]);
    await c.updateOne({ _id: 1 }, { $set: { title: 'TEAM A' } });
    await duplicate(c.updateOne({ _id: 2 }, { $set: { title: 'team a' } }));
    expect((await c.findOne({ _id: 2 }))?.title).to.equal('Team B');
    await c.deleteOne({ _id: 1 });
    await c.updateOne({ _id: 2 }, { $set: { title: 'team a' } }); // the old holder is gone: its entry went with it
  });

  it('strength 1 also ignores accents; strength 3 (the default) keeps case variants apart', async () => {
    const s1 = h.db.collection('s1');
    await s1.createIndex({ v: 1 }, { unique: true, collation: { locale: 'fr', strength: 1 } });
    await s1.insertOne({ v: 'resume' });
    await duplicate(s1.insertOne({ v: 'Résumé' }));
    const s3 = h.db.collection('s3');
    await s3.createIndex({ v: 1 }, { unique: true, collation: { locale: 'en' } });
    await s3.insertMany([{ v: 'resume' }, { v: 'Resume' }, { v: 'résumé' }]);
    expect(await s3.countDocuments()).to.equal(3);
  });

  it('building a collated unique index over existing case variants fails and leaves no index', async () => {
    const c = h.db.collection('existing');
    await c.insertMany([{ k: 'x' }, { k: 'X' }]);
    await duplicate(c.createIndex({ k: 1 }, { unique: true, collation: { locale: 'en', strength: 2 } }));
    expect((await c.listIndexes().toArray()).map((i) => i.name)).to.deep.equal(['_id_']);
  });

  it('collation keys agree with ICU (Intl.Collator) equality at each strength', () => {
    const words = ['alpha', 'Alpha', 'ALPHA', 'álpha', 'ａｌｐｈａ', 'Straße', 'STRASSE', 'strasse', 'ﬁle', 'file', 'résumé', 'resume', 'co-op', 'coop', 'co op', 'a10', 'a010', 'e\u0301', 'é', 'x\u00ADy', 'xy', '张伟', '張偉', 'Ω', 'ω', 'Ω'];
    const cases: [Document, Intl.CollatorOptions][] = [
      [{ locale: 'en', strength: 1 }, { sensitivity: 'base' }],
      [{ locale: 'en', strength: 2 }, { sensitivity: 'accent' }],
      [{ locale: 'en', strength: 3 }, { sensitivity: 'variant' }],
      [{ locale: 'zh', strength: 2 }, { sensitivity: 'accent' }],
      [{ locale: 'en', strength: 2, alternate: 'shifted' }, { sensitivity: 'accent', ignorePunctuation: true }],
      [{ locale: 'en', strength: 2, numericOrdering: true }, { sensitivity: 'accent', numeric: true }],
      [{ locale: 'en', strength: 1, caseLevel: true }, { sensitivity: 'case' }],
    ];
    for (const [spec, options] of cases) {
      const fold = collationFolder(spec)!;
      const icu = new Intl.Collator(spec.locale as string, options);
      const disagree = words.flatMap((a) => words.filter((b) => a < b && (icu.compare(a, b) === 0) !== (fold(a) === fold(b))).map((b) => `${a}|${b}`));
      expect(disagree, JSON.stringify(spec)).to.deep.equal([]);
    }
  });
});
