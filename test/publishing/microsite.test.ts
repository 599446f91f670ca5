import { expect } from 'chai';
import { Article } from '../../src/content/models/article';
import { startTestApp, type TestApp } from '../support/app';
import { approvedArticle, waitFor } from './support/fixtures';

describe('publishing: microsite, permissions, validation', () => {
  let app: TestApp;
  let reviewer: string;
  let editor: string;

  before(async () => {
    app = await startTestApp({ name: 'pub_microsite' });
    reviewer = (await app.loginAs('reviewer')).token;
    editor = (await app.loginAs('editor')).token;
  });
  after(() => app.close());

  it('puts an approved article live on the microsite and records the delivery', async () => {
    const id = await approvedArticle();
    const res = await app.request('POST', `/api/admin/articles/${id}/publish`, { token: reviewer, body: { channels: ['microsite'] } });
    expect(res.status, res.text).to.equal(201);
    const pubId = res.body.id;
    const done = await waitFor('publication sent', async () => {
      const r = await app.request('GET', `/api/admin/publications/${pubId}`, { token: editor });
      return r.body.status === 'sent' && r.body;
    });
    expect(done.deliveries).to.have.length(1);
    expect(done.deliveries[0]).to.include({ channel: 'microsite', status: 'sent', attempts: 1 });
    expect((await Article.findById(id).lean())!.status).to.equal('published');
    const list = await app.request('GET', `/api/admin/publications?itemId=${id}`, { token: editor });
    expect(list.body.total).to.equal(1);
  });

  it('refuses editors, unapproved items and unknown fields', async () => {
    const id = await approvedArticle('编辑不能发布');
    const asEditor = await app.request('POST', `/api/admin/articles/${id}/publish`, { token: editor, body: { channels: ['microsite'] } });
    expect(asEditor.status).to.equal(403);
    const bad = await app.request('POST', `/api/admin/articles/${id}/publish`, { token: reviewer, body: { channels: ['microsite'], extra: 1 } });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.details[0].field).to.equal('body.extra');
    const noAudience = await app.request('POST', `/api/admin/articles/${id}/publish`, { token: reviewer, body: { channels: ['sms'] } });
    expect(noAudience.status).to.equal(400);
    const noAccount = await app.request('POST', `/api/admin/articles/${id}/publish`, { token: reviewer, body: { channels: ['wechat'] } });
    expect(noAccount.status).to.equal(400);
    expect(noAccount.body.error.message).to.contain('WECHAT_APP_ID');
    const noWeibo = await app.request('POST', `/api/admin/articles/${id}/publish`, { token: reviewer, body: { channels: ['microsite', 'weibo'] } });
    expect([noWeibo.status, noWeibo.body.error.details[0].message]).to.deep.equal([400, 'weibo is not configured']);
    expect(noWeibo.body.error.message).to.contain('WEIBO_APP_KEY');
    const past = await app.request('POST', `/api/admin/articles/${id}/publish`, {
      token: reviewer,
      body: { channels: ['microsite'], at: new Date(Date.now() - 3_600_000).toISOString() },
    });
    expect(past.status).to.equal(400);
    const missing = await app.request('POST', `/api/admin/articles/${'0'.repeat(24)}/publish`, { token: reviewer, body: { channels: ['microsite'] } });
    expect(missing.status).to.equal(404);
  });

  it('cancels a scheduled publication until it starts, then answers 409', async () => {
    const id = await approvedArticle('排期后取消');
    const at = new Date(Date.now() + 3_600_000).toISOString();
    const res = await app.request('POST', `/api/admin/articles/${id}/publish`, { token: reviewer, body: { channels: ['microsite'], at } });
    expect(res.status, res.text).to.equal(201);
    expect(res.body.status).to.equal('scheduled');
    expect((await Article.findById(id).lean())!.status, 'the item shows as scheduled').to.equal('scheduled');
    const organizer = (await app.loginAs('organizer')).token;
    expect((await app.request('POST', `/api/admin/publications/${res.body.id}/cancel`, { token: organizer })).status, 'organizers: meetings only').to.equal(403);
    expect((await app.request('POST', `/api/admin/articles/${id}/publish`, { token: organizer, body: { channels: ['microsite'] } })).status).to.equal(403);
    const cancel = await app.request('POST', `/api/admin/publications/${res.body.id}/cancel`, { token: reviewer });
    expect(cancel.status).to.equal(200);
    expect(cancel.body.status).to.equal('cancelled');
    expect((await Article.findById(id).lean())!.status, 'approved again').to.equal('approved');

    const now = await app.request('POST', `/api/admin/articles/${id}/publish`, { token: reviewer, body: { channels: ['microsite'] } });
    await waitFor('started', async () => (await app.request('GET', `/api/admin/publications/${now.body.id}`, { token: reviewer })).body.status === 'sent');
    const late = await app.request('POST', `/api/admin/publications/${now.body.id}/cancel`, { token: reviewer });
    expect(late.status).to.equal(409);
    expect(late.body.error.code).to.equal('publication_started');
  });
});
