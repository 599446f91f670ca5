import { expect } from 'chai';
import type { TestApp } from '../support/app';
import { TEST_YEAR, TestClock, testDate } from '../support/clock';
import { createDeputy, expectStatus, startSuggestionsApp, type Staff } from './support';

describe('suggestions: import from a spreadsheet with a dry run', function () {
  // Sign-ins hash passwords with Argon2: on the shared 2-core machine under load that alone takes seconds.
  this.timeout(600_000);
  const clock = new TestClock(testDate('06-01T02:00:00Z'));
  let app: TestApp;
  let staff: Staff;

  before(async () => {
    ({ app, staff } = await startSuggestionsApp('suggestions_import', clock));
    await createDeputy(app, staff, '王代表');
    await createDeputy(app, staff, '李代表');
    await createDeputy(app, staff, '重名代表');
    await createDeputy(app, staff, '重名代表');
  });
  after(() => app?.close());

  const upload = (csv: string, dryRun?: boolean) => {
    const form = new FormData();
    form.set('file', new Blob([csv], { type: 'text/csv' }), 'suggestions.csv');
    if (dryRun !== undefined) form.set('dryRun', String(dryRun));
    return app.request('POST', '/api/admin/suggestions/import', { token: staff.liaison, rawBody: form });
  };
  const count = async () => (await app.request('GET', '/api/admin/suggestions?pageSize=1', { token: staff.liaison })).body.total;

  const header = '建议内容,类别,区县,乡镇,提出代表,登记日期,是否公开';
  const good = [`修缮村道,基础设施,红安县,七里坪镇,王代表,${TEST_YEAR}-03-02,是`, `增加校车,教育医疗,红安县,,王代表、李代表,,否`];

  it('reports every bad row (row, column, why) and writes nothing, in a dry run and in a real import', async () => {
    const csv = [header, ...good, '建设公园,文化,红安县,,赵代表,2020/13/01,也许', ',基础设施,,,重名代表,,', `路灯,基础设施,红安县,,王代表,${TEST_YEAR + 1}-01-01,`].join('\n');
    const dry = await upload(csv);
    expectStatus(dry, 200);
    expect(dry.body).to.include({ dryRun: true, rows: 5, create: 2, imported: false });
    expect(dry.body.errors.map((e: any) => [e.row, e.column])).to.deep.equal([
      [4, '类别'], [4, '提出代表'], [4, '登记日期'], [4, '是否公开'],
      [5, '建议内容'], [5, '区县'], [5, '提出代表'],
      [6, '登记日期'],
    ]);
    const before = await count();
    const real = await upload(csv, false);
    expectStatus(real, 400);
    expect(real.body.error.code).to.equal('import_invalid');
    expect(real.body.error.details.errors).to.have.length(8);
    expect(await count()).to.equal(before);
    const badHeader = await upload('内容,颜色\n修路,红', false);
    expectStatus(badHeader, 400);
    expect(badHeader.body.error.details.errors.map((e: any) => e.message).join(' ')).to.contain('颜色').and.to.contain('缺少"类别"列');
  });

  it('imports all good rows at once as registered, origin import, with tracking numbers and the given dates', async () => {
    const before = await count();
    const res = await upload([header, ...good].join('\r\n'), false);
    expectStatus(res, 200);
    expect(res.body).to.include({ imported: true, create: 2 });
    expect(await count()).to.equal(before + 2);
    const list = await app.request('GET', '/api/admin/suggestions?category=基础设施', { token: staff.liaison });
    const road = list.body.items.find((i: any) => i.text === '修缮村道');
    expect(road).to.include({ status: 'registered', origin: 'import', public: true });
    expect(road.receiptNo).to.match(/^JY\d{8}-/);
    expect(new Date(road.registeredAt).toISOString()).to.equal(new Date(`${TEST_YEAR}-03-01T16:00:00Z`).toISOString());
  });
});
