import { expect } from 'chai';
import { OutboxMessageModel } from '../../src/channels/sms';
import { startTestApp, type TestApp } from '../support/app';
import { approvedArticle, waitFor } from './support/fixtures';
import { subscribeByCode } from '../support/subscriptions';

describe('publishing: subscribers (opt in, opt out, the subscribers audience through the outbox)', () => {
  let app: TestApp;
  let admin: string;

  before(async () => {
    app = await startTestApp({ name: 'pub_subscribers' });
    admin = (await app.loginAs('admin')).token;
  });
  after(() => app.close());

  it('subscribes with consent and the texted code, and refuses bad numbers', async () => {
    const first = await subscribeByCode(app, { phone: '+86 136-0000-0001', name: '张三' });
    expect(first.body.phone).to.equal('136****0001');
    const bad = await app.request('POST', '/api/public/subscriptions', { body: { phone: '12345', consent: true } });
    expect(bad.status).to.equal(400);
    const list = await app.request('GET', '/api/admin/subscribers', { token: admin });
    expect(list.body.total).to.equal(1);
    expect(list.body.items[0]).to.include({ phone: '+8613600000001', status: 'active', name: '张三' });
    const editor = (await app.loginAs('editor')).token;
    expect((await app.request('GET', '/api/admin/subscribers', { token: editor })).status).to.equal(403);
  });

  it('sends to active subscribers only; an unsubscribe or a TD opt-out stops them', async () => {
    await subscribeByCode(app, { phone: '13600000002' });
    await subscribeByCode(app, { phone: '13600000003' });
    const un = await app.request('POST', '/api/public/subscriptions/unsubscribe', { body: { phone: '13600000002' } });
    expect(un.status).to.equal(200);
    app.service.services.events.emit('sms.optedOut', { phone: '+8613600000003' });
    await waitFor('opt-out applied', async () => {
      const l = await app.request('GET', '/api/admin/subscribers?status=unsubscribed', { token: admin });
      return l.body.total === 2;
    });

    const id = await approvedArticle('订阅用户短信');
    const res = await app.request('POST', `/api/admin/articles/${id}/publish`, {
      token: admin,
      body: { channels: ['sms'], audience: { subscribers: true }, sms: { notification: 'news' } },
    });
    expect(res.status, res.text).to.equal(201);
    const done = await waitFor('sent', async () => {
      const v = (await app.request('GET', `/api/admin/publications/${res.body.id}`, { token: admin })).body;
      return v.status === 'sent' && v;
    });
    expect(done.audienceSummary.recipients).to.equal(1);
    const outbox = await OutboxMessageModel.find({ notification: 'news' }).lean();
    expect(outbox.map((m) => (m as { phone?: string }).phone)).to.deep.equal(['+8613600000001']);
  });
});
