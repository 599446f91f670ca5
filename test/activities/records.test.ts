import { expect } from 'chai';
import { Publication } from '../../src/publishing/models/publication';
import type { TestApp } from '../support/app';
import { DAY, NOW, Y, expectStatus, heldBody, rollCall, seedGroup, signIn, startActivitiesApp, type Town, type Users } from './support';

describe('activities: records, plans, roll call and who may write', function () {
  this.timeout(30_000);
  let app: TestApp;
  let users: Users;
  let town: Town;
  let other: Town;

  before(async () => {
    ({ app } = await startActivitiesApp('activities-records'));
    town = await seedGroup('石门一组', { county: '石门县', township: '石门镇' }, ['city', 'county', 'township', 'township'], { noPhone: [3] });
    other = await seedGroup('白水镇代表小组', { county: '石门县', township: '白水镇' }, ['county', 'township']);
    users = await signIn(app, [town.groupId]);
  });
  after(() => app.close());

  it('records a held activity with its roll call linked to deputy profiles, and counts it', async () => {
    const res = await app.request('POST', '/api/admin/activities', { token: users.liaison, body: heldBody(town, new Date(NOW.getTime() - 2 * DAY), { participants: rollCall(town, [1], [2]) }) });
    expectStatus(res, 201);
    expect(res.body.status).to.equal('held');
    expect(res.body.region).to.deep.equal({ city: '云岭市', county: '石门县', township: '石门镇' });
    expect(res.body.attendance).to.deep.equal({ present: 2, excused: 1, absent: 1, total: 4 });
    const excused = res.body.participants.find((p: any) => p.status === 'excused');
    expect(excused).to.include({ deputyId: town.deputyIds[1], name: '石门一组代表2', reason: '外出务工', statusLabel: '请假' });
    expect(res.body.guests).to.deep.equal([{ name: '王书记', title: '镇党委书记' }]);
    const read = await app.request('GET', `/api/admin/activities/${res.body.id}`, { token: users.editor });
    expectStatus(read, 200);
    expect(read.body.householdsReached).to.equal(10);
  });

  it('plans an activity, sends the members an SMS notice, and turns the plan into the record when it happened', async () => {
    const when = new Date(NOW.getTime() + 3 * DAY);
    const planned = await app.request('POST', '/api/admin/activities', {
      token: users.liaison,
      body: { groupId: town.groupId, status: 'planned', kind: 'meeting_day', subject: '代表见面日', startsAt: when.toISOString(), place: '镇代表之家', notify: true },
    });
    expectStatus(planned, 201);
    expect(planned.body.participants.map((p: any) => p.deputyId).sort()).to.deep.equal([...town.deputyIds].sort());
    expect(planned.body.participants.every((p: any) => p.status === null)).to.equal(true);
    expect(planned.body.notice.notified).to.equal(3);
    expect(planned.body.notice.unreachable.map((u: any) => u.deputyId)).to.deep.equal([town.deputyIds[3]]);
    const pub = await Publication.findById(planned.body.notice.publicationId).lean();
    expect(pub!.kind).to.equal('activity');
    expect(pub!.channels).to.deep.equal(['sms']);
    expect(pub!.sms!.notification).to.equal('activity_notice');
    expect(pub!.sms!.params).to.include({ subject: '代表见面日', place: '镇代表之家', time: '6月18日 10:00' });
    expect(pub!.audience!.recipients!.map((r) => r.params!.name)).to.have.members(['石门一组代表1', '石门一组代表2', '石门一组代表3']);

    // Recording it before it happened is refused; afterwards it becomes the record.
    const early = await app.request('POST', `/api/admin/activities/${planned.body.id}/record`, { token: users.liaison, body: { version: planned.body.version, participants: rollCall(town) } });
    expectStatus(early, 400);
    expect(early.body.error.details[0].field).to.equal('body.startsAt');

    const held = await app.request('POST', `/api/admin/activities/${planned.body.id}/record`, {
      token: users.liaison,
      body: { version: planned.body.version, startsAt: new Date(NOW.getTime() - 3_600_000).toISOString(), participants: rollCall(town, [], [0]), summary: '接待群众15人次', householdsReached: 15 },
    });
    expectStatus(held, 200);
    expect(held.body).to.include({ status: 'held', summary: '接待群众15人次', householdsReached: 15, version: 2 });
    expect(held.body.attendance).to.include({ present: 3, absent: 1 });
    const again = await app.request('POST', `/api/admin/activities/${planned.body.id}/record`, { token: users.liaison, body: { version: 2, participants: rollCall(town) } });
    expectStatus(again, 409);
  });

  it('a liaison records only their own groups; organizers and editors read; a liaison lists only their groups', async () => {
    const when = new Date(NOW.getTime() - 5 * DAY);
    const foreign = await app.request('POST', '/api/admin/activities', { token: users.liaison, body: heldBody(other, when) });
    expectStatus(foreign, 403);
    expect(foreign.body.error.code).to.equal('not_your_group');
    const notYours = await app.request('POST', '/api/admin/activities', { token: users.otherLiaison, body: heldBody(town, when) });
    expectStatus(notYours, 403);
    const byOrganizer = await app.request('POST', '/api/admin/activities', { token: users.organizer, body: heldBody(town, when) });
    expectStatus(byOrganizer, 403);
    const byAdmin = await app.request('POST', '/api/admin/activities', { token: users.admin, body: heldBody(other, when) });
    expectStatus(byAdmin, 201);

    const all = await app.request('GET', '/api/admin/activities?county=%E7%9F%B3%E9%97%A8%E5%8E%BF', { token: users.organizer });
    expectStatus(all, 200);
    expect(all.body.items.map((a: any) => a.groupId)).to.include.members([town.groupId, other.groupId]);
    const mine = await app.request('GET', '/api/admin/activities', { token: users.liaison });
    expect(mine.body.items.length).to.be.greaterThan(0);
    expect(mine.body.items.every((a: any) => a.groupId === town.groupId)).to.equal(true);
    const hidden = await app.request('GET', `/api/admin/activities/${byAdmin.body.id}`, { token: users.liaison });
    expectStatus(hidden, 404);
    const byDate = await app.request('GET', `/api/admin/activities?from=${Y}-06-10&to=${Y}-06-10&groupId=${other.groupId}`, { token: users.editor });
    expect(byDate.body.items.map((a: any) => a.id)).to.deep.equal([byAdmin.body.id]);
  });

  it('cancels a plan with a reason; the slot is free again', async () => {
    const when = new Date(NOW.getTime() + 10 * DAY);
    const body = { groupId: town.groupId, status: 'planned', kind: 'study', subject: '集中学习代表法', startsAt: when.toISOString() };
    const planned = await app.request('POST', '/api/admin/activities', { token: users.liaison, body });
    expectStatus(planned, 201);
    const noReason = await app.request('POST', `/api/admin/activities/${planned.body.id}/cancel`, { token: users.liaison, body: { version: 1, reason: '' } });
    expectStatus(noReason, 400);
    const cancelled = await app.request('POST', `/api/admin/activities/${planned.body.id}/cancel`, { token: users.liaison, body: { version: 1, reason: '防汛值班' } });
    expectStatus(cancelled, 200);
    expect(cancelled.body).to.include({ status: 'cancelled', cancelReason: '防汛值班' });
    const replanned = await app.request('POST', '/api/admin/activities', { token: users.liaison, body });
    expectStatus(replanned, 201);
  });

  it('edits on a stale version are refused; corrections rewrite the roll call', async () => {
    const created = await app.request('POST', '/api/admin/activities', { token: users.liaison, body: heldBody(town, new Date(NOW.getTime() - 20 * DAY), { subject: '宣传惠农政策', kind: 'policy_outreach' }) });
    expectStatus(created, 201);
    const fixed = await app.request('PATCH', `/api/admin/activities/${created.body.id}`, { token: users.liaison, body: { version: 1, participants: rollCall(town, [0]) } });
    expectStatus(fixed, 200);
    expect(fixed.body.attendance).to.include({ present: 3, excused: 1 });
    const stale = await app.request('PATCH', `/api/admin/activities/${created.body.id}`, { token: users.liaison, body: { version: 1, subject: '别的' } });
    expectStatus(stale, 409);
    expect(stale.body.error.code).to.equal('version_conflict');
    const removed = await app.request('DELETE', `/api/admin/activities/${created.body.id}`, { token: users.liaison });
    expectStatus(removed, 204);
    expectStatus(await app.request('GET', `/api/admin/activities/${created.body.id}`, { token: users.editor }), 404);
  });

  it('documents its routes in the OpenAPI document', async () => {
    const doc = await app.request('GET', '/api/openapi.json');
    expect(Object.keys(doc.body.paths)).to.include.members(['/api/admin/activities', '/api/admin/activities/{id}/record', '/api/admin/activity-funds/ledger']);
  });
});
