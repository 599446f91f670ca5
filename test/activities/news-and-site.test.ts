import { expect } from 'chai';
import sharp from 'sharp';
import { getActivityRef } from '../../src/activities';
import type { TestApp } from '../support/app';
import { DAY, NOW, expectStatus, heldBody, rollCall, seedGroup, signIn, startActivitiesApp, type Town, type Users } from './support';

describe('activities: news draft, the microsite group page, the link for suggestions', function () {
  this.timeout(30_000);
  let app: TestApp;
  let users: Users;
  let town: Town;
  let activityId: string;
  let photoId: string;

  before(async () => {
    ({ app } = await startActivitiesApp('activities-news-site'));
    town = await seedGroup('云溪一组', { county: '云溪区', township: '云溪镇' }, ['city', 'county', 'township'], { roomAddress: '云溪镇人大代表之家' });
    users = await signIn(app, [town.groupId]);
    const photo = await sharp({ create: { width: 1200, height: 800, channels: 3, background: { r: 40, g: 120, b: 60 } } }).jpeg().toBuffer();
    const fd = new FormData();
    fd.append('alt', '代表走访茶园');
    fd.append('file', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), 'visit.jpg');
    const uploaded = await app.request('POST', '/api/admin/media', { token: users.liaison, rawBody: fd });
    expectStatus(uploaded, 201);
    photoId = uploaded.body.id;
    const created = await app.request('POST', '/api/admin/activities', {
      token: users.liaison,
      body: heldBody(town, new Date(NOW.getTime() - 2 * DAY), { subject: '茶园产业调研', photoMediaIds: [photoId], participants: rollCall(town, [2]) }),
    });
    expectStatus(created, 201);
    activityId = created.body.id;
  });
  after(() => app.close());

  it('turns a held activity into a news draft for review, once', async () => {
    const res = await app.request('POST', `/api/admin/activities/${activityId}/news-draft`, { token: users.editor });
    expectStatus(res, 201);
    const article = await app.request('GET', `/api/admin/articles/${res.body.articleId}`, { token: users.editor });
    expectStatus(article, 200);
    expect(article.body).to.include({ status: 'draft', title: '云溪一组开展茶园产业调研活动', coverMediaId: photoId });
    expect(article.body.region).to.deep.equal({ city: '云岭市', county: '云溪区', township: '云溪镇' });
    expect(article.body.relatedGroupIds).to.deep.equal([town.groupId]);
    expect(article.body.relatedDeputyIds).to.have.members([town.deputyIds[0], town.deputyIds[1]]);
    expect(article.body.body).to.contain('参加活动的代表：云溪一组代表1、云溪一组代表2').and.contain('![茶园产业调研](/media/');
    expect(article.body.digest).to.equal(heldBody(town, NOW).summary);
    const again = await app.request('POST', `/api/admin/activities/${activityId}/news-draft`, { token: users.editor });
    expectStatus(again, 409);
    expect(again.body.error.code).to.equal('news_draft_exists');
    expect((await app.request('GET', `/api/admin/activities/${activityId}`, { token: users.editor })).body.newsArticleId).to.equal(res.body.articleId);
    const byOrganizer = await app.request('POST', `/api/admin/activities/${activityId}/news-draft`, { token: users.organizer });
    expectStatus(byOrganizer, 403);
  });

  it('shows recent activities on the group page with public fields only', async () => {
    const group = await app.request('GET', `/api/admin/groups/${town.groupId}`, { token: users.editor });
    const page = await fetch(`${app.url}/groups/${group.body.slug}`);
    expect(page.status).to.equal(200);
    const html = await page.text();
    expect(html).to.contain('近期活动').and.contain('茶园产业调研').and.contain('2 名代表参加').and.contain('10 户群众');
    // No roll call of individuals, no guests, no phone numbers.
    expect(html).not.to.contain('外出务工').and.not.to.contain('王书记').and.not.to.match(/139\d{8}/);
  });

  it('offers suggestions a link point: the activity by id, or null', async () => {
    const ref = await getActivityRef(activityId);
    expect(ref).to.include({ id: activityId, groupId: town.groupId, groupName: '云溪一组', subject: '茶园产业调研', status: 'held' });
    expect(await getActivityRef('0123456789abcdef01234567')).to.equal(null);
    expect(await getActivityRef('not-an-id')).to.equal(null);
  });

  it('marks a deputy as a leader (admin only)', async () => {
    const res = await app.request('PUT', `/api/admin/deputies/${town.deputyIds[0]}/leader`, { token: users.admin, body: { leader: true } });
    expectStatus(res, 200);
    const read = await app.request('GET', `/api/admin/deputies/${town.deputyIds[0]}`, { token: users.editor });
    expect(read.body.leader).to.equal(true);
    expectStatus(await app.request('PUT', `/api/admin/deputies/${town.deputyIds[0]}/leader`, { token: users.editor, body: { leader: false } }), 403);
  });
});
