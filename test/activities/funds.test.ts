import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import type { TestApp } from '../support/app';
import { DAY, NOW, Y, expectStatus, heldBody, problemFields, rollCall, seedGroup, signIn, startActivitiesApp, type Town, type Users } from './support';

describe('activity funds: allowances from attendance, the cap, payments, the rule per year, the ledger', function () {
  this.timeout(60_000);
  let app: TestApp;
  let users: Users;
  let town: Town;
  const county = encodeURIComponent('盘江县');

  before(async () => {
    ({ app } = await startActivitiesApp('activities-funds'));
    // Members: 0 city deputy, 1 county deputy, 2 township deputy (absent once, excused once).
    town = await seedGroup('盘江一组', { county: '盘江县', township: '盘江镇' }, ['city', 'county', 'township']);
    users = await signIn(app, [town.groupId]);
    // Six activities this year (city/county: 6 × 200 capped at 800; township: 4 × 100 = 400 cap reached exactly),
    // one last year.
    for (let i = 0; i < 6; i++) {
      const participants = rollCall(town, i === 0 ? [2] : [], i === 1 ? [2] : []);
      const res = await app.request('POST', '/api/admin/activities', { token: users.liaison, body: heldBody(town, new Date(NOW.getTime() - (i + 1) * 7 * DAY), { participants, subject: `第${i + 1}次活动` }) });
      expectStatus(res, 201);
    }
    const lastYear = await app.request('POST', '/api/admin/activities', { token: users.liaison, body: heldBody(town, new Date(`${Y - 1}-11-10T02:00:00Z`)) });
    expectStatus(lastYear, 201);
  });
  after(() => app.close());

  it('stores the default rule for a year at first use; a new rule for a later year leaves it alone; past years are closed', async () => {
    const lastYearRule = await app.request('GET', `/api/admin/activity-funds/rules/${Y - 1}`, { token: users.organizer });
    expectStatus(lastYearRule, 200);
    expect(lastYearRule.body.rates).to.deep.equal({ city: { perActivity: 200, cap: 800 }, county: { perActivity: 200, cap: 800 }, township: { perActivity: 100, cap: 400 } });
    expect(lastYearRule.body.source).to.equal('default');
    const rates = { city: { perActivity: 300, cap: 1200 }, county: { perActivity: 250, cap: 1000 }, township: { perActivity: 150, cap: 600 } };
    const next = await app.request('PUT', `/api/admin/activity-funds/rules/${Y + 1}`, { token: users.admin, body: { rates } });
    expectStatus(next, 200);
    expect((await app.request('GET', `/api/admin/activity-funds/rules/${Y - 1}`, { token: users.organizer })).body.rates.city.perActivity).to.equal(200);
    const closed = await app.request('PUT', `/api/admin/activity-funds/rules/${Y - 1}`, { token: users.admin, body: { rates } });
    expectStatus(closed, 409);
    expect(problemFields(closed)).to.deep.equal(['params.year']);
    const byEditor = await app.request('PUT', `/api/admin/activity-funds/rules/${Y + 1}`, { token: users.editor, body: { rates } });
    expectStatus(byEditor, 403);
    const upsideDown = await app.request('PUT', `/api/admin/activity-funds/rules/${Y}`, { token: users.admin, body: { rates: { ...rates, township: { perActivity: 500, cap: 100 } } } });
    expectStatus(upsideDown, 400);
    expect(problemFields(upsideDown)).to.deep.equal(['body.rates.township.cap']);
  });

  it("computes each deputy's allowance under the cap, and the group's total", async () => {
    const city = await app.request('GET', `/api/admin/activity-funds/deputies/${town.deputyIds[0]}?year=${Y}`, { token: users.organizer });
    expectStatus(city, 200);
    expect(city.body).to.include({ attended: 6, perActivity: 200, cap: 800, allowance: 800, remainingUnderCap: 0, paid: 0 });
    const township = await app.request('GET', `/api/admin/activity-funds/deputies/${town.deputyIds[2]}?year=${Y}`, { token: users.organizer });
    expect(township.body).to.include({ attended: 4, perActivity: 100, cap: 400, allowance: 400, remainingUnderCap: 0 });
    const previous = await app.request('GET', `/api/admin/activity-funds/deputies/${town.deputyIds[2]}?year=${Y - 1}`, { token: users.organizer });
    expect(previous.body).to.include({ attended: 1, allowance: 100, remainingUnderCap: 300 });
    const group = await app.request('GET', `/api/admin/activity-funds/groups/${town.groupId}?year=${Y}`, { token: users.liaison });
    expectStatus(group, 200);
    expect(group.body.total).to.equal(800 + 800 + 400);
  });

  it('refuses a payment beyond the allowance or the cap (body.amount), and records one within it', async () => {
    const ok = await app.request('POST', '/api/admin/activity-funds/payments', { token: users.admin, body: { deputyId: town.deputyIds[2], year: (Y - 1), amount: 60, note: '第四季度' } });
    expectStatus(ok, 201);
    expect(ok.body).to.include({ paid: 60, unpaid: 40 });
    const over = await app.request('POST', '/api/admin/activity-funds/payments', { token: users.admin, body: { deputyId: town.deputyIds[2], year: (Y - 1), amount: 50 } });
    expectStatus(over, 400);
    expect(problemFields(over)).to.deep.equal(['body.amount']);
    expect(over.body.error.details[0].message).to.contain('最多还能发放40元');
    const beyondCap = await app.request('POST', '/api/admin/activity-funds/payments', { token: users.admin, body: { deputyId: town.deputyIds[0], year: Y, amount: 1000 } });
    expectStatus(beyondCap, 400);
    expect(beyondCap.body.error.message).to.contain('超过年度上限');
    // Two clerks at once, each within the allowance alone but not together: one of them is refused.
    const racing = await Promise.all([500, 500].map((amount) => app.request('POST', '/api/admin/activity-funds/payments', { token: users.admin, body: { deputyId: town.deputyIds[1], year: Y, amount } })));
    expect(racing.map((r) => r.status).sort()).to.deep.equal([201, 400]);
    const after = await app.request('GET', `/api/admin/activity-funds/deputies/${town.deputyIds[1]}?year=${Y}`, { token: users.organizer });
    expect(after.body).to.include({ paid: 500, unpaid: 300 });
    expect(after.body.payments).to.have.length(1);
  });

  it("exports a county's ledger of a year as JSON, CSV and Excel", async () => {
    const json = await app.request('GET', `/api/admin/activity-funds/ledger?county=${county}&year=${Y}`, { token: users.organizer });
    expectStatus(json, 200);
    expect(json.body.totals).to.deep.equal({ allowance: 2000, paid: 500, unpaid: 1500, remainingUnderCap: 0 });
    expect(json.body.groups).to.deep.equal([{ groupId: town.groupId, name: '盘江一组', township: '盘江镇', members: 3, attended: 16, total: 2000 }]);

    const csv = await app.request('GET', `/api/admin/activity-funds/ledger?county=${county}&year=${Y}&format=csv`, { token: users.organizer });
    expectStatus(csv, 200);
    expect(csv.headers.get('content-type')).to.contain('text/csv');
    const rows = parse(csv.text.replace(/^\uFEFF/, '')) as string[][];
    expect(rows[0]).to.include.members(['代表姓名', '参加活动次数', '应发补贴（元）', '距上限（元）']);
    expect(rows.find((r) => r[1] === '盘江一组代表3')).to.deep.equal(['盘江镇', '盘江一组代表3', '乡镇人大代表', '盘江一组', '4', '100', '400', '400', '0', '0', '400']);
    expect(rows[rows.length - 1].slice(0, 2)).to.deep.equal(['合计', '3人']);

    const res = await fetch(`${app.url}/api/admin/activity-funds/ledger?county=${county}&year=${Y}&format=xlsx`, { headers: { authorization: `Bearer ${users.organizer}` } });
    expect(res.status).to.equal(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(await res.arrayBuffer()) as never);
    const sheet = book.worksheets[0];
    expect(String(sheet.getRow(1).getCell(1).value)).to.equal(`盘江县${Y}年代表小组活动经费台账`);
    const names = sheet.getColumn(2).values.slice(4) as unknown[];
    expect(names).to.include('盘江一组代表1');
    expect(book.worksheets[1].getRow(2).getCell(5).value).to.equal(2000);

    const neither = await app.request('GET', `/api/admin/activity-funds/ledger?year=${Y}`, { token: users.organizer });
    expectStatus(neither, 400);
    expect(problemFields(neither)).to.deep.equal(['query.county']);
  });
});
