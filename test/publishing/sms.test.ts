import { expect } from 'chai';
import { TestClock, testDate } from '../support/clock';
import { addOptOut } from '../../src/channels/sms';
import { Delivery } from '../../src/publishing/models/delivery';
import * as publishing from '../../src/publishing';
import { startTestApp, type TestApp } from '../support/app';
import { codeFromTencent, subscribeByCode } from '../support/subscriptions';
import { loadSmsTemplates } from '../../src/channels/sms/templates';
import { startFakeTencentSms, startFakeWechat, type FakeTencentSms, type FakeWechat } from '../fakes';
import { approvedArticle, deputies, phoneOf, waitFor } from './support/fixtures';

describe('publishing: SMS and every channel together', () => {
  let app: TestApp;
  let sms: FakeTencentSms;
  let wechat: FakeWechat;
  let clock: TestClock;
  let reviewer: string;
  let admin: string;

  before(async () => {
    sms = await startFakeTencentSms();
    wechat = await startFakeWechat();
    clock = new TestClock(testDate('03-10T02:00:00Z'));
    app = await startTestApp({
      name: 'pub_sms',
      clock,
      env: {
        SMS_PROVIDER: 'tencent',
        SMS_ENDPOINT: sms.url,
        TENCENT_SECRET_ID: 'AKIDfake',
        TENCENT_SECRET_KEY: 'fake-key',
        TENCENT_SMS_APP_ID: '1400000000',
        WECHAT_APP_ID: wechat.state.appId,
        WECHAT_APP_SECRET: wechat.state.appSecret,
        WECHAT_API_BASE: wechat.url,
      },
    });
    reviewer = (await app.loginAs('reviewer')).token;
    admin = (await app.loginAs('admin')).token;
  });
  after(async () => {
    await app.close();
    await sms.close();
    await wechat.close();
  });

  const view = async (id: string) => (await app.request('GET', `/api/admin/publications/${id}`, { token: admin })).body;
  const settled = (id: string) =>
    waitFor('publication settled', async () => {
      const v = await view(id);
      return ['sent', 'partial', 'failed'].includes(v.status) && v;
    });

  it('publishes to the microsite, the official account and by SMS to deputies and subscribers; opt-outs are left out', async () => {
    await deputies(12, { level: 'county', region: { city: '海州市', county: '东湖区' }, from: 1000 });
    await deputies(3, { level: 'city', region: { city: '海州市' }, from: 2000 });
    await addOptOut(app.service.services.events, `+86${phoneOf(1003)}`, { source: 'admin' } as never, clock.now());
    await subscribeByCode(app, { phone: '138 0013 8000' }, codeFromTencent(sms));
    const noConsent = await app.request('POST', '/api/public/subscriptions', { body: { phone: '13800138001', consent: false } });
    expect(noConsent.status).to.equal(400);

    const id = await approvedArticle('全渠道发布');
    const res = await app.request('POST', `/api/admin/articles/${id}/publish`, {
      token: reviewer,
      body: {
        channels: ['microsite', 'wechat', 'sms'],
        audience: { deputies: { levels: ['county'], regions: ['东湖区'] }, subscribers: true },
        wechat: { mode: 'publish' },
        sms: { notification: 'news' },
      },
    });
    expect(res.status, res.text).to.equal(201);
    const pubId = res.body.id;
    await waitFor('wechat pending', async () => (await view(pubId)).deliveries.some((d: { channel: string; status: string }) => d.channel === 'wechat' && d.status === 'pending'));
    const pending = (await view(pubId)).deliveries.find((d: { channel: string }) => d.channel === 'wechat');
    app.service.services.events.emit('wechat.jobFinished', { event: 'PUBLISHJOBFINISH', publishId: pending.providerIds.publish_id, status: '0', raw: {} });
    const done = await settled(pubId);
    expect(done.status).to.equal('sent');
    expect(done.audienceSummary).to.include({ recipients: 12, excludedOptedOut: 1 });
    const smsDeliveries = done.deliveries.filter((d: { channel: string }) => d.channel === 'sms');
    expect(smsDeliveries).to.have.length(1);
    expect(smsDeliveries[0].recipients).to.deep.equal({ sent: 12 });
    expect(smsDeliveries[0].idempotencyKey).to.equal(`${pubId}:sms:0`);

    const newsSends = sms.state.sends.filter((s) => s.templateId === loadSmsTemplates().news.tencent); // not the sign-up code
    const received = newsSends.map((s) => s.phone).sort();
    expect(received).to.have.length(12);
    expect(new Set(received).size).to.equal(12);
    expect(received).to.not.include(`+86${phoneOf(1003)}`);
    expect(received).to.include('+8613800138000');
    expect(newsSends[0].sessionContext).to.equal(smsDeliveries[0].id);

    // Receipts arrive on the provider's callback route (twice: providers repeat them) and refine each number.
    const failing = `+86${phoneOf(1001)}`;
    await sms.controls.pushReceipts(`${app.url}/api/callbacks/sms/tencent`, [failing]);
    await sms.controls.pushReceipts(`${app.url}/api/callbacks/sms/tencent`, [failing]);
    const refined = await waitFor('receipts applied', async () => {
      const d = (await view(pubId)).deliveries.find((x: { channel: string }) => x.channel === 'sms');
      return d.recipients.delivered === 11 && d;
    });
    expect(refined.recipients).to.deep.equal({ delivered: 11, failed: 1 });
    expect(refined.failedRecipients[0]).to.include({ recipient: failing });
    const page = await app.request('GET', `/api/admin/deliveries/${refined.id}/recipients?status=failed`, { token: reviewer });
    expect(page.body.total).to.equal(1);
    expect(page.body.items[0].recipient).to.match(/^139\*\*\*\*\d{4}$/);
  });

  it('surfaces a permanent provider refusal with its code, and lets a person retry it', async () => {
    await deputies(5, { level: 'township', region: { city: '海州市', county: '西山县' }, from: 3000 });
    sms.controls.failNext({ code: 'FailedOperation.TemplateIncorrectOrUnapproved', match: 'SendSms' });
    const id = await approvedArticle('模板未审核');
    const res = await app.request('POST', `/api/admin/articles/${id}/publish`, {
      token: reviewer,
      body: { channels: ['sms'], audience: { deputies: { levels: ['township'] } }, sms: { notification: 'news' } },
    });
    const failed = await settled(res.body.id);
    expect(failed.status).to.equal('failed');
    const d = failed.deliveries[0];
    expect(d).to.include({ status: 'failed', attempts: 1 });
    expect(d.error.providerCode ?? d.error.code).to.contain('TemplateIncorrectOrUnapproved');
    expect(d.error.message).to.contain('模板');

    const wrongAction = await app.request('POST', `/api/admin/deliveries/${d.id}/retry`, { token: reviewer, body: { action: 'mark_sent' } });
    expect(wrongAction.status).to.equal(400);
    const retried = await app.request('POST', `/api/admin/deliveries/${d.id}/retry`, { token: reviewer, body: { note: '模板已审核通过' } });
    expect(retried.status, retried.text).to.equal(200);
    const after = await settled(res.body.id);
    expect(after.status).to.equal('sent');
    // The first round stays as history; the second round (a new ledger record) went out.
    const [first, second] = after.deliveries;
    expect(first).to.include({ round: 1, status: 'failed', supersededBy: second.id });
    expect(second).to.include({ round: 2, status: 'sent', attempts: 1, retryOf: first.id, idempotencyKey: `${res.body.id}:sms:0:r2` });
    expect(second.recipients).to.deep.equal({ sent: 5 });
    expect(second.actions[0]).to.include({ action: 'retry', note: '模板已审核通过' });
    const again = await app.request('POST', `/api/admin/deliveries/${d.id}/retry`, { token: reviewer });
    expect(again.status).to.equal(409);
    const sentDone = await app.request('POST', `/api/admin/deliveries/${second.id}/retry`, { token: reviewer });
    expect(sentDone.status).to.equal(409);
  });

  it('retries a transient provider failure with backoff, then succeeds', async () => {
    await deputies(4, { level: 'city', region: { city: '南江市' }, from: 4000 });
    // Throttled: the provider refused it, so the retry may send (a 5xx would leave the numbers in doubt).
    sms.controls.failNext({ code: 'RequestLimitExceeded', match: 'SendSms' });
    const id = await approvedArticle('服务商临时故障');
    const res = await app.request('POST', `/api/admin/articles/${id}/publish`, {
      token: reviewer,
      body: { channels: ['sms'], audience: { deputies: { regions: ['南江市'] } }, sms: { notification: 'news' } },
    });
    const queued = await waitFor('queued for retry', async () => {
      const d = (await view(res.body.id)).deliveries[0];
      return d && d.status === 'queued' && d.attempts === 1 && d;
    });
    expect(new Date(queued.nextAttemptAt).getTime()).to.be.greaterThan(clock.now().getTime());
    clock.advance(30_000);
    const done = await settled(res.body.id);
    expect(done.status).to.equal('sent');
    expect(done.deliveries[0].attempts).to.equal(2);
    const phones = sms.state.sends.map((s) => s.phone).filter((p) => p.startsWith('+8613900004'));
    expect(phones.sort()).to.deep.equal([0, 1, 2, 3].map((i) => `+86${phoneOf(4000 + i)}`));
  });

  it('a receipt that carries only the provider\'s serial number (no echoed delivery id) still refines the ledger', async () => {
    await deputies(3, { level: 'city', region: { city: '北岭市' }, from: 4500 });
    const id = await approvedArticle('只带流水号的回执');
    const res = await app.request('POST', `/api/admin/articles/${id}/publish`, {
      token: reviewer,
      body: { channels: ['sms'], audience: { deputies: { regions: ['北岭市'] } }, sms: { notification: 'news' } },
    });
    const done = await settled(res.body.id);
    expect(done.deliveries[0].recipients).to.deep.equal({ sent: 3 });
    const mine = sms.state.sends.filter((s) => s.sessionContext === done.deliveries[0].id);
    expect(mine).to.have.length(3);
    // Tencent echoes SessionContext only when the account enables it: matched through the SMS batch records' SerialNo.
    const [failing, ...rest] = mine;
    const body = mine.map((s) => ({
      user_receive_time: new Date(clock.now().getTime() + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' '), // Beijing time
      nationcode: '86',
      mobile: s.phone.replace(/^\+86/, ''),
      report_status: s === failing ? 'FAIL' : 'SUCCESS',
      errmsg: s === failing ? 'MN:0001' : 'DELIVRD',
      description: s === failing ? '用户关机' : '用户短信送达成功',
      sid: s.serialNo,
      ext: {},
    }));
    const answer = await fetch(`${app.url}/api/callbacks/sms/tencent`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(answer.status).to.equal(200);
    const refined = await waitFor('receipts applied', async () => {
      const d = (await view(res.body.id)).deliveries[0];
      return d.recipients.delivered === rest.length && d;
    });
    expect(refined.recipients).to.deep.equal({ delivered: 2, failed: 1 });
    expect(refined.failedRecipients[0]).to.include({ recipient: failing.phone });
    const stored = await Delivery.findById(refined.id).lean();
    const failed = stored!.recipients.find((r) => r.recipient === failing.phone)!;
    expect(failed).to.include({ status: 'failed', providerMessageId: failing.serialNo, errorCode: 'MN:0001' });
  });

  it('creates a publication once per dedupeKey, even when two callers race', async () => {
    const { createPublication } = publishing;
    const id = await approvedArticle('会议提醒去重');
    const input = {
      kind: 'article' as const,
      itemId: id,
      channels: ['sms' as const],
      sms: { notification: 'reminder' as const, params: {}, recipients: [{ phone: '13700137000', params: { link: 'https://x.test/r/1' } }] },
      createdBy: 'meetings',
      dedupeKey: `test:${id}:reminder:86400000`,
      at: new Date(clock.now().getTime() + 3_600_000),
    };
    const [a, b] = await Promise.all([createPublication(input), createPublication(input)]);
    expect(String(a.publication._id)).to.equal(String(b.publication._id));
    expect([a.created, b.created].sort()).to.deep.equal([false, true]);
    expect(await Delivery.countDocuments({ publicationId: a.publication._id })).to.equal(0);
  });
  it('giving up after transient failures records who already got it, and a retry never texts them again', async () => {
    const { createPublication } = publishing;
    const id = await approvedArticle('逐个号码发送');
    // Personal links: every number is its own provider request, so the first one goes out before the second fails.
    const phones = [0, 1, 2].map((i) => `+86${phoneOf(5000 + i)}`);
    sms.controls.failRequestsWith(phones[1], 'RequestLimitExceeded');
    const { publication } = await createPublication({
      kind: 'article',
      itemId: id,
      channels: ['sms'],
      sms: { notification: 'news', params: {}, recipients: phones.map((phone, i) => ({ phone, params: { link: `https://x.test/p/${i}` } })) },
      createdBy: 'test',
    });
    const pubId = String(publication._id);
    await waitFor('planned', async () => (await Delivery.countDocuments({ publicationId: publication._id })) > 0);
    for (let attempt = 1; attempt < 5; attempt++) {
      await waitFor(`attempt ${attempt} failed`, async () => {
        const d = (await view(pubId)).deliveries[0];
        return d && d.status === 'queued' && d.attempts === attempt;
      });
      clock.advance(11 * 60_000);
    }
    const failed = await settled(pubId);
    const first = failed.deliveries[0];
    expect(first).to.include({ status: 'failed', attempts: 5 });
    // The per-recipient list says what happened: the first number has it, the others never got through.
    expect(first.recipients).to.deep.equal({ sent: 1, failed: 2 });
    const sentBefore = sms.state.sends.filter((s) => phones.includes(s.phone)).map((s) => s.phone);
    expect(sentBefore).to.deep.equal([phones[0]]);

    sms.controls.failRequestsWith(phones[1], null);
    const retried = await app.request('POST', `/api/admin/deliveries/${first.id}/retry`, { token: reviewer });
    expect(retried.status, retried.text).to.equal(200);
    const done = await settled(pubId);
    expect(done.status).to.equal('sent');
    const second = done.deliveries.find((d: { round: number }) => d.round === 2);
    expect(second.recipients).to.deep.equal({ sent: 2 });
    const texts = sms.state.sends.filter((s) => phones.includes(s.phone)).map((s) => s.phone);
    expect(texts.sort()).to.deep.equal([...phones].sort()); // each number exactly once
    // Looking at the publication in between did not cost the retried numbers their personal links.
    for (const i of [1, 2]) expect(sms.state.sends.find((s) => s.phone === phones[i])!.params).to.include(`https://x.test/p/${i}`);
  });
});
