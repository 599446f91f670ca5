import { expect } from 'chai';
import { TestClock, TEST_YEAR, testDate } from '../support/clock';
import { startTestApp, type TestApp } from '../support/app';
import { article, createPartner, expectStatus, issueKey } from './support';

const DAY = 86_400_000;

describe('partners: column schedule (专题专栏) and media coverage', () => {
  let app: TestApp;
  let clock: TestClock;
  let reviewer: string;
  let editor: string;
  let partner: any;
  let key: string;
  let inScope: string[];
  let outOfScope: string;

  before(async () => {
    // 9 March, 10:00 Beijing.
    clock = new TestClock(testDate('03-09T02:00:00Z'));
    app = await startTestApp({ name: 'partners_columns', clock });
    reviewer = (await app.loginAs('reviewer')).token;
    editor = (await app.loginAs('editor')).token;
    partner = await createPartner(app, reviewer, { name: '东湖电视台', kind: 'tv', takes: { kinds: ['article'], regions: ['东湖区'] } });
    key = await issueKey(app, (await app.loginAs('admin')).token, partner.id);
    inScope = [
      await article({ title: '东湖一', region: { county: '东湖区' }, publishedAt: new Date(clock.now().getTime() - 3 * DAY) }),
      await article({ title: '东湖二', region: { county: '东湖区' }, publishedAt: new Date(clock.now().getTime() - 2 * DAY) }),
    ];
    outOfScope = await article({ title: '西山一', region: { county: '西山区' }, publishedAt: new Date(clock.now().getTime() - DAY) });
  });
  after(() => app.close());

  const columnsUrl = () => `/api/admin/partners/${partner.id}/columns`;

  it('a weekly column lists its issues; bad dates are refused', async () => {
    const start = `${TEST_YEAR}-03-05`;
    const res = await app.request('POST', columnsUrl(), { token: reviewer, body: { name: '《代表在行动》', slot: '东湖新闻 19:35', cadence: 'weekly', startDate: start, endDate: `${TEST_YEAR}-06-30`, time: '19:35' } });
    expectStatus(res, 201);
    expect(res.body.nextIssue).to.equal(`${TEST_YEAR}-03-12`);
    for (const [body, field] of [
      [{ name: 'x', cadence: 'weekly', startDate: `${TEST_YEAR}-02-30` }, 'body.startDate'],
      [{ name: 'x', cadence: 'daily', startDate: start }, 'body.cadence'],
      [{ name: 'x', cadence: 'weekly', startDate: start, endDate: `${TEST_YEAR}-01-01` }, 'body.endDate'],
      [{ name: 'x', cadence: 'weekly', startDate: start, time: '25:00' }, 'body.time'],
    ] as const) {
      const bad = await app.request('POST', columnsUrl(), { token: reviewer, body });
      expectStatus(bad, 400);
      expect(bad.body.error.details.map((d: any) => d.field)).to.include(field);
    }
    expectStatus(await app.request('POST', columnsUrl(), { token: editor, body: { name: 'x', cadence: 'once', startDate: start } }), 403);
  });

  it('upcoming issues show the published items the column could take (only in scope, not yet run)', async () => {
    const res = await app.request('GET', '/api/admin/partner-columns/upcoming?days=14', { token: editor });
    expectStatus(res, 200);
    expect(res.body.items).to.have.length(1);
    const up = res.body.items[0];
    expect(up.issues).to.deep.equal([`${TEST_YEAR}-03-12`, `${TEST_YEAR}-03-19`]);
    expect(up.partner).to.include({ name: '东湖电视台', kindLabel: '电视台' });
    expect(up.candidates.map((c: any) => c.title)).to.deep.equal(['东湖二', '东湖一']);
  });

  it('the editor records "ran on …"; the partner records through its key, only items it takes; the future is refused', async () => {
    const columnId = (await app.request('GET', columnsUrl(), { token: editor })).body.items[0].id;
    const runsUrl = `${columnsUrl()}/${columnId}/runs`;
    const byEditor = await app.request('POST', runsUrl, { token: editor, body: { date: `${TEST_YEAR}-03-05`, items: [{ kind: 'article', itemId: inScope[0] }] } });
    expectStatus(byEditor, 201);
    expect(byEditor.body.items).to.deep.equal([{ kind: 'article', itemId: inScope[0], title: '东湖一' }]);

    const outside = await app.request('POST', '/api/partner/runs', { headers: { 'x-partner-key': key }, body: { columnId, date: `${TEST_YEAR}-03-05`, items: [{ kind: 'article', itemId: outOfScope }] } });
    expectStatus(outside, 400);
    expect(outside.body.error.details[0].field).to.equal('body.items.0.itemId');
    const future = await app.request('POST', '/api/partner/runs', { headers: { 'x-partner-key': key }, body: { columnId, date: `${TEST_YEAR}-03-12`, items: [{ kind: 'article', itemId: inScope[1] }] } });
    expect([future.status, future.body.error.code]).to.deep.equal([400, 'run_date_in_future']);
    const columns = await app.request('GET', '/api/partner/columns', { headers: { 'x-partner-key': key } });
    expect(columns.body.items.map((c: any) => c.id)).to.deep.equal([columnId]);

    const byPartner = await app.request('POST', `/api/partner/runs?key=${key}`, { body: { columnId, date: `${TEST_YEAR}-03-05`, items: [{ kind: 'article', itemId: inScope[1] }, { kind: 'article', itemId: inScope[0] }] } });
    expectStatus(byPartner, 201);
    expect(byPartner.body.items.map((i: any) => i.title)).to.deep.equal(['东湖一', '东湖二']); // added to the same issue, no repeats
    expect((await app.request('GET', runsUrl, { token: editor })).body.items).to.have.length(1);

    const up = (await app.request('GET', '/api/admin/partner-columns/upcoming?days=14', { token: editor })).body.items[0];
    expect(up.candidates).to.deep.equal([]);
    expect(up.lastRun.date).to.equal(`${TEST_YEAR}-03-05`);
  });

  it('the month\'s media coverage counts issues and placements per partner', async () => {
    const res = await app.request('GET', `/api/admin/media-coverage?month=${TEST_YEAR}-03`, { token: editor });
    expectStatus(res, 200);
    expect(res.body).to.deep.include({ runs: 1, placements: 2, items: 2, byKind: { article: 2 } });
    expect(res.body.byPartner).to.deep.equal([{ partnerId: partner.id, name: '东湖电视台', kind: 'tv', kindLabel: '电视台', runs: 1, placements: 2 }]);
    expect((await app.request('GET', `/api/admin/media-coverage?month=${TEST_YEAR}-04`, { token: editor })).body.runs).to.equal(0);
    expectStatus(await app.request('GET', '/api/admin/media-coverage?month=2026-13', { token: editor }), 400);
  });
});
