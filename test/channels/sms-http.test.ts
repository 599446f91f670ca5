import { expect } from 'chai';
import { TestClock } from '../support/clock';
import type { DomainEvents } from '../../src/events';
import { OutboxProvider, SmsChannel, deliveryRecords } from '../../src/channels/sms';
import { TencentSmsProvider } from '../../src/channels/sms/tencent';
import { AliyunSmsProvider } from '../../src/channels/sms/aliyun';
import { startTestApp, type TestApp } from '../support/app';
import { startFakeAliyunSms, startFakeTencentSms } from '../fakes';
import { quietLogger, testConfig } from './support';

const TOKEN = 'receipt-secret-123';

function request(deliveryId: string, phones: string[]) {
  return {
    deliveryId,
    idempotencyKey: `${deliveryId}:k`,
    attempt: 1,
    content: { kind: 'article' as const, id: 'a1', title: '新闻标题', digest: '', markdown: '', url: 'http://lianxin.test/a/1' },
    sms: { notification: 'news' as const, params: {}, recipients: phones.map((phone) => ({ phone })) },
  };
}

describe('SMS over HTTP: receipts, replies, outbox, opt-outs', () => {
  let app: TestApp;
  let adminToken: string;
  const receipts: Array<DomainEvents['sms.receipt']> = [];

  before(async () => {
    app = await startTestApp({ name: 'sms_http', env: { SMS_RECEIPT_TOKEN: TOKEN } });
    adminToken = (await app.loginAs('admin')).token;
    app.service.services.events.on('sms.receipt', (e) => void receipts.push(e));
  });
  after(() => app.close());

  it('applies Tencent receipts once, emits sms.receipt, and answers as Tencent expects', async () => {
    const fake = await startFakeTencentSms();
    try {
      const config = testConfig({ SMS_PROVIDER: 'tencent', SMS_ENDPOINT: fake.url, TENCENT_SECRET_ID: 'id', TENCENT_SECRET_KEY: 'k', TENCENT_SMS_APP_ID: '1400000000' });
      const channel = new SmsChannel({ provider: new TencentSmsProvider(config.sms), signName: '连心', clock: new TestClock(), logger: quietLogger });
      await channel.deliver(request('tc-d1', ['13800000001', '13800000002']));
      const url = `${app.url}/api/callbacks/sms/tencent?token=${TOKEN}`;
      const first = await fake.controls.pushReceipts(url, ['+8613800000002']);
      expect(first.status).to.equal(200);
      expect(JSON.parse(first.body)).to.deep.equal({ result: 0, errmsg: 'OK' });
      await fake.controls.pushReceipts(url); // a repeated push changes nothing
      const docs = (await deliveryRecords('tc-d1')).sort((a, b) => a.phone.localeCompare(b.phone));
      expect(docs.map((d) => d.status)).to.deep.equal(['delivered', 'failed']);
      // Tencent reports Beijing wall time: read as such, it is a moment ago (not eight hours off).
      expect(Math.abs(docs[0].receiptAt!.getTime() - Date.now())).to.be.below(60_000);
      await new Promise((r) => setTimeout(r, 20));
      const mine = receipts.filter((r) => r.deliveryId === 'tc-d1');
      expect(mine).to.have.length(2);
      expect(mine.find((r) => r.phone === '+8613800000002')?.delivered).to.equal(false);
    } finally {
      await fake.close();
    }
  });

  it('applies Aliyun SmsReport receipts and answers {"code":0,"msg":"接收成功"}', async () => {
    const fake = await startFakeAliyunSms();
    try {
      const config = testConfig({ SMS_PROVIDER: 'aliyun', SMS_ENDPOINT: fake.url, ALIYUN_ACCESS_KEY_ID: 'id', ALIYUN_ACCESS_KEY_SECRET: 's' });
      const channel = new SmsChannel({ provider: new AliyunSmsProvider(config.sms), signName: '连心', clock: new TestClock(), logger: quietLogger });
      await channel.deliver(request('ali-d1', ['13800000011']));
      const res = await fake.controls.pushReceipts(`${app.url}/api/callbacks/sms/aliyun?token=${TOKEN}`);
      expect(JSON.parse(res.body)).to.deep.equal({ code: 0, msg: '接收成功' });
      expect((await deliveryRecords('ali-d1'))[0]?.status).to.equal('delivered');
    } finally {
      await fake.close();
    }
  });

  it('refuses pushes without the callback token', async () => {
    const res = await app.request('POST', '/api/callbacks/sms/tencent', { body: [] });
    expect(res.status).to.equal(401);
    const wrong = await app.request('POST', '/api/callbacks/sms/aliyun?token=nope', { body: [] });
    expect(wrong.status).to.equal(401);
  });

  it('opts a number out on a TD reply, and the admin list shows it', async () => {
    const tencent = await startFakeTencentSms();
    const aliyun = await startFakeAliyunSms();
    try {
      const tc = testConfig({ SMS_PROVIDER: 'tencent', SMS_ENDPOINT: tencent.url, TENCENT_SECRET_ID: 'id', TENCENT_SECRET_KEY: 'k', TENCENT_SMS_APP_ID: '1400000000' });
      await new SmsChannel({ provider: new TencentSmsProvider(tc.sms), signName: '连心', clock: new TestClock(), logger: quietLogger }).deliver(request('reply-tc', ['13800000021']));
      const ac = testConfig({ SMS_PROVIDER: 'aliyun', SMS_ENDPOINT: aliyun.url, ALIYUN_ACCESS_KEY_ID: 'id', ALIYUN_ACCESS_KEY_SECRET: 's' });
      await new SmsChannel({ provider: new AliyunSmsProvider(ac.sms), signName: '连心', clock: new TestClock(), logger: quietLogger }).deliver(request('reply-ali', ['13800000022']));
    } finally {
      await tencent.close();
      await aliyun.close();
    }
    const res = await app.request('POST', `/api/callbacks/sms/tencent/reply?token=${TOKEN}`, {
      body: { extend: '', mobile: '13800000021', nationcode: '86', sign: '连心', text: 'TD', time: 1_700_000_000 },
    });
    expect(res.body).to.deep.equal({ result: 0, errmsg: 'OK' });
    await app.request('POST', `/api/callbacks/sms/aliyun/reply?token=${TOKEN}`, {
      body: [{ phone_number: '13800000022', content: '好的，收到', send_time: '2025-09-01 10:00:00', sign_name: '连心', dest_code: '1', sequence_id: 1 }],
    });
    const list = await app.request('GET', '/api/admin/sms/opt-outs', { token: adminToken });
    const phones = list.body.items.map((i: { phone: string }) => i.phone);
    expect(phones).to.include('+8613800000021');
    expect(phones).not.to.include('+8613800000022');
  });

  it('ignores an opt-out reply for a number that provider never texted for us', async () => {
    const forged = await app.request('POST', `/api/callbacks/sms/tencent/reply?token=${TOKEN}`, {
      body: { mobile: '13800000029', nationcode: '86', text: 'TD', time: 1_700_000_000 },
    });
    expect(forged.body).to.deep.equal({ result: 0, errmsg: 'OK' }); // the provider must not retry it
    // 13800000022 was texted through Aliyun only: a Tencent "reply" from it is not ours either.
    await app.request('POST', `/api/callbacks/sms/tencent/reply?token=${TOKEN}`, { body: { mobile: '13800000022', text: '退订' } });
    await app.request('POST', `/api/callbacks/sms/aliyun/reply?token=${TOKEN}`, { body: [{ phone_number: '13800000029', content: 'TD' }] });
    const list = await app.request('GET', '/api/admin/sms/opt-outs', { token: adminToken });
    const phones = list.body.items.map((i: { phone: string }) => i.phone);
    expect(phones).not.to.include('+8613800000029');
    expect(phones).not.to.include('+8613800000022');
  });

  it('manages opt-outs: add (validated), remove', async () => {
    const bad = await app.request('POST', '/api/admin/sms/opt-outs', { token: adminToken, body: { phone: '12345' } });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.details[0].field).to.equal('body.phone');
    const added = await app.request('POST', '/api/admin/sms/opt-outs', { token: adminToken, body: { phone: '138 0000 0031', note: '本人来电要求' } });
    expect(added.status).to.equal(201);
    const editor = (await app.loginAs('editor')).token;
    expect((await app.request('DELETE', '/api/admin/sms/opt-outs/13800000031', { token: editor })).status).to.equal(403);
    expect((await app.request('DELETE', '/api/admin/sms/opt-outs/13800000031', { token: adminToken })).status).to.equal(204);
    expect((await app.request('DELETE', '/api/admin/sms/opt-outs/13800000031', { token: adminToken })).status).to.equal(404);
  });

  it('lists the outbox with paging for admin, editor and organizer only', async () => {
    const channel = new SmsChannel({ provider: new OutboxProvider(new TestClock()), signName: '连心', clock: new TestClock(), logger: quietLogger });
    await channel.deliver(request('ob-d1', ['13800000041', '13800000042', '13800000043']));
    const organizer = (await app.loginAs('organizer')).token;
    const page = await app.request('GET', '/api/admin/outbox?page=1&pageSize=2&deliveryId=ob-d1', { token: organizer });
    expect(page.status).to.equal(200);
    expect(page.body.total).to.equal(3);
    expect(page.body.items).to.have.length(2);
    expect(page.body.items[0].text).to.match(/^【连心】“新闻标题”已发布/);
    const reviewer = (await app.loginAs('reviewer')).token;
    expect((await app.request('GET', '/api/admin/outbox', { token: reviewer })).status).to.equal(403);
  });

  it('shows editors and organizers masked numbers and RSVP links; only admins see them whole', async () => {
    const channel = new SmsChannel({ provider: new OutboxProvider(new TestClock()), signName: '连心', clock: new TestClock(), logger: quietLogger });
    const token = 'AbCdEfGhIjKlMnOpQrStUv';
    const link = `http://lianxin.test/r/${token}`;
    await channel.deliver({
      ...request('ob-rsvp', []),
      sms: { notification: 'invitation', params: { title: '交流会', time: '12月1日 14:30', venue: '三楼' }, recipients: [{ phone: '13800000051', name: '王五', params: { link } }] },
    });
    for (const role of ['editor', 'organizer'] as const) {
      const token_ = (await app.loginAs(role)).token;
      const page = await app.request('GET', '/api/admin/outbox?deliveryId=ob-rsvp', { token: token_ });
      expect(page.status).to.equal(200);
      const [item] = page.body.items;
      expect(item.phone, role).to.equal('138****0051');
      expect(JSON.stringify(page.body), role).not.to.contain(token).and.not.to.contain('13800000051');
      expect(item.values.link).to.equal('http://lianxin.test/r/AbCd****');
      expect(item.text).to.contain('http://lianxin.test/r/AbCd****');
    }
    const full = await app.request('GET', '/api/admin/outbox?deliveryId=ob-rsvp', { token: adminToken });
    expect(full.body.items[0]).to.include({ phone: '+8613800000051' });
    expect(full.body.items[0].values.link).to.equal(link);
    expect(full.body.items[0].text).to.contain(link);
  });
});

