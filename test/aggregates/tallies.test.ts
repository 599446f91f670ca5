import { expect } from 'chai';
import { Types } from 'mongoose';
import type { TestApp } from '../support/app';
import { TEST_YEAR, TestClock, testDate } from '../support/clock';
import { Suggestion } from '../../src/suggestions/models';
import { suggestionTallies, tallyKeyOf } from '../../src/suggestions/tallies';
import { AggregateMark } from '../../src/aggregates/marks';
import { createDepartment, createDeputy, departmentUser, expectStatus, register, startSuggestionsApp, type Staff } from '../suggestions/support';

const SATISFIED = ['满意', '基本满意'];

/**
 * The rates' maintained tallies: after a sequence of registrations, an import, merging, assigning, transferring,
 * answering, rating, re-handling, re-rating and closing, every rate query answers exactly what a computation from
 * the suggestions themselves gives (counted here from the raw records, and by rebuilding the tallies from scratch).
 */
describe('maintained aggregates: suggestion tallies follow every handling step', function () {
  this.timeout(180_000);
  const clock = new TestClock(testDate('02-27T02:00:00Z'));
  let app: TestApp;
  let staff: Staff;
  let roads: string;
  let water: string;
  let schools: string;
  let roadsUser: string;
  let schoolsUser: string;

  const post = async (token: string, id: string, step: string, body: Record<string, unknown> = {}) => {
    const res = await app.request('POST', `/api/admin/suggestions/${id}/${step}`, { token, body });
    expectStatus(res, 200);
    return res.body;
  };
  const answer = () => ({ text: '已办理', answerClass: 'A', meeting: { at: clock.now().toISOString(), participants: '局长、代表' } });
  const queries = [
    `period=${TEST_YEAR}`,
    `period=${TEST_YEAR}&by=county`,
    `period=${TEST_YEAR}&by=township`,
    `period=${TEST_YEAR}&by=department`,
    `period=${TEST_YEAR}&by=category`,
    `period=${TEST_YEAR}-Q1&by=department`,
    `period=${TEST_YEAR}-03&by=township&county=${encodeURIComponent('红安县')}`,
    `period=${TEST_YEAR}-H1&by=county&category=${encodeURIComponent('基础设施')}`,
  ];
  const ratesFor = async () => {
    const out: Record<string, unknown> = {};
    for (const query of queries) {
      const res = await app.request('GET', `/api/admin/suggestions/rates?${query}`, { token: staff.liaison });
      expectStatus(res, 200);
      out[query] = res.body;
    }
    return out;
  };

  /** The year's totals counted here from the records, by the definitions in the README. */
  async function countedFromRecords() {
    const now = clock.now();
    const year = { $gte: new Date(Date.UTC(TEST_YEAR - 1, 11, 31, 16)), $lt: new Date(Date.UTC(TEST_YEAR, 11, 31, 16)) };
    const docs = await Suggestion.find({ registeredAt: year, status: { $ne: 'merged' } }).lean();
    const answered = (s: (typeof docs)[number]) => s.answers.length > 0;
    return {
      registered: docs.length,
      assigned: docs.filter((s) => s.assignedAt).length,
      closed: docs.filter((s) => s.status === 'closed').length,
      rated: docs.filter((s) => s.lastRating).length,
      satisfied: docs.filter((s) => s.lastRating && SATISFIED.includes(s.lastRating)).length,
      due: docs.filter((s) => answered(s) || (['assigned', 'transferred'].includes(s.status) && s.deadline && s.deadline < now)).length,
      onTime: docs.filter((s) => s.answers[0]?.onTime === true).length,
    };
  }

  async function expectSameAsFromScratch(): Promise<void> {
    const maintained = await ratesFor();
    expect((maintained[queries[0]] as any).totals.counts).to.deep.equal(await countedFromRecords());
    const status = await app.request('GET', '/api/admin/aggregates', { token: staff.admin });
    expect(status.body.items.find((s: any) => s.name === 'suggestions.tallies')).to.include({ built: true, dirty: 0 });
    expectStatus(await app.request('POST', '/api/admin/aggregates/rebuild', { token: staff.admin, body: { names: ['suggestions.tallies'] } }), 200);
    expect(await ratesFor()).to.deep.equal(maintained);
  }

  before(async () => {
    ({ app, staff } = await startSuggestionsApp('aggregates_tallies', clock));
    roads = await createDepartment(app, staff, '县交通运输局');
    water = await createDepartment(app, staff, '县水利局');
    schools = await createDepartment(app, staff, '市教育局', '麻城市');
    [roadsUser, schoolsUser] = await Promise.all([departmentUser(app, staff, roads), departmentUser(app, staff, schools)]);
  });
  after(() => app.close());

  it('counts registrations, an import and merged duplicates as the records do', async () => {
    const deputy = await createDeputy(app, staff, '王代表');
    await register(app, staff, [deputy]);
    await register(app, staff, [deputy], { category: '教育医疗', region: { county: '麻城市', township: '龙池桥街道' } });
    const main = await register(app, staff, [deputy], { region: { county: '红安县', township: '八里湾镇' } });
    const duplicate = await register(app, staff, [deputy], { region: { county: '红安县', township: '八里湾镇' } });
    await post(staff.liaison, main.id, 'sort', { mergeIds: [duplicate.id] });
    const form = new FormData();
    const csv = ['建议内容,类别,区县,乡镇,提出代表,登记日期', `修缮村道,基础设施,红安县,七里坪镇,王代表,${TEST_YEAR}-01-05`, `增加校车,教育医疗,红安县,,王代表,${TEST_YEAR}-02-20 09:30`].join('\n');
    form.set('file', new Blob([csv], { type: 'text/csv' }), 'suggestions.csv');
    form.set('dryRun', 'false');
    const imported = await app.request('POST', '/api/admin/suggestions/import', { token: staff.liaison, rawBody: form });
    expectStatus(imported, 200);
    expect(imported.body.imported).to.equal(true);
    const totals = ((await ratesFor())[queries[0]] as any).totals.counts;
    expect(totals.registered).to.equal(5);
    await expectSameAsFromScratch();
  });

  it('follows assigning, transferring to another department, answering, rating, re-handling, re-rating and closing', async () => {
    clock.set(testDate('03-02T02:00:00Z'));
    const deputy = await createDeputy(app, staff, '李代表');
    const road = await register(app, staff, [deputy]);
    const school = await register(app, staff, [deputy], { category: '教育医疗', region: { county: '麻城市', township: '龙池桥街道' } });
    const late = await register(app, staff, [deputy], { region: { county: '红安县', township: '八里湾镇' } });
    for (const [s, lead] of [[road, water], [school, schools], [late, roads]] as const) {
      await post(staff.liaison, s.id, 'sort');
      await post(staff.liaison, s.id, 'assign', { leadDepartmentId: lead });
    }
    // Reassigned: water passes the road to the roads office.
    await post(staff.liaison, road.id, 'transfer', { toDepartmentId: roads, reason: '属交通部门职责' });
    clock.set(testDate('03-20T02:00:00Z'));
    await post(roadsUser, road.id, 'answer', answer());
    await post(staff.liaison, road.id, 'rate', { rating: '不满意', comment: '未见施工' });
    await post(staff.liaison, road.id, 'rehandle');
    await post(schoolsUser, school.id, 'answer', answer());
    await post(staff.liaison, school.id, 'rate', { rating: '基本满意' });
    await post(staff.liaison, school.id, 'close');
    await expectSameAsFromScratch();
    // Answered again after the fresh deadline has passed, re-rated and closed; the third one is left overdue.
    clock.set(testDate('05-10T02:00:00Z'));
    await post(roadsUser, road.id, 'answer', answer());
    await post(staff.liaison, road.id, 'rate', { rating: '满意' });
    await post(staff.liaison, road.id, 'close');
    const byDepartment = ((await ratesFor())[queries[3]] as any).groups;
    const roadsRow = byDepartment.find((g: any) => g.key === roads);
    expect(roadsRow.counts).to.include({ assigned: 2, closed: 1, rated: 1, satisfied: 1, due: 2, onTime: 1 });
    expect(byDepartment.find((g: any) => g.key === water)).to.equal(undefined);
    await expectSameAsFromScratch();
  });

  it('recomputes a cell whose refresh never happened (a crash after the write) at the next read; the repair job clears it', async () => {
    const doc = (await Suggestion.findOne({ status: 'registered' }).lean())!;
    // What a transition leaves when its process dies between the write and the recompute: the mark, then the write.
    await suggestionTallies.mark([tallyKeyOf(doc)]);
    await Suggestion.updateOne({ _id: new Types.ObjectId(String(doc._id)) }, { $set: { status: 'merged' } });
    const before = await countedFromRecords();
    const res = await app.request('GET', `/api/admin/suggestions/rates?${queries[0]}`, { token: staff.liaison });
    expect(res.body.totals.counts).to.deep.equal(before);
    const mark = (await AggregateMark.findOne({ aggregate: 'suggestions.tallies' }).lean())!;
    await AggregateMark.updateOne({ _id: mark._id }, { $set: { pending: mark.pending.map((m) => ({ ...m, at: new Date(Date.now() - 10 * 60_000) })) } });
    expect(await suggestionTallies.repair()).to.equal(1);
    expect(await AggregateMark.countDocuments({ aggregate: 'suggestions.tallies' })).to.equal(0);
    await expectSameAsFromScratch();
  });
});
