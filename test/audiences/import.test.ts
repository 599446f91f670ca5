import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { TestClock, testDate } from '../support/clock';
import { startTestApp, type TestApp } from '../support/app';
import { subscribeByCode } from '../support/subscriptions';

/** Bulk import of SMS subscribers: a dry run reports every bad row; nothing is written until all rows are good. */
describe('audiences: subscribers bulk import (CSV, Excel)', () => {
  const clock = new TestClock(testDate('03-10T02:00:00Z'));
  let app: TestApp;
  let admin: string;

  before(async () => {
    app = await startTestApp({ name: 'subscribers_import', clock });
    admin = (await app.loginAs('admin')).token;
  });
  after(() => app.close());

  function form(file: Buffer, name: string, fields: Record<string, string>): FormData {
    const f = new FormData();
    for (const [k, v] of Object.entries(fields)) f.append(k, v);
    f.append('file', new Blob([new Uint8Array(file)]), name);
    return f;
  }
  const upload = (file: Buffer, name: string, fields: Record<string, string>, token = admin) =>
    app.request('POST', '/api/admin/subscribers/import', { token, rawBody: form(file, name, fields) });
  const count = async () => (await app.request('GET', '/api/admin/subscribers?pageSize=100', { token: admin })).body.total as number;
  /** A Beijing wall time `daysAgo` days before the test clock, as staff type it, and the instant it means. */
  const beijing = (daysAgo: number) => {
    const at = new Date(Math.floor((clock.now().getTime() - daysAgo * 86_400_000) / 60_000) * 60_000);
    return { text: new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' '), at };
  };
  const csv = (lines: string[]) => Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`);

  it('a dry run lists every bad row (row, column, why) and writes nothing; the real import refuses the same file', async () => {
    const file = csv([
      '手机号,姓名,同意时间',
      `13700000001,张三,${beijing(30).text.slice(0, 10)}`,
      '1370000,李四,',
      '13700000001,王五,',
      ',赵六,',
      '',
      '13700000005,孙七,2026-02-30',
      `13700000007,钱八,${beijing(-1).text}`,
      `13700000006,${'长'.repeat(51)},`,
    ]);
    const dry = await upload(file, 'subscribers.csv', { consentSource: '代表接待日现场登记表' });
    expect(dry.status, dry.text).to.equal(200);
    expect(dry.body).to.include({ dryRun: true, format: 'csv', rows: 7, imported: false });
    expect(dry.body.errors.map((e: { row: number; column: string }) => `${e.row}:${e.column}`)).to.deep.equal(['3:手机号', '4:手机号', '5:手机号', '7:同意时间', '8:同意时间', '9:姓名']);
    expect(dry.body.errors[4].message).to.contain('不能晚于现在');
    expect(dry.body.errors[1].message).to.contain('第 2 行');
    expect(await count()).to.equal(0);

    const real = await upload(file, 'subscribers.csv', { consentSource: '代表接待日现场登记表', dryRun: 'false' });
    expect(real.status).to.equal(400);
    expect(real.body.error.code).to.equal('import_invalid');
    expect(real.body.error.details.errors).to.have.length(6);
    expect(await count()).to.equal(0);
  });

  it('imports an Excel file once all rows are good, recording the consent source; an unsubscribed number is never re-added', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('名单');
    sheet.addRow(['手机号', '姓名', '同意时间']);
    const consent = beijing(10);
    sheet.addRow([13700000011, '周一', consent.text]);
    sheet.addRow(['+86 137-0000-0012', '吴二', '']);
    sheet.addRow(['13700000013', '郑三', '']);
    const bytes = Buffer.from(await book.xlsx.writeBuffer());

    await subscribeByCode(app, { phone: '13700000013' });
    await app.request('POST', '/api/public/subscriptions/unsubscribe', { body: { phone: '13700000013' } });
    const refused = await upload(bytes, '名单.xlsx', { consentSource: '社区宣传活动登记', dryRun: 'false' });
    expect(refused.status).to.equal(400);
    expect(refused.body.error.details.errors).to.deep.equal([
      { row: 4, column: '手机号', value: '13700000013', message: refused.body.error.details.errors[0].message },
    ]);
    expect(refused.body.error.details.errors[0].message).to.contain('退订');

    sheet.spliceRows(4, 1);
    const good = Buffer.from(await book.xlsx.writeBuffer());
    const dry = await upload(good, '名单.xlsx', { consentSource: '社区宣传活动登记' });
    expect(dry.body).to.include({ format: 'xlsx', rows: 2, create: 2, imported: false });
    const done = await upload(good, '名单.xlsx', { consentSource: '社区宣传活动登记', dryRun: 'false' });
    expect(done.status, done.text).to.equal(200);
    expect(done.body).to.include({ imported: true, create: 2, alreadyActive: 0 });
    const list = await app.request('GET', '/api/admin/subscribers?status=active', { token: admin });
    const zhou = list.body.items.find((s: { phone: string }) => s.phone === '+8613700000011');
    expect(zhou).to.include({ source: 'import', consentSource: '社区宣传活动登记', name: '周一' });
    expect(zhou.consentAt).to.equal(consent.at.toISOString()); // read as Beijing time

    const again = await upload(good, '名单.xlsx', { consentSource: '社区宣传活动登记', dryRun: 'false' });
    expect(again.body).to.include({ create: 0, alreadyActive: 2 });
  });

  it('requires a consent source, an admin, and a readable file', async () => {
    const file = csv(['手机号', '13700000021']);
    const noSource = await upload(file, 'a.csv', {});
    expect(noSource.status).to.equal(400);
    const editor = (await app.loginAs('editor')).token;
    expect((await upload(file, 'a.csv', { consentSource: '登记表' }, editor)).status).to.equal(403);
    const xls = await upload(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), 'old.xls', { consentSource: '登记表' });
    expect(xls.status).to.equal(400);
    expect(xls.body.error.message).to.contain('.xlsx');
    const header = await upload(csv(['电话号码,备注', '13700000021,x']), 'b.csv', { consentSource: '登记表' });
    expect(header.body.errors.map((e: { row: number }) => e.row)).to.deep.equal([1, 1, 1]);
  });
});
