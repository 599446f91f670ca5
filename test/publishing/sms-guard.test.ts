/** What a person may send by SMS: links only to our own site (or allowed hosts); big sends only with an admin's confirmation. */
import { expect } from 'chai';
import { TestClock, testDate } from '../support/clock';
import { Publication } from '../../src/publishing/models/publication';
import { startTestApp, type TestApp } from '../support/app';
import { Deputy } from '../../src/content/models/deputy';
import { approvedArticle, deputies } from './support/fixtures';

describe('publishing: SMS links and large sends', () => {
  let app: TestApp;
  let reviewer: { token: string };
  let admin: { token: string; userId: string };
  const clock = new TestClock(testDate('03-10T02:00:00Z'));

  before(async () => {
    app = await startTestApp({ name: 'pub_sms_guard', clock, env: { SMS_CONFIRM_ABOVE: '5', ALLOWED_LINK_HOSTS: 'www.example.gov.cn', PUBLISHING_WORKER_ENABLED: 'false' } });
    reviewer = await app.loginAs('reviewer');
    admin = await app.loginAs('admin');
    await deputies(4, { level: 'county', region: { city: '海州市', county: '东湖区' }, from: 3000 });
    await deputies(8, { level: 'township', region: { city: '海州市', county: '西山区' }, from: 4000 });
  });
  after(() => app.close());

  const publish = async (token: string, sms: Record<string, unknown>, regions = ['东湖区']) =>
    app.request('POST', `/api/admin/articles/${await approvedArticle()}/publish`, {
      token,
      body: { channels: ['sms'], audience: { deputies: { regions } }, sms: { notification: 'news', ...sms } },
    });

  it('refuses links to other hosts in SMS template values, naming the value', async () => {
    for (const link of ['http://evil.example/phish', '请访问 www.evil.cn 领取', 'http://lianxin.test@evil.example/', 'https://lianxin.test.evil.example/a']) {
      const res = await publish(reviewer.token, { params: { link } });
      expect(res.status, link).to.equal(400);
      expect(res.body.error.details[0].field).to.equal('body.sms.params.link');
    }
    expect((await publish(reviewer.token, { params: { link: 'http://lianxin.test/a/1' } })).status).to.equal(201);
    expect((await publish(reviewer.token, { params: { link: 'https://www.example.gov.cn/notice' } })).status).to.equal(201);
  });

  it('needs an admin who confirms to text more recipients than the limit, and records the confirmation', async () => {
    const byReviewer = await publish(reviewer.token, {}, ['东湖区', '西山区']);
    expect(byReviewer.status).to.equal(403);
    expect(byReviewer.body.error.code).to.equal('large_send_needs_admin');
    const unconfirmed = await publish(admin.token, {}, ['东湖区', '西山区']);
    expect(unconfirmed.status).to.equal(400);
    expect(unconfirmed.body.error.details[0].field).to.equal('body.sms.confirmLargeSend');
    const confirmed = await publish(admin.token, { confirmLargeSend: true }, ['东湖区', '西山区']);
    expect(confirmed.status, confirmed.text).to.equal(201);
    const stored = await Publication.findById(confirmed.body.id).lean();
    expect((stored?.sms as { largeSendConfirmation?: unknown }).largeSendConfirmation).to.deep.equal({ by: admin.userId, at: clock.now(), recipients: 12 });
    // Under the limit, nobody needs to confirm anything.
    expect((await publish(reviewer.token, {}, ['东湖区'])).status).to.equal(201);
  });

  it('counts people by their first usable number, once each, as the plan would reach them', async () => {
    // 南港区: six deputies, five distinct usable numbers (two share one, typed differently; one has none usable and one
    // reaches us by their second number): five is not more than the limit of 5, nobody needs to confirm.
    await deputies(4, { level: 'county', region: { city: '海州市', county: '南港区' }, from: 5000 });
    const southPort = await Deputy.find({ regionKeys: '南港区' }).select('+phones').sort({ _id: 1 }).lean();
    await Deputy.collection.insertMany(
      [
        { ...southPort[0], _id: undefined, slug: 'shared-number', phones: [`+86 ${southPort[0].phones[0]}`] },
        { ...southPort[0], _id: undefined, slug: 'second-number', phones: ['12345', '13900005050'] },
        { ...southPort[0], _id: undefined, slug: 'no-usable-number', phones: ['010-12345678'] },
      ].map(({ _id, ...d }) => d),
    );
    expect((await publish(reviewer.token, {}, ['南港区'])).status).to.equal(201);
    // One more person with a number of their own: six, an admin must confirm, and the confirmation records six.
    await deputies(1, { level: 'county', region: { city: '海州市', county: '南港区' }, from: 5100 });
    expect((await publish(reviewer.token, {}, ['南港区'])).status).to.equal(403);
    const confirmed = await publish(admin.token, { confirmLargeSend: true }, ['南港区']);
    expect(confirmed.status, confirmed.text).to.equal(201);
    const stored = await Publication.findById(confirmed.body.id).lean();
    expect((stored?.sms as { largeSendConfirmation?: { recipients: number } }).largeSendConfirmation?.recipients).to.equal(6);
  });
});