describe('SMS outbox phone search', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ name: 'sms_outbox_search' });
  });
  after(() => app.close());

  it('takes only whole numbers, and a few lookups per quarter hour from anyone but an admin', async () => {
    const editor = (await app.loginAs('editor')).token;
    const admin = (await app.loginAs('admin')).token;
    const partial = await app.request('GET', '/api/admin/outbox?phone=138', { token: editor });
    expect(partial.status).to.equal(400);
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await app.request('GET', `/api/admin/outbox?phone=1380000${String(i).padStart(4, '0')}`, { token: editor })).status);
    expect(statuses.filter((s) => s === 200)).to.have.length(19); // the partial number above counted too
    expect(statuses.slice(-2)).to.deep.equal([429, 429]);
    expect((await app.request('GET', '/api/admin/outbox', { token: editor })).status).to.equal(200); // browsing stays open
    for (let i = 0; i < 25; i++) expect((await app.request('GET', `/api/admin/outbox?phone=1390000${String(i).padStart(4, '0')}`, { token: admin })).status).to.equal(200);
  });
});

describe('SMS callbacks in production', () => {
  it('refuses every callback in production when no receipt token is configured', async () => {
    const prod = await startTestApp({ name: 'sms_http_prod', env: { NODE_ENV: 'production', PUBLIC_BASE_URL: 'https://lianxin.example.cn' } });
    try {
      for (const path of ['/api/callbacks/sms/tencent', '/api/callbacks/sms/aliyun/reply']) {
        const res = await prod.request('POST', path, { body: [] });
        expect(res.status, path).to.equal(401);
        expect(res.body.error.code).to.equal('callback_token_not_configured');
      }
    } finally {
      await prod.close();
    }
  });
});
